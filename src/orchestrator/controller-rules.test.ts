// The controller's planning rules seen from outside (its public methods, the store, the fake world): the cooldown
// is in seconds, open transfers count against the transfer limit, and a standby blade that is critical or
// unreachable is never a target. Each "nothing happened" is checked after plan rounds the controller counted.
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, harness, type Harness } from './testing/harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

const placement = async (workload: string) => (await h!.store.workload(workload))?.blade ?? null;

describe('controller planning rules', () => {
  it('keeps a workload that just moved where it is for cooldownSeconds (seconds, not milliseconds)', async () => {
    h = await harness({
      blades: [
        { id: 'B', resources: { storageTB: 500 } },
        { id: 'C', resources: { storageTB: 300 }, power: 'off' },
      ],
      workloads: [{ id: 'W1', requirements: { storageTB: 200 }, blade: 'B' }],
      policy: { cooldownSeconds: 30 },
    });
    await h.settle();
    expect(await placement('W1')).toBe('C');
    const movedAt = (await h.store.workload('W1'))!.movedAt!;
    // A better blade appears: an exact fit, but W1 moved moments ago.
    h.world.addBlade({ id: 'D', resources: { storageTB: 200 }, power: 'off' });
    await h.controller.discover();
    // Plan rounds until well past 30 ms since the move (what a cooldown read as milliseconds would allow).
    do await h.planRound();
    while (Date.now() - movedAt < 200);
    await h.settle();
    expect(await placement('W1')).toBe('C');
    expect((await h.store.transfers()).map((t) => [t.kind, t.to])).toEqual([['cascade', 'C']]);
  });

  it('counts open transfers against maxConcurrentTransfers', async () => {
    h = await harness({
      blades: [
        { id: 'B1', resources: { storageTB: 500 } },
        { id: 'B2', resources: { storageTB: 500 } },
        // Slow to power on: the first cascade stays open while the controller plans again.
        { id: 'C1', resources: { storageTB: 300 }, power: 'off', powerDelayMs: 600 },
        { id: 'C2', resources: { storageTB: 300 }, power: 'off', powerDelayMs: 600 },
      ],
      workloads: [
        { id: 'W1', requirements: { storageTB: 200 }, blade: 'B1' },
        { id: 'W2', requirements: { storageTB: 200 }, blade: 'B2' },
      ],
      policy: { maxConcurrentTransfers: 1 },
    });
    await eventually(async () => (await h!.store.transfers({ open: true })).length === 1, 5_000, 'the first cascade');
    await h.planRound();
    await h.planRound();
    const open = await h.store.transfers({ open: true });
    expect(open).toHaveLength(1);
    expect(open[0]!.steps.some((s) => s.name === 'release')).toBe(false);
    await h.settle(20_000);
    expect((await h.store.transfers()).map((t) => [t.kind, t.status])).toEqual([
      ['cascade', 'done'],
      ['cascade', 'done'],
    ]);
  });

  for (const fault of ['critical', 'unreachable'] as const) {
    it(`never fails over to a standby blade that is ${fault}`, async () => {
      h = await harness({
        blades: [
          { id: 'A', resources: { storageTB: 200 } },
          { id: 'S', resources: { storageTB: 200 }, power: 'off' },
        ],
        workloads: [{ id: 'W1', requirements: { storageTB: 200 }, blade: 'A' }],
        // Blades are observed on their events only: no poll may find S bad between its return and the plan.
        pollMs: 0,
      });
      await h.settle();
      // S goes bad while in maintenance (its record keeps the health), then returns to the pool with it.
      await h.controller.maintenance('S', true);
      if (fault === 'critical') h.world.setHealth('S', 'critical');
      else h.world.setReachable('S', false);
      await eventually(async () => (await h!.store.blade('S'))?.health === fault, 5_000, `S seen ${fault}`);
      await h.controller.checkpoint('W1');
      h.world.failBlade('A');
      await eventually(async () => (await h!.store.workload('W1'))?.state === 'pending', 5_000, 'W1 pending');
      await h.controller.maintenance('S', false);
      await h.planRound();
      await h.settle();
      expect((await h.store.transfers()).filter((t) => t.to === 'S')).toEqual([]);
      expect(await h.store.workload('W1')).toMatchObject({ state: 'pending' });
    });
  }
});
