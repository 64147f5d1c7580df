// Bounded fan-out on a manual clock: never more than `width` calls at once, starts spread over the period,
// failures counted without stopping the sweep; jittered backoff stays within its bounds.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../adapters/fake/manual-clock.js';
import { fanOut, jitteredBackoff } from './fan-out.js';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Calls that end only when the test says so, recording when each started. */
function gatedCalls(clock: ManualClock) {
  const started: { item: number; at: number }[] = [];
  const open = new Map<number, () => void>();
  let inFlight = 0;
  let most = 0;
  const work = (item: number): Promise<void> => {
    started.push({ item, at: clock.now() });
    inFlight++;
    most = Math.max(most, inFlight);
    return new Promise<void>((resolve) =>
      open.set(item, () => {
        inFlight--;
        resolve();
      }),
    );
  };
  const finish = (item: number): void => open.get(item)!();
  return { started, work, finish, most: () => most };
}

describe('fanOut', () => {
  it('never has more than width calls in flight', async () => {
    const clock = new ManualClock();
    const calls = gatedCalls(clock);
    const items = Array.from({ length: 20 }, (_, i) => i);
    const sweep = fanOut(clock, items, { width: 3, spreadMs: 0 }, calls.work);
    await turn();
    expect(calls.started.map((s) => s.item)).toEqual([0, 1, 2]);
    for (let i = 0; i < 20; i++) {
      calls.finish(i);
      await turn();
    }
    expect(await sweep).toEqual({ done: 20, failed: 0, errors: [] });
    expect(calls.most()).toBe(3);
    expect(calls.started).toHaveLength(20);
  });

  it('spreads the starts over the period instead of firing them at once', async () => {
    const clock = new ManualClock(1_000);
    const started: number[] = [];
    const sweep = fanOut(clock, [0, 1, 2, 3, 4], { width: 5, spreadMs: 500 }, async () => {
      started.push(clock.now());
    });
    await turn();
    expect(started).toEqual([1_000]);
    await clock.run(500, 10);
    await sweep;
    expect(started).toEqual([1_000, 1_100, 1_200, 1_300, 1_400]);
  });

  it('counts failures, keeps the first few messages, and finishes the sweep', async () => {
    const clock = new ManualClock();
    const result = await fanOut(clock, [1, 2, 3, 4, 5, 6], { width: 2, spreadMs: 0 }, async (n) => {
      if (n % 2 === 0) throw new Error(`call ${n} failed (EMFILE)`);
    });
    expect(result.done).toBe(3);
    expect(result.failed).toBe(3);
    expect(result.errors).toEqual(['call 2 failed (EMFILE)', 'call 4 failed (EMFILE)', 'call 6 failed (EMFILE)']);
  });

  it('starts nothing more once the controller stops', async () => {
    const clock = new ManualClock();
    let going = true;
    const started: number[] = [];
    const sweep = fanOut(clock, [0, 1, 2, 3], { width: 1, spreadMs: 400, going: () => going }, async (n) => {
      started.push(n);
    });
    await clock.run(150, 10);
    going = false;
    await clock.run(400, 10);
    await sweep;
    expect(started).toEqual([0, 1]);
  });
});

describe('jitteredBackoff', () => {
  it('doubles up to the cap and draws between half and all of it', () => {
    expect(jitteredBackoff(1, 200, 30_000, () => 1)).toBe(200);
    expect(jitteredBackoff(1, 200, 30_000, () => 0)).toBe(100);
    expect(jitteredBackoff(4, 200, 30_000, () => 1)).toBe(1_600);
    expect(jitteredBackoff(40, 200, 30_000, () => 1)).toBe(30_000);
    expect(jitteredBackoff(40, 200, 30_000, () => 0)).toBe(15_000);
    const draws = [0.1, 0.5, 0.9].map((r) => jitteredBackoff(3, 200, 30_000, () => r));
    expect(new Set(draws).size).toBe(3);
    for (const d of draws) expect(d >= 400 && d <= 800).toBe(true);
  });
});
