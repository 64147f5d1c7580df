// The failure detector's verdicts: what each observation says, and when suspect becomes failed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  failDueAt,
  observe,
  verdictOf,
  type DetectionSettings,
  type DetectorState,
  type Liveness,
  type VerdictWithReason,
} from './verdict.js';

const ok = { kind: 'status', power: 'on', health: 'ok', state: 'Enabled' } as const;
const timeout = { kind: 'error', code: 'path', message: 'timeout after 2000 ms' } as const;
const settings: DetectionSettings = { failAfterMs: 10_000, suspectAlarmMs: 30_000, consecutive: 2 };
const alive: Liveness = { alive: true, reason: 'W1 heartbeats' };
const dead: Liveness = { alive: false, reason: 'W1 stopped' };

/** Feeds observations at the given times; returns every step. */
function run(seq: readonly [number, VerdictWithReason, Liveness | null][]): { state: DetectorState; alarm: boolean }[] {
  let state: DetectorState | null = null;
  return seq.map(([at, seen, life]) => {
    const step = observe(state, seen, life, at, settings);
    state = step.state;
    return step;
  });
}

describe('verdictOf', () => {
  it('names each verdict with its reason', () => {
    expect(verdictOf(ok, true)).toMatchObject({ verdict: 'healthy' });
    expect(verdictOf({ ...ok, health: 'warning' }, true)).toEqual({ verdict: 'degraded', reason: 'Health Warning' });
    expect(verdictOf({ ...ok, health: 'critical' }, true)).toEqual({ verdict: 'failed', reason: 'Health Critical' });
    expect(verdictOf({ ...ok, power: 'off', state: 'Absent' }, false)).toEqual({
      verdict: 'failed',
      reason: 'State Absent',
    });
    expect(verdictOf({ ...ok, power: 'off', state: 'UnavailableOffline' }, false).verdict).toBe('failed');
    expect(verdictOf({ ...ok, power: 'off' }, true)).toEqual({ verdict: 'failed', reason: 'powered off while active' });
    expect(verdictOf({ ...ok, power: 'off' }, false).verdict).toBe('healthy');
    expect(verdictOf(timeout, true)).toEqual({ verdict: 'suspect', reason: 'management path: timeout after 2000 ms' });
    expect(verdictOf({ kind: 'error', code: 'auth', message: '401' }, true).verdict).toBe('credentials');
  });

  it('a reply that contradicts itself is suspect, never failed', () => {
    expect(verdictOf({ ...ok, power: 'on', state: 'Absent' }, true)).toEqual({
      verdict: 'suspect',
      reason: 'contradictory reply: PowerState On and State Absent',
    });
  });
});

