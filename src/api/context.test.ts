// The shared state snapshot: one read per burst, own writes seen at once, bounded staleness otherwise.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../adapters/fake/index.js';
import { observeCommits } from '../store/commit-feed.js';
import { blade } from '../store/store-contract-records.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { stateReader } from './context.js';

let store: SqliteStore;
beforeEach(async () => {
  store = SqliteStore.open(':memory:');
  await store.migrate();
  await store.commit({ blades: [blade('A')] });
});
afterEach(async () => {
  await store.close();
});

describe('stateReader', () => {
  it('shares one read among concurrent callers, and reads again afterwards without commit notices', async () => {
    const reads = vi.spyOn(store, 'blades');
    const state = stateReader(store, undefined, new ManualClock(0));
    const [a, b] = await Promise.all([state(), state()]);
    expect(a).toBe(b);
    expect(reads).toHaveBeenCalledTimes(1);
    await state();
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('with notices: reuses the snapshot while nothing commits (up to maxAgeMs), and at most staleMs after a commit', async () => {
    const commits = observeCommits(store);
    const clock = new ManualClock(0);
    const reads = vi.spyOn(store, 'blades');
    const state = stateReader(store, commits, clock, 250, 1_000);
    const first = await state();
    clock.advance(900);
    expect(await state()).toBe(first);
    clock.advance(200);
    const second = await state();
    expect(second).not.toBe(first);
    expect(reads).toHaveBeenCalledTimes(2);

    await store.commit({ blades: [blade('B')] });
    clock.advance(100);
    expect(await state()).toBe(second); // 100 ms after the commit: still within staleMs
    clock.advance(200);
    const third = await state();
    expect(third.blades.map((b) => b.id)).toEqual(['A', 'B']);
  });

  it('shows a commit at once with staleMs 0, and after invalidate() whatever staleMs is', async () => {
    const commits = observeCommits(store);
    const clock = new ManualClock(0);
    const strict = stateReader(store, commits, clock, 0);
    await strict();
    await store.commit({ blades: [blade('B')] });
    expect((await strict()).blades).toHaveLength(2);

    const lenient = stateReader(store, commits, clock, 10_000, 60_000);
    await lenient();
    await store.commit({ blades: [blade('C')] });
    expect((await lenient()).blades).toHaveLength(2);
    lenient.invalidate();
    expect((await lenient()).blades).toHaveLength(3);
  });
});
