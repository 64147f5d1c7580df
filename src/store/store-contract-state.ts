// Store contract, part one: the current state (blades, workloads, transfers, checkpoints, policy) round-trips.
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, type Resources } from '../core/model.js';
import type { ContractContext } from './store-contract.js';
import {
  T0,
  UNICODE_IDS,
  blade,
  checkpoint,
  fitExact,
  step,
  transfer,
  unplacedBlade,
  workload,
} from './store-contract-records.js';

export function stateContract(context: ContractContext): void {
  describe('blades', () => {
    it('round-trip exactly, with and without a location, under unicode ids', async () => {
      const store = context.store();
      const blades = [
        blade(UNICODE_IDS[0], { state: 'active', power: 'on' }),
        blade(UNICODE_IDS[1], {
          health: 'critical',
          resources: { storageTB: 1e15, gpuModel: 'A100 80GB', ratio: 0.1 },
        }),
        blade(UNICODE_IDS[2], { state: 'maintenance', health: 'warning', resources: {} }),
        unplacedBlade(UNICODE_IDS[3]),
      ];
      await store.commit({ blades });
      for (const expected of blades) expect(await store.blade(expected.id)).toStrictEqual(expected);
      const unplaced = await store.blade(UNICODE_IDS[3]);
      expect(unplaced !== null && 'location' in unplaced).toBe(false);
      expect(await store.blades()).toStrictEqual(byId(blades));
    });

    it('keep the policy rules: burn-in start of a blade, minimum and pinned of a workload, and clear them', async () => {
      const store = context.store();
      await store.commit({
        blades: [blade('R', { burnInSince: T0 + 5 })],
        workloads: [workload('P', { minimum: { memoryGiB: 384, gpuCount: 1 }, pinned: true })],
      });
      expect(await store.blade('R')).toStrictEqual(blade('R', { burnInSince: T0 + 5 }));
      expect(await store.workload('P')).toStrictEqual(
        workload('P', { minimum: { memoryGiB: 384, gpuCount: 1 }, pinned: true }),
      );
      await store.commit({ blades: [blade('R')], workloads: [workload('P')] });
      expect(await store.blade('R')).toStrictEqual(blade('R'));
      expect(await store.workload('P')).toStrictEqual(workload('P'));
    });

    it("keep what eligibility reads: a blade's Status.State and its enclosure's power, and clear them", async () => {
      const store = context.store();
      await store.commit({ blades: [blade('S', { systemState: 'StandbyOffline', chassisPower: 'off' })] });
      expect(await store.blade('S')).toStrictEqual(blade('S', { systemState: 'StandbyOffline', chassisPower: 'off' }));
      await store.commit({ blades: [blade('S')] });
      expect(await store.blade('S')).toStrictEqual(blade('S'));
    });

    it("keep what a failed blade's verdict rested on, and clear it", async () => {
      const store = context.store();
      const failed = blade('F', { state: 'failed', failure: { bmc: 'silent', workload: 'lost' } });
      await store.commit({ blades: [failed] });
      expect(await store.blade('F')).toStrictEqual(failed);
      await store.commit({ blades: [blade('F')] });
      expect(await store.blade('F')).toStrictEqual(blade('F'));
    });

    it('sort by id, byte-wise', async () => {
      const store = context.store();
      const ids = ['b', 'Ω', 'a-2', 'B', '🔥', 'a', 'a10', 'a9'];
      await store.commit({ blades: ids.map((id) => blade(id)) });
      expect((await store.blades()).map((b) => b.id)).toStrictEqual([...ids].sort());
    });

    it('are replaced whole by an upsert: no key of the old record survives', async () => {
      const store = context.store();
      await store.commit({ blades: [blade('A'), blade('B')] });
      const replaced = unplacedBlade('A');
      await store.commit({ blades: [replaced] });
      expect(await store.blade('A')).toStrictEqual(replaced);
      expect(await store.blades()).toStrictEqual([replaced, blade('B')]);
    });

    it('are fresh objects: changing one read does not change the next', async () => {
      const store = context.store();
      await store.commit({ blades: [blade('A')] });
      const first = await store.blade('A');
      if (first === null) throw new Error('blade A is missing');
      (first.resources as Record<string, Resources[string]>)['storageTB'] = 999;
      expect(await store.blade('A')).toStrictEqual(blade('A'));
    });
  });

  describe('workloads', () => {
    it('round-trip exactly, nulls included', async () => {
      const store = context.store();
      const workloads = [
        workload(UNICODE_IDS[0]),
        workload('pending', {
          blade: null,
          state: 'pending',
          movedAt: null,
          pendingReason: 'no-standby',
          source: 'measured',
        }),
        workload('odd', {
          priority: -2.5,
          source: 'vm-metadata',
          state: 'transferring',
          requirements: { gpuCount: 1, cpuModel: 'POWER9' },
        }),
        workload('done', { blade: null, state: 'finished', source: 'host', requirements: {} }),
      ];
      await store.commit({ workloads });
      for (const expected of workloads) expect(await store.workload(expected.id)).toStrictEqual(expected);
      expect(await store.workloads()).toStrictEqual(byId(workloads));
    });

    it('are replaced by an upsert', async () => {
      const store = context.store();
      await store.commit({ workloads: [workload('W1')] });
      const moved = workload('W1', { blade: 'C', movedAt: T0 + 99, requirements: { storageTB: 300 } });
      await store.commit({ workloads: [moved] });
      expect(await store.workloads()).toStrictEqual([moved]);
    });
  });

  describe('transfers', () => {
    it('round-trip exactly: steps in order, null fields, fits with mismatches', async () => {
      const store = context.store();
      const failover = transfer(UNICODE_IDS[1]);
      const placement = transfer('T-place', { kind: 'place', from: null, before: null, after: fitExact(), steps: [] });
      const drain = transfer('T-drain', {
        kind: 'cascade',
        status: 'waiting',
        reason: 'awaiting approval',
        drain: true,
      });
      await store.commit({ transfers: [failover, placement, drain] });
      expect(await store.transfer(failover.id)).toStrictEqual(failover);
      expect(await store.transfer('T-place')).toStrictEqual(placement);
      expect(await store.transfer('T-drain')).toStrictEqual(drain);
    });

    it('take their steps from the record on every upsert, growing or shrinking', async () => {
      const store = context.store();
      const steps = [
        step('capture'),
        step('fence'),
        step('attach'),
        step('start', { status: 'started', endedAt: null }),
      ];
      for (const count of [2, 4, 1, 0, 3]) {
        const record = transfer('T1', { steps: steps.slice(0, count), updatedAt: T0 + count });
        await store.commit({ transfers: [record] });
        expect(await store.transfer('T1')).toStrictEqual(record);
      }
    });

    it('sort by createdAt, then id', async () => {
      const store = context.store();
      const records = [
        transfer('T3', { createdAt: T0 + 10 }),
        transfer('T2', { createdAt: T0 }),
        transfer('T10', { createdAt: T0 }),
        transfer('T1', { createdAt: T0 + 5 }),
      ];
      await store.commit({ transfers: records });
      expect((await store.transfers()).map((t) => t.id)).toStrictEqual(['T10', 'T2', 'T1', 'T3']);
    });

    it('filter by open (running or waiting) and by workload', async () => {
      const store = context.store();
      await store.commit({
        transfers: [
          transfer('T1', { workload: 'W1', status: 'running', createdAt: T0 + 1 }),
          transfer('T2', { workload: 'W1', status: 'done', createdAt: T0 + 2 }),
          transfer('T3', { workload: 'W2', status: 'waiting', createdAt: T0 + 3 }),
          transfer('T4', { workload: 'W2', status: 'aborted', createdAt: T0 + 4 }),
          transfer('T5', { workload: 'W1', status: 'waiting', createdAt: T0 + 5 }),
        ],
      });
      const ids = async (filter?: { open?: boolean; workload?: string }) =>
        (await store.transfers(filter)).map((t) => t.id);
      expect(await ids()).toStrictEqual(['T1', 'T2', 'T3', 'T4', 'T5']);
      expect(await ids({})).toStrictEqual(['T1', 'T2', 'T3', 'T4', 'T5']);
      // `open: false` does not filter: it means "not only the open ones".
      expect(await ids({ open: false })).toStrictEqual(['T1', 'T2', 'T3', 'T4', 'T5']);
      expect(await ids({ open: true })).toStrictEqual(['T1', 'T3', 'T5']);
      expect(await ids({ workload: 'W1' })).toStrictEqual(['T1', 'T2', 'T5']);
      expect(await ids({ open: true, workload: 'W2' })).toStrictEqual(['T3']);
      expect(await ids({ workload: 'nobody' })).toStrictEqual([]);
      await store.commit({ transfers: [transfer('T1', { workload: 'W1', status: 'done', createdAt: T0 + 1 })] });
      expect(await ids({ open: true })).toStrictEqual(['T3', 'T5']);
    });
  });

  describe('checkpoints', () => {
    it('keep history; the latest is the highest sequence, then the latest takenAt', async () => {
      const store = context.store();
      await store.commit({ checkpoints: [checkpoint('W1', 2, T0 + 20), checkpoint('W1', 5, T0 + 10, 'B')] });
      expect(await store.latestCheckpoint('W1')).toStrictEqual(checkpoint('W1', 5, T0 + 10, 'B'));
      // An older sequence that arrives late does not win.
      await store.commit({ checkpoints: [checkpoint('W1', 4, T0 + 30)] });
      expect(await store.latestCheckpoint('W1')).toStrictEqual(checkpoint('W1', 5, T0 + 10, 'B'));
      await store.commit({ checkpoints: [checkpoint('W1', 5, T0 + 40, 'C'), checkpoint('W1', 5, T0 + 15)] });
      expect(await store.latestCheckpoint('W1')).toStrictEqual(checkpoint('W1', 5, T0 + 40, 'C'));
      expect(await store.latestCheckpoint('W2')).toBeNull();
      await store.commit({ checkpoints: [checkpoint(UNICODE_IDS[0], 1, T0)] });
      expect(await store.latestCheckpoint(UNICODE_IDS[0])).toStrictEqual(checkpoint(UNICODE_IDS[0], 1, T0));
    });
  });

  describe('policy', () => {
    it('is null until written, then the latest written', async () => {
      const store = context.store();
      expect(await store.policy()).toBeNull();
      await store.commit({ policy: DEFAULT_POLICY });
      expect(await store.policy()).toStrictEqual({ ...DEFAULT_POLICY, weights: {} });
      const tuned = {
        ...DEFAULT_POLICY,
        weights: { storageTB: 2, mémoire: 0.5 },
        requireApproval: true,
        cooldownSeconds: 600,
      };
      await store.commit({ policy: tuned });
      expect(await store.policy()).toStrictEqual(tuned);
      await store.commit({ blades: [blade('A')] });
      expect(await store.policy()).toStrictEqual(tuned);
    });
  });
}

function byId<T extends { readonly id: string }>(records: readonly T[]): T[] {
  return [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