describe('observe', () => {
  const suspect = verdictOf(timeout, true);
  const healthy = verdictOf(ok, true);

  it('a suspect blade whose workload is alive never fails, however long it lasts', () => {
    const steps = run([0, 5_000, 10_000, 60_000, 600_000].map((t) => [t, suspect, alive] as const));
    expect(steps.map((s) => s.state.verdict)).toEqual(['suspect', 'suspect', 'suspect', 'suspect', 'suspect']);
  });

  it('suspect and liveness lost for failAfterMs, over enough observations, is failed', () => {
    const steps = run([
      [0, healthy, alive],
      [1_000, suspect, dead],
      [6_000, suspect, dead],
      [11_000, suspect, dead],
    ]);
    expect(steps.map((s) => s.state.verdict)).toEqual(['healthy', 'suspect', 'suspect', 'failed']);
    expect(steps[3]!.state.reason).toBe('management path: timeout after 2000 ms; and W1 stopped');
  });

  it('liveness must be lost for the whole window, not only suspect', () => {
    const steps = run([
      [0, suspect, alive],
      [20_000, suspect, dead],
      [25_000, suspect, dead],
      [30_000, suspect, dead],
    ]);
    expect(steps.map((s) => s.state.verdict)).toEqual(['suspect', 'suspect', 'suspect', 'failed']);
  });

  it('a silence counts from when the reads that met it were asked, not from when they gave up', () => {
    // Asked at 0, the hung read gave up at 2 s: both signals have been lost since 0.
    const first = observe(null, suspect, dead, 2_000, settings, { askedAt: 0 });
    expect(first.state).toMatchObject({ verdict: 'suspect', suspectSince: 0, livenessLostSince: 0 });
    const second = observe(first.state, suspect, dead, 10_500, settings, { askedAt: 8_500 });
    expect(second.state.verdict).toBe('failed');
    // Counted from the first answer's end instead, the period would not be over yet.
    const late = observe(observe(null, suspect, dead, 2_000, settings).state, suspect, dead, 10_500, settings);
    expect(late.state.verdict).toBe('suspect');
  });

  it('a silence counts from when the blade was last heard, where the caller knows it', () => {
    // Heard at 0; the next read, asked a poll later at 1 s, met the silence: it began after 0, not at 1 s.
    const heard = observe(null, verdictOf(ok, true), alive, 0, settings).state;
    const first = observe(heard, suspect, dead, 3_000, settings, { askedAt: 1_000, heardAt: 0 });
    expect(first.state).toMatchObject({ suspectSince: 0, livenessLostSince: 0 });
    expect(observe(first.state, suspect, dead, 10_000, settings, { askedAt: 9_000 }).state.verdict).toBe('failed');
    // Without it, the period runs from the read's ask.
    const asked = observe(heard, suspect, dead, 3_000, settings, { askedAt: 1_000 }).state;
    expect(observe(asked, suspect, dead, 10_000, settings, { askedAt: 9_000 }).state.verdict).toBe('suspect');
    expect(observe(asked, suspect, dead, 11_000, settings, { askedAt: 10_000 }).state.verdict).toBe('failed');
  });

  it('a read unanswered for several poll periods stands for that many observations in a row', () => {
    const three: DetectionSettings = { ...settings, consecutive: 3 };
    const heard = observe(null, verdictOf(ok, true), alive, 0, three).state;
    // One read hung from 1 s to 11 s, missing five 2-second polls: enough observations, the period over.
    const hung = observe(heard, suspect, dead, 11_000, three, { askedAt: 1_000, heardAt: 0, polls: 5 });
    expect(hung.state).toMatchObject({ verdict: 'failed', streak: 5 });
    // The same read counted once waits for two more.
    const once = observe(heard, suspect, dead, 11_000, three, { askedAt: 1_000, heardAt: 0 });
    expect(once.state).toMatchObject({ verdict: 'suspect', streak: 1 });
    // An answer after it starts a run of its own, one observation long.
    const answered = observe(once.state, verdictOf(ok, true), alive, 12_000, three);
    expect(answered.state).toMatchObject({ pending: 'healthy', streak: 1 });
  });

  it('a sign of life by another path (a checkpoint taken on the blade) outweighs a liveness read that timed out', () => {
    // The BMC silent and the liveness reads timing out for 12 s, while the hypervisor keeps taking checkpoints of the
    // workload on this blade: it is alive, so the blade stays suspect.
    let state: DetectorState | null = null;
    for (const at of [0, 1_000, 4_000, 8_000, 12_000]) {
      state = observe(state, suspect, dead, at + 600, settings, { askedAt: at, lifeAt: at + 300 }).state;
      expect(state.verdict).toBe('suspect');
    }
    // A sign before the read was asked does not outweigh it, but the loss counts only from that sign on.
    const a = observe(null, suspect, dead, 600, settings, { askedAt: 0 }).state;
    const b = observe(a, suspect, dead, 5_600, settings, { askedAt: 5_000, lifeAt: 4_000 }).state;
    expect(b.livenessLostSince).toBe(4_000);
    expect(observe(b, suspect, dead, 13_900, settings, { askedAt: 13_300 }).state.verdict).toBe('suspect');
    expect(observe(b, suspect, dead, 14_000, settings, { askedAt: 13_400 }).state.verdict).toBe('failed');
    // An old sign (before the loss began) changes nothing.
    const c = observe(a, suspect, dead, 5_600, settings, { askedAt: 5_000, lifeAt: -500 }).state;
    expect(c.livenessLostSince).toBe(0);
  });

  it('one answer in a suspect run is not enough to be healthy again (flap damping)', () => {
    const steps = run([
      [0, suspect, alive],
      [1_000, healthy, alive],
      [2_000, suspect, alive],
      [3_000, healthy, alive],
      [4_000, healthy, alive],
    ]);
    expect(steps.map((s) => s.state.verdict)).toEqual(['suspect', 'suspect', 'suspect', 'suspect', 'healthy']);
  });

  it('a definitive signal fails at once and stays failed until an operator acts', () => {
    const failed = verdictOf({ ...ok, health: 'critical' }, true);
    const steps = run([
      [0, healthy, alive],
      [1_000, failed, alive],
      [2_000, healthy, alive],
      [3_000, healthy, alive],
    ]);
    expect(steps.map((s) => s.state.verdict)).toEqual(['healthy', 'failed', 'failed', 'failed']);
  });

  it('raises the suspect alarm once, after suspectAlarmMs', () => {
    const steps = run([0, 10_000, 30_000, 40_000, 50_000].map((t) => [t, suspect, alive] as const));
    expect(steps.map((s) => s.alarm)).toEqual([false, false, true, false, false]);
  });
});

describe('failDueAt', () => {
  const suspect = verdictOf(timeout, true);
  const seen = fc.constantFrom(suspect, verdictOf(ok, true), verdictOf({ ...ok, health: 'warning' }, true));
  const life = fc.constantFrom(alive, dead, null);
  const history = fc.array(fc.tuple(fc.integer({ min: 1, max: 4_000 }), seen, life), { minLength: 1, maxLength: 12 });

  it('names the moment one more silent observation would fail the blade, never earlier, never before enough of them', () => {
    fc.assert(
      fc.property(history, fc.integer({ min: 1, max: 3 }), (steps, consecutive) => {
        const s: DetectionSettings = { failAfterMs: 5_000, suspectAlarmMs: 30_000, consecutive };
        let state: DetectorState | null = null;
        let at = 0;
        for (const [gap, v, l] of steps) {
          at += gap;
          state = observe(state, v, l, at, s).state;
          const due = failDueAt(state, s);
          if (due === null) continue;
          // Due only for a suspect blade that the observations made so far (enough of them) have not failed yet.
          expect(state.verdict).toBe('suspect');
          expect(state.streak).toBeGreaterThanOrEqual(consecutive);
          expect(due).toBeGreaterThan(at);
          // The same silence, seen at the due time, fails it; seen a moment before, it does not.
          expect(observe(state, suspect, dead, due, s).state.verdict).toBe('failed');
          expect(observe(state, suspect, dead, due - 1, s).state.verdict).toBe('suspect');
        }
      }),
    );
  });

  it('is null while the workload answers, or once the blade failed', () => {
    const s = settings;
    const answering = run([0, 5_000, 20_000].map((t) => [t, suspect, alive] as const));
    expect(answering.map((x) => failDueAt(x.state, s))).toEqual([null, null, null]);
    const dying = run([
      [0, suspect, dead],
      [1_000, suspect, dead],
      [20_000, suspect, dead],
    ]);
    expect(dying.map((x) => failDueAt(x.state, s))).toEqual([null, 10_000, null]);
    expect(dying[2]!.state.verdict).toBe('failed');
  });
});
