// The live controller obeys the policy rules through the core's round: a hard floor leaves a workload pending with
// its reason, a repaired blade burns in before it is a target, and a pinned workload is failed over, never cascaded.
// Each "nothing happened" is checked after plan rounds the controller counted.
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, harness, type Harness } from './testing/harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

describe('controller: policy rules', () => {
  it('keeps a workload below every hard floor pending with the floor as reason, and places it on a blade that meets it', async () => {
    h = await harness({
      blades: [{ id: 'S512', resources: { memoryGiB: 512 }, power: 'off' }],
      policy: { hardKeys: ['memoryGiB'] },
    });
    await h.settle();
    h.world.addWorkload({ id: 'W', requirements: { memoryGiB: 768 } });
    await h.controller.submit({ id: 'W', requirements: { memoryGiB: 768 } }, 'operator:test');
    await h.planRound();
    await h.settle();
    expect(await h.store.workload('W')).toMatchObject({
      state: 'pending',
      pendingReason:
        'no-feasible-standby: no standby blade meets the hard floor memoryGiB >= 768 (e.g. S512 offers 512)',
    });
    h.world.addBlade({ id: 'S1T', resources: { memoryGiB: 1024 }, power: 'off' });
    await h.controller.discover();
    await eventually(async () => (await h!.store.workload('W'))?.state === 'running', 5_000, 'W running');
    expect(await h.store.workload('W')).toMatchObject({ blade: 'S1T' });
  });

  it('does not fail back onto a repaired blade during its burn-in, and records when the burn-in started', async () => {
    h = await harness({
      blades: [
        { id: 'A', resources: { storageTB: 200 } },
        { id: 'B', resources: { storageTB: 500 }, power: 'off' },
      ],
      workloads: [{ id: 'W1', requirements: { storageTB: 200 }, blade: 'A' }],
      policy: { repairBurnInSeconds: 3600 },
    });
    await h.settle();
    h.world.failBlade('A');
    await eventually(
      async () =>
        (await h!.store.workload('W1'))?.blade === 'B' && (await h!.store.workload('W1'))?.state === 'running',
      5_000,
      'W1 on B',
    );
    await h.settle();
    h.world.repairBlade('A');
    const before = Date.now();
    await h.controller.repair('A', 'operator:test');
    const repaired = await h.store.blade('A');
    expect(repaired?.burnInSince).toBeGreaterThanOrEqual(before);
    await h.planRound();
    await h.planRound();
    await h.settle();
    // A fits W1 exactly, but it is burning in: W1 stays on B.
    expect(await h.store.workload('W1')).toMatchObject({ blade: 'B', state: 'running' });
    expect((await h.store.transfers()).map((t) => t.kind)).toEqual(['failover']);
    // The same blade with the burn-in over (the policy no longer asks for one) is taken at once.
    await h.controller.setPolicy({ ...h.controller.currentPolicy(), repairBurnInSeconds: 0 }, 'test');
    await eventually(async () => (await h!.store.workload('W1'))?.blade === 'A', 5_000, 'W1 back on A');
  });

  it('fails a pinned workload over but never cascades it', async () => {
    h = await harness({
      blades: [
        { id: 'S5', resources: { storageTB: 500 }, power: 'off' },
        { id: 'S2', resources: { storageTB: 200 }, power: 'off' },
      ],
    });
    await h.settle();
    h.world.addWorkload({ id: 'P', requirements: { storageTB: 200 } });
    await h.controller.submit({ id: 'P', requirements: { storageTB: 200 }, pinned: true }, 'operator:test');
    await eventually(async () => (await h!.store.workload('P'))?.state === 'running', 5_000, 'P running');
    expect(await h.store.workload('P')).toMatchObject({ pinned: true, blade: 'S2' });
    h.world.failBlade('S2');
    await eventually(
      async () => (await h!.store.workload('P'))?.blade === 'S5' && (await h!.store.workload('P'))?.state === 'running',
      5_000,
      'P on S5',
    );
    await h.settle();
    h.world.addBlade({ id: 'S2b', resources: { storageTB: 200 }, power: 'off' });
    await h.controller.discover();
    await h.planRound();
    await h.planRound();
    await h.settle();
    expect(await h.store.workload('P')).toMatchObject({ blade: 'S5' });
    expect((await h.store.transfers()).map((t) => t.kind)).toEqual(['place', 'failover']);
  });
});
