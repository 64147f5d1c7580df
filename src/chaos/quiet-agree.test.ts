// The quiet test's agreement between the store and the emulator: a workload the store has running counts as agreed
// only while the emulator runs it on that blade and nowhere else.
import { describe, expect, it } from 'vitest';
import { FakeWorld } from '../adapters/fake/world.js';
import { ManualClock } from '../adapters/fake/manual-clock.js';
import { pageAfter } from '../api/views.js';
import { disagreeing, runningPage } from './quiet-agree.js';

const world = () =>
  new FakeWorld({
    clock: new ManualClock(0),
    blades: [
      { id: 'A', resources: { memoryGiB: 64 } },
      { id: 'B', resources: { memoryGiB: 64 } },
    ],
    workloads: [{ id: 'W1', requirements: { memoryGiB: 32 }, blade: 'A' }],
  });

describe('disagreeing', () => {
  it('agrees while the workload runs where the store says', () => {
    expect(disagreeing(world(), [{ id: 'W1', blade: 'A' }])).toEqual([]);
  });
  it('names a workload the store has running on another blade, or on none', () => {
    const w = world();
    expect(disagreeing(w, [{ id: 'W1', blade: 'B' }])).toEqual(['W1']);
    expect(disagreeing(w, [{ id: 'W1', blade: null }])).toEqual(['W1']);
  });
  it('names a workload whose blade lost it (a crash the detector has yet to judge)', () => {
    const w = world();
    w.crashWorkloads('A');
    expect(disagreeing(w, [{ id: 'W1', blade: 'A' }])).toEqual(['W1']);
  });
});

describe('runningPage', () => {
  it('reads the pages the API writes, cursor included', () => {
    const items = [
      { id: 'W1', blade: 'A' },
      { id: 'W2', blade: 'B' },
    ];
    expect(runningPage.parse(pageAfter(items, (w) => w.id, undefined, 1))).toEqual({ items: [items[0]], next: 'W1' });
    expect(runningPage.parse(pageAfter(items, (w) => w.id, 'W1', 1))).toEqual({ items: [items[1]], next: null });
  });
});
