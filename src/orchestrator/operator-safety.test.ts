// Operator actions that must never hurt a healthy workload: a repair of an undrained maintenance blade, and a finish
// while another transfer holds the finished workload's blade.
import { afterEach, describe, expect, it } from 'vitest';
import type { TransferRecord } from '../ports/store.js';
import { eventually, harness, type Harness } from './testing/harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

describe('operator safety', () => {
  it('a repaired maintenance blade whose drain never happened stays its workload’s host, not a standby', async () => {
    h = await harness({
      blades: [
        { id: 'A', resources: { storageTB: 200 } },
        { id: 'C', resources: { storageTB: 200 } },
        { id: 'S', resources: { storageTB: 200 }, power: 'off' },
      ],
      workloads: [
        { id: 'W1', requirements: { storageTB: 200 }, blade: 'A' },
        { id: 'W2', requirements: { storageTB: 200 }, blade: 'C' },
      ],
    });
    await h.settle();
    // The pool emptied, then A put into maintenance: nowhere to drain W1 to, so it keeps running on A.
    await h.controller.maintenance('S', true);
    await h.controller.maintenance('A', true);
    await h.settle();
    expect(await h.store.workload('W1')).toMatchObject({ state: 'running', blade: 'A' });
    await h.controller.repair('A');
    expect(await h.store.blade('A')).toMatchObject({ state: 'active' });
    // The next failover must not pick A: W2 waits, W1 keeps running where it was.
    h.world.failBlade('C');
    await h.settle(10_000);
    expect(await h.store.workload('W1')).toMatchObject({ state: 'running', blade: 'A' });
    expect(h.world.runningOn('W1')).toEqual(['A']);
    expect(await h.store.workload('W2')).toMatchObject({ state: 'pending' });
    expect((await h.store.transfers()).filter((t) => t.to === 'A')).toEqual([]);
  });

  it('a maintenance blade an open transfer aims at comes back active, not into the pool', async () => {
    h = await harness({
      blades: [
        { id: 'A', resources: { storageTB: 200 } },
        { id: 'T', resources: { storageTB: 200 } },
      ],
      pollMs: 0,
    });
    await h.controller.maintenance('T', true);
    await h.store.commit({ transfers: [openPlace('W9', 'T')] });
    await h.controller.maintenance('T', false);
    expect(await h.store.blade('T')).toMatchObject({ state: 'active' });
  });

  it('finish never frees a blade that another open transfer holds, and no second transfer aims at it', async () => {
    h = await harness({
      blades: [{ id: 'B', resources: { storageTB: 200 } }],
      workloads: [{ id: 'W1', requirements: { storageTB: 200 }, blade: 'B' }],
      pollMs: 0,
    });
    await h.settle();
    // A place of W2 aimed at B is open (the store as a past mistake left it); finishing W1 must leave B to it.
    h.world.addWorkload({ id: 'W2', requirements: { storageTB: 200 } });
    await h.store.commit({
      workloads: [
        {
          id: 'W2',
          requirements: { storageTB: 200 },
          source: 'declared',
          priority: 0,
          blade: null,
          state: 'transferring',
          movedAt: null,
          pendingReason: null,
        },
      ],
      transfers: [openPlace('W2', 'B')],
    });
    await h.controller.finish('W1');
    expect(await h.store.blade('B')).toMatchObject({ state: 'active' });
    // Even a record that says standby is not offered to a second transfer while one aims at the blade.
    await h.store.commit({ blades: [{ ...(await h.store.blade('B'))!, state: 'standby' }] });
    h.world.addWorkload({ id: 'W3', requirements: { storageTB: 200 } });
    await h.controller.submit({ id: 'W3', requirements: { storageTB: 200 } });
    await h.planRound();
    await eventually(
      async () => (await h!.store.workload('W3'))?.pendingReason != null,
      5_000,
      'W3 pending with a reason',
    );
    expect((await h.store.transfers()).filter((t) => t.to === 'B').map((t) => t.workload)).toEqual(['W2']);
  });
});

function openPlace(workload: string, to: string): TransferRecord {
  return {
    id: `place-${workload}`,
    kind: 'place',
    workload,
    from: null,
    to,
    before: null,
    after: { deficit: 0, surplus: 0, cost: 0, feasible: true, mismatches: [] },
    status: 'running',
    reason: null,
    drain: false,
    steps: [],
    createdAt: Date.now(),
    updatedAt: Date.now(),
  };
}
