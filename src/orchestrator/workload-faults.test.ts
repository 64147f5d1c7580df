// Transfer failures are classified: a workload fault (the driver does not know the workload, or cannot use its state)
// never fails the target blade; it frees the target and holds the workload pending with the reason. A pending or
// placing workload can be withdrawn, and its target goes back to the pool.
import { afterEach, describe, expect, it } from 'vitest';
import { ActionError } from './action-error.js';
import { eventually, harness, type Harness } from './testing/harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

const standbys = [
  { id: 'S1', resources: { storageTB: 200 }, power: 'off' as const },
  { id: 'S2', resources: { storageTB: 300 }, power: 'off' as const },
];

describe('workload faults', () => {
  it('a workload its driver forgot fails no blade: the target returns to the pool and the workload is held pending', async () => {
    let forgotten = true;
    h = await harness({
      blades: standbys,
      prepare: (world, ports) => {
        const attach = ports.storage.attach.bind(ports.storage);
        // The hypervisor lost G's definition after it was submitted.
        ports.storage.attach = async (workload, blade) => {
          if (workload === 'G' && forgotten)
            throw world.refuse('attach', 'unknown-workload', `workload ${workload}: unknown`, blade, workload);
          return attach(workload, blade);
        };
      },
    });
    h.world.addWorkload({ id: 'G', requirements: { storageTB: 200 } });
    await h.controller.submit({ id: 'G', requirements: { storageTB: 200 } });
    await eventually(
      async () => (await h!.store.transfers()).some((t) => t.status === 'aborted'),
      5_000,
      'the placement to give up',
    );
    await h.settle();
    await h.planRound();
    await h.settle();
    expect(await h.store.blade('S1')).toMatchObject({ state: 'standby' });
    expect(await h.store.blade('S2')).toMatchObject({ state: 'standby' });
    expect((await h.events()).filter((e) => e.type === 'blade.failed')).toEqual([]);
    const g = await h.store.workload('G');
    expect(g).toMatchObject({ state: 'pending', blade: null });
    expect(g?.pendingReason).toMatch(/^workload fault: attach failed on S1: workload G: unknown/);
    // Held: not tried again on the other blade.
    expect((await h.store.transfers()).length).toBe(1);
    // New requirements are the operator's word that something changed: it is tried again, and placed.
    forgotten = false;
    await h.controller.setRequirements('G', { storageTB: 200 });
    await h.settle();
    expect(await h.store.workload('G')).toMatchObject({ state: 'running', blade: 'S1' });
  });

  it('a restore the driver refuses for the workload’s own state fails no blade', async () => {
    h = await harness({
      blades: standbys,
      prepare: (world, ports) => {
        ports.workloads.restore = async (workload, blade) => {
          throw world.refuse(
            'restore',
            'bad-checkpoint',
            `blade ${blade}: checkpoint is not a saved state of ${workload}`,
            blade,
            workload,
          );
        };
      },
    });
    h.world.addWorkload({ id: 'G', requirements: { storageTB: 200 } });
    await h.controller.submit({ id: 'G', requirements: { storageTB: 200 } });
    await eventually(
      async () => (await h!.store.transfers()).some((t) => t.status === 'aborted'),
      5_000,
      'the placement to give up',
    );
    await h.settle();
    expect(await h.store.blade('S1')).toMatchObject({ state: 'standby', power: 'off' });
    expect((await h.store.workload('G'))?.pendingReason).toMatch(/^workload fault: restore failed on S1/);
  });

  it('a target that will not power on is still a target fault: that blade is failed', async () => {
    h = await harness({ blades: standbys, prepare: (world) => world.refusePowerOn('S1') });
    h.world.addWorkload({ id: 'W', requirements: { storageTB: 200 } });
    await h.controller.submit({ id: 'W', requirements: { storageTB: 200 } });
    await h.settle(10_000);
    expect(await h.store.blade('S1')).toMatchObject({ state: 'failed' });
    expect(await h.store.workload('W')).toMatchObject({ state: 'running', blade: 'S2' });
  });

  it('a workload the driver does not know is refused at submit, naming it', async () => {
    h = await harness({ blades: standbys });
    const refused = await h.controller.submit({ id: 'ghost', requirements: { storageTB: 1 } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ActionError);
    expect(refused).toMatchObject({
      code: 'unknown-to-driver',
      message: 'workload ghost is unknown to the workload driver',
    });
    expect(await h.store.workload('ghost')).toBeNull();
  });
});

describe('withdrawal', () => {
  it('a placing workload is withdrawn: its target is powered off and back in the pool, the workload finished', async () => {
    h = await harness({ blades: [{ id: 'S1', resources: { storageTB: 200 }, power: 'off', powerDelayMs: 400 }] });
    h.world.addWorkload({ id: 'W', requirements: { storageTB: 200 } });
    await h.controller.submit({ id: 'W', requirements: { storageTB: 200 } });
    await eventually(
      async () => (await h!.store.workload('W'))?.state === 'transferring',
      5_000,
      'the placement to start',
    );
    await h.controller.withdraw('W');
    await h.settle(10_000);
    expect(await h.store.workload('W')).toMatchObject({ state: 'finished', blade: null });
    expect(await h.store.blade('S1')).toMatchObject({ state: 'standby' });
    expect(h.world.blade('S1')?.power).toBe('off');
    expect(h.world.runningOn('W')).toEqual([]);
    expect((await h.store.transfers())[0]).toMatchObject({
      kind: 'place',
      status: 'aborted',
      reason: 'withdrawn by an operator',
    });
  });

  it('a pending workload is withdrawn; a running one is not (finish it instead)', async () => {
    h = await harness({
      blades: [{ id: 'A', resources: { storageTB: 200 } }],
      workloads: [{ id: 'R', requirements: { storageTB: 200 }, blade: 'A' }],
    });
    h.world.addWorkload({ id: 'P', requirements: { storageTB: 900 } });
    await h.controller.submit({ id: 'P', requirements: { storageTB: 900 } });
    await h.settle();
    expect(await h.store.workload('P')).toMatchObject({ state: 'pending' });
    await h.controller.withdraw('P');
    expect(await h.store.workload('P')).toMatchObject({ state: 'finished' });
    await expect(h.controller.withdraw('R')).rejects.toMatchObject({ code: 'conflict' });
    expect(await h.store.workload('R')).toMatchObject({ state: 'running', blade: 'A' });
  });
});
