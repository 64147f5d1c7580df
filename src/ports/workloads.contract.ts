// The WorkloadPort contract: every driver (the fakes, libvirt, the emulator) runs this suite against itself.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, expectRejectionNaming, pause } from './contract-support.js';
import type { ObservedWorkload, WorkloadPort } from './workloads.js';

export interface WorkloadSetup {
  readonly port: WorkloadPort;
  /** A workload running on `home`. */
  readonly workload: string;
  readonly home: string;
  /** Two powered-on blades running nothing, that live migration from `home` reaches where the driver migrates. */
  readonly spares: readonly [string, string];
  /** A powered-on blade running nothing that live migration from `home` cannot reach; without it that case is skipped. */
  readonly unmigratable?: string;
  /** Lets the workload run a while so its sequence grows; default a 100 ms pause. */
  letRun?(): Promise<void>;
  /**
   * False when the driver takes no periodic checkpoint of a running workload (libvirt: `virsh save`
   * stops the domain). checkpoint() must then refuse with an error naming the workload and leave it running.
   */
  readonly checkpoints?: boolean;
  cleanup(): Promise<void>;
}

export function workloadsContract(name: string, setup: () => Promise<WorkloadSetup>): void {
  describe(`WorkloadPort contract: ${name}`, () => {
    let h: WorkloadSetup | undefined;
    const ctx = (): WorkloadSetup => {
      if (!h) throw new Error('setup did not run');
      return h;
    };
    const letRun = async (): Promise<void> => {
      const h = ctx();
      if (h.letRun) await h.letRun();
      else await pause(100);
    };
    const status = (): Promise<ObservedWorkload> => ctx().port.status(ctx().workload);

    beforeEach(async () => {
      h = await setup();
    });
    afterEach(async () => {
      await h?.cleanup();
      h = undefined;
    });

    it('reports it running on its blade, its sequence growing', async () => {
      const { workload, home } = ctx();
      const first = await status();
      expect(first).toMatchObject({ state: 'running', blade: home });
      await eventually(status, (s) => s.sequence > first.sequence, 5_000, `${workload} sequence grows`);
    });

    it('liveness: alive on its blade while it runs, lost once it is stopped; an unknown workload is not alive', async () => {
      const { port, workload, home } = ctx();
      expect(await port.liveness(workload)).toMatchObject({ alive: true, blade: home });
      await port.capture(workload, home);
      const after = await port.liveness(workload);
      expect(after).toMatchObject({ alive: false, blade: null });
      expect(after.reason).toContain(workload);
      expect((await port.liveness('no-such-workload-x')).alive).toBe(false);
    });

    it('capture stops it and returns the sequence it stopped at; a second capture returns the same state', async () => {
      const { port, workload, home } = ctx();
      const checkpoint = await port.capture(workload, home);
      expect(checkpoint).toMatchObject({ workload, blade: home });
      expect(typeof checkpoint.data).toBe('string');
      expect(await status()).toEqual({ state: 'stopped', blade: null, sequence: checkpoint.sequence });
      await letRun();
      expect((await status()).sequence).toBe(checkpoint.sequence);
      expect((await port.capture(workload, home)).sequence).toBe(checkpoint.sequence);
    });

    it('checkpoint leaves it running, and a restore elsewhere after a failure continues from the snapshot', async () => {
      const { port, workload, home, spares } = ctx();
      // A driver without periodic checkpoints says so, naming the workload, and disturbs nothing.
      if (ctx().checkpoints === false) {
        await expectRejectionNaming(port.checkpoint(workload, home), workload);
        expect(await status()).toMatchObject({ state: 'running', blade: home });
        return;
      }
      const snapshot = await port.checkpoint(workload, home);
      expect(snapshot).toMatchObject({ workload, blade: home });
      expect(await status()).toMatchObject({ state: 'running', blade: home });
      await letRun();
      await port.capture(workload, home);
      await port.restore(workload, spares[0], snapshot);
      expect((await status()).blade).toBe(spares[0]);
      expect((await status()).sequence).toBeGreaterThanOrEqual(snapshot.sequence);
      await expectRejectionNaming(port.checkpoint(workload, home), home);
    });

    it('refuses to capture it on a blade where it does not run', async () => {
      const { port, workload, spares } = ctx();
      await expectRejectionNaming(port.capture(workload, spares[0]), spares[0]);
      expect(await status()).toMatchObject({ state: 'running', blade: ctx().home });
    });

    it('restore on another blade continues from the checkpoint', async () => {
      const { port, workload, home, spares } = ctx();
      const checkpoint = await port.capture(workload, home);
      await port.restore(workload, spares[0], checkpoint);
      const seen = await status();
      expect(seen).toMatchObject({ state: 'running', blade: spares[0] });
      expect(seen.sequence).toBeGreaterThanOrEqual(checkpoint.sequence);
      await letRun();
      expect((await port.capture(workload, spares[0])).sequence).toBeGreaterThanOrEqual(seen.sequence);
    });

    it('restore is idempotent: the same call again while it runs there changes nothing', async () => {
      const { port, workload, home, spares } = ctx();
      const checkpoint = await port.capture(workload, home);
      await port.restore(workload, spares[0], checkpoint);
      await port.restore(workload, spares[0], checkpoint);
      expect(await status()).toMatchObject({ state: 'running', blade: spares[0] });
    });

    it('refuses a restore on a second blade while it runs: never on two blades', async () => {
      const { port, workload, home, spares } = ctx();
      const checkpoint = await port.capture(workload, home);
      await port.restore(workload, spares[0], checkpoint);
      await expectRejectionNaming(port.restore(workload, spares[1], checkpoint), spares[1]);
      expect(await status()).toMatchObject({ state: 'running', blade: spares[0] });
    });

    it('resume continues a captured workload where it stopped', async () => {
      const { port, workload, home } = ctx();
      const checkpoint = await port.capture(workload, home);
      await port.resume(workload, home);
      const seen = await status();
      expect(seen).toMatchObject({ state: 'running', blade: home });
      expect(seen.sequence).toBeGreaterThanOrEqual(checkpoint.sequence);
    });

    it('migrate moves it live, its sequence continuing, where the driver can', async (test) => {
      const { port, workload, home, spares } = ctx();
      if (!(await port.canMigrate(workload, home, spares[0]))) return test.skip('this driver cannot migrate live here');
      const before = await status();
      await port.migrate(workload, home, spares[0]);
      const after = await status();
      expect(after).toMatchObject({ state: 'running', blade: spares[0] });
      expect(after.sequence).toBeGreaterThanOrEqual(before.sequence);
    });

    it('refuses a migration it cannot make, and the workload keeps running on its source', async (test) => {
      const { port, workload, home, unmigratable } = ctx();
      if (unmigratable === undefined) return test.skip('no blade this driver refuses to migrate to');
      expect(await port.canMigrate(workload, home, unmigratable)).toBe(false);
      await expectRejectionNaming(port.migrate(workload, home, unmigratable), unmigratable);
      expect(await status()).toMatchObject({ state: 'running', blade: home });
    });

    it('reports declared requirements or null, and utilization samples', async () => {
      const { port, workload } = ctx();
      const declared = await port.declared(workload);
      if (declared !== null) {
        expect(['declared', 'vm-metadata']).toContain(declared.source);
        expect(typeof declared.requirements).toBe('object');
      }
      for (const sample of await port.samples(workload)) {
        for (const value of Object.values(sample)) expect(typeof value).toBe('number');
      }
    });

    it('refuses the status of an unknown workload with an error that names it', async () => {
      await expectRejectionNaming(ctx().port.status('no-such-workload-7f3a'), 'no-such-workload-7f3a');
    });
  });
}
