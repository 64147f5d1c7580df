// The workload watcher's rule: when a dead workload on a healthy blade is down, restarted, or moved.
import { describe, expect, it } from 'vitest';
import type { DetectionSettings } from './verdict.js';
import { watchWorkload, type WatchState, type WatchStep } from './workload-watch.js';

const D: DetectionSettings = { failAfterMs: 100, suspectAlarmMs: 300, consecutive: 2 };
const dead = { alive: false, reason: 'W1 is stopped' };
const alive = { alive: true, reason: 'W1 heartbeat on b1' };

/** Feeds observations at the given times; returns every step. */
function run(seq: readonly [number, boolean][], blade = 'b1', start: WatchState | null = null): WatchStep[] {
  let state = start;
  return seq.map(([at, up]) => {
    const step = watchWorkload(state, blade, up ? alive : dead, at, D);
    state = step.state;
    return step;
  });
}

describe('watchWorkload', () => {
  it('never acts on a live workload, however long it is watched', () => {
    const steps = run(Array.from({ length: 500 }, (_, i) => [i * 50, true] as [number, boolean]));
    expect(steps.every((s) => s.action.kind === 'none')).toBe(true);
  });

  it('restarts a workload not alive for failAfterMs over consecutive observations, not before', () => {
    const steps = run([
      [0, false],
      [50, false],
      [99, false],
      [100, false],
    ]);
    expect(steps.map((s) => s.action.kind)).toEqual(['none', 'none', 'none', 'restart']);
    expect(steps[3]!.state.restarts).toEqual([100]);
    expect(steps[3]!.state.lostSince).toBeNull();
  });

  it('one observation past failAfterMs is not enough (consecutive)', () => {
    const steps = run([[0, false]], 'b1', null);
    const late = watchWorkload(steps[0]!.state, 'b1', dead, 10_000, { ...D, consecutive: 3 });
    expect(late.action.kind).toBe('none');
  });

  it('a flap (alive in between) starts the grace period again', () => {
    const steps = run([
      [0, false],
      [60, true],
      [120, false],
      [180, false],
      [220, false],
    ]);
    expect(steps.map((s) => s.action.kind)).toEqual(['none', 'none', 'none', 'none', 'restart']);
  });

  it('moves it on the failure after three restarts within the window, and forgets restarts past the window', () => {
    const seq: [number, boolean][] = [];
    for (let k = 0; k < 4; k++) seq.push([k * 1000, false], [k * 1000 + 200, false]);
    const steps = run(seq);
    const acts = steps.map((s) => s.action.kind).filter((k) => k !== 'none');
    expect(acts).toEqual(['restart', 'restart', 'restart', 'move']);
    const spaced: [number, boolean][] = [];
    for (let k = 0; k < 5; k++) spaced.push([k * 11 * 60_000, false], [k * 11 * 60_000 + 200, false]);
    expect(run(spaced).filter((s) => s.action.kind === 'move')).toHaveLength(0);
  });

  it('a workload seen on another blade starts afresh there', () => {
    const [first] = run([[0, false]]);
    const elsewhere = watchWorkload(first!.state, 'b2', dead, 500, D);
    expect(elsewhere.action.kind).toBe('none');
    expect(elsewhere.state).toMatchObject({ blade: 'b2', lostSince: 500, streak: 1 });
  });
});
