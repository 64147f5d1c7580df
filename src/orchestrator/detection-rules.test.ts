// Detection rules on fakes: a blade that dies during a drain fails over (never a rollback onto it), and a
// failover's capture takes a snapshot, not a stop, while the detector has not called the source failed.
import { afterEach, describe, expect, it } from 'vitest';
import { fakePorts, FakeWorld, historyViolations } from '../adapters/fake/index.js';
import { systemClock } from '../ports/clock.js';
import type { BladeRecord } from '../ports/store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { runStep } from './steps.js';
import { eventually, harness, TEST_TIMING, type Harness } from './testing/harness.js';
import { transfer } from './testing/transfer-records.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

describe('detection rules', () => {
  it('a blade that dies during a drain: a failover, no rollback loop', async () => {
    h = await harness({
      blades: [
        { id: 'A', resources: { memoryGiB: 64 } },
        // B powers on slowly, so the drain is still under way when A dies.
        { id: 'B', resources: { memoryGiB: 64 }, power: 'off', powerDelayMs: 300 },
      ],
      workloads: [{ id: 'W1', requirements: { memoryGiB: 64 }, blade: 'A' }],
    });
    await h.settle();
    h.world.checkpoint('W1');
    await h.controller.maintenance('A', true, 'operator:test');
    await eventually(async () => (await h!.store.transfers({ open: true })).some((t) => t.drain), 3_000, 'the drain');
    h.world.failBlade('A');
    await eventually(
      async () =>
        (await h!.store.workload('W1'))?.state === 'running' && (await h!.store.workload('W1'))?.blade === 'B',
      8_000,
      'W1 on B',
    );
    await h.settle(8_000);
    const transfers = await h.store.transfers();
    expect(transfers.map((t) => [t.kind, t.from, t.to, t.status])).toEqual([
      ['cascade', 'A', 'B', 'aborted'],
      ['failover', 'A', 'B', 'done'],
    ]);
    expect(transfers.flatMap((t) => t.steps).filter((s) => s.name === 'rollback')).toEqual([]);
    expect(await h.store.blade('A')).toMatchObject({ state: 'failed', verdict: 'failed' });
    expect(h.world.runningOn('W1')).toEqual(['B']);
    expect(historyViolations(h.world.history()).filter((v) => v.rule !== 'sequence-gap')).toEqual([]);
  });

  for (const [verdict, stops] of [
    ['suspect', false],
    ['failed', true],
  ] as const) {
    it(`a failover's capture from a ${verdict} source ${stops ? 'stops the workload there' : 'takes a snapshot and leaves it running'}`, async () => {
      const world = new FakeWorld({
        blades: [
          { id: 'A', resources: { memoryGiB: 64 } },
          { id: 'B', resources: { memoryGiB: 64 } },
        ],
        workloads: [{ id: 'W1', requirements: { memoryGiB: 64 }, blade: 'A' }],
      });
      const store = SqliteStore.open(':memory:');
      await store.migrate();
      const a: BladeRecord = {
        id: 'A',
        resources: { memoryGiB: 64 },
        state: 'failed',
        power: 'on',
        health: 'ok',
        endpoint: 'fake',
        verdict,
        verdictReason: 'test',
      };
      await store.commit({ blades: [a] });
      const out = await runStep('capture', transfer('failover', []), () => null, {
        ...fakePorts(world),
        store,
        clock: systemClock,
        timing: TEST_TIMING,
      });
      expect(out.source).toBe('live');
      expect(world.runningOn('W1')).toEqual(stops ? [] : ['A']);
      expect(world.history().some((e) => e.kind === 'stopped')).toBe(stops);
      await store.close();
    });
  }
});
