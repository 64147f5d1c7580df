// The controller end to end on fakes: the four-server example, and requirements from their three sources.
import { afterEach, describe, expect, it } from 'vitest';
import { historyViolations, runsOf } from '../adapters/fake/index.js';
import { eventually, harness, type Harness } from './testing/harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

const placement = async (workload: string) => (await h!.store.workload(workload))?.blade ?? null;
const stateOf = async (blade: string) => (await h!.store.blade(blade))?.state;

describe('controller: the four-server example through the executor (DESIGN section 1)', () => {
  it('fails W1 over to B, cascades to C, then home to A, with an audit trail', async () => {
    h = await harness({
      blades: [
        { id: 'A', resources: { storageTB: 200 } },
        { id: 'B', resources: { storageTB: 500 }, power: 'off' },
      ],
      workloads: [{ id: 'W1', requirements: { storageTB: 200 }, blade: 'A' }],
    });
    await h.settle();
    expect(await placement('W1')).toBe('A');

    const snapshot = await h.controller.checkpoint('W1');
    h.world.failBlade('A');
    await eventually(async () => (await stateOf('A')) === 'failed', 3000, 'A failed');
    await h.settle();
    expect(await placement('W1')).toBe('B');
    expect(h.world.runningOn('W1')).toEqual(['B']);

    h.world.addBlade({ id: 'C', resources: { storageTB: 300 }, power: 'off' });
    await h.controller.discover();
    await h.settle();
    expect(await placement('W1')).toBe('C');
    expect(await stateOf('B')).toBe('standby');

    h.world.repairBlade('A');
    await h.controller.repair('A');
    await h.settle();
    expect(await placement('W1')).toBe('A');
    expect(h.world.runningOn('W1')).toEqual(['A']);
    expect([await stateOf('A'), await stateOf('B'), await stateOf('C')]).toEqual(['active', 'standby', 'standby']);

    const transfers = await h.store.transfers();
    expect(transfers.map((t) => [t.kind, t.from, t.to, t.status])).toEqual([
      ['failover', 'A', 'B', 'done'],
      ['cascade', 'B', 'C', 'done'],
      ['cascade', 'C', 'A', 'done'],
    ]);
    // Every step was written before and after it ran, in order.
    expect(transfers[0]!.steps.filter((s) => s.status === 'succeeded').map((s) => s.name)).toEqual([
      'capture',
      'fence',
      'attach',
      'start',
      'restore',
      'verify',
    ]);
    expect(transfers[1]!.steps.filter((s) => s.status === 'succeeded').map((s) => s.name)).toEqual([
      'prepare',
      'move',
      'switch',
      'restore',
      'verify',
      'release',
    ]);

    const events = await h.events();
    const types = events.map((e) => e.type);
    expect(types).toContain('blade.failed');
    expect(types).toContain('blade.repaired');
    expect(events.filter((e) => e.type === 'transfer.done').map((e) => e.subject)).toEqual(transfers.map((t) => t.id));
    for (const t of transfers) {
      const mine = events.filter((e) => e.subject === t.id && e.type.startsWith('transfer.step.'));
      expect(mine.filter((e) => e.type === 'transfer.step.started')).toHaveLength(
        t.steps.filter((s) => s.status === 'started').length,
      );
    }
    expect(events.find((e) => e.type === 'blade.repaired')!.actor).toBe('operator');

    // The fake's own record: never on two blades, no start before fence, and no gap except the
    // failover's return to its last checkpoint (A died before it could be captured).
    const violations = historyViolations(h.world.history());
    expect(violations.filter((v) => v.rule !== 'sequence-gap')).toEqual([]);
    const gaps = violations.filter((v) => v.rule === 'sequence-gap');
    expect(gaps.length).toBeLessThanOrEqual(1);
    for (const gap of gaps) expect(gap.message).toContain(`W1 restored on B from sequence ${snapshot},`);
    expect(runsOf(h.world.history(), 'W1')[1]!.fromSequence).toBe(snapshot);
    const runs = runsOf(h.world.history(), 'W1');
    expect(runs.map((r) => r.blade)).toEqual(['A', 'B', 'C', 'A']);
  });
});

describe('controller: requirements from the three sources', () => {
  it('uses VM metadata, else measured samples, else the host blade', async () => {
    const samples = Array.from({ length: 20 }, (_, i) => ({ memoryGiB: 10 + i }));
    h = await harness({
      blades: [
        { id: 'A', resources: { memoryGiB: 64, cpuArch: 'x86_64' } },
        { id: 'B', resources: { memoryGiB: 128, cpuArch: 'x86_64' } },
        { id: 'C', resources: { memoryGiB: 256, cpuArch: 'x86_64' } },
      ],
      workloads: [
        { id: 'declared', requirements: { memoryGiB: 60 }, source: 'vm-metadata', blade: 'A' },
        { id: 'measured', requirements: { memoryGiB: 1 }, source: null, samples, blade: 'B' },
        { id: 'host', requirements: { memoryGiB: 1 }, source: null, blade: 'C' },
      ],
    });
    expect(await h.store.workload('declared')).toMatchObject({
      source: 'vm-metadata',
      requirements: { memoryGiB: 60 },
    });
    // The 95th percentile of 10..29 is 28; times the default headroom of 1.2.
    expect(await h.store.workload('measured')).toMatchObject({
      source: 'measured',
      requirements: { memoryGiB: 33.6, cpuArch: 'x86_64' },
    });
    expect(await h.store.workload('host')).toMatchObject({
      source: 'host',
      requirements: { memoryGiB: 256, cpuArch: 'x86_64' },
    });
    const adopted = (await h.events()).filter((e) => e.type === 'workload.adopted');
    expect(adopted.map((e) => e.data.source)).toEqual(['vm-metadata', 'measured', 'host']);
  });
});
