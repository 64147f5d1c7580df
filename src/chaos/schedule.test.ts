// A seed makes one schedule on every machine; a replay file is checked at the edge; shrinking keeps what fails.
import { describe, expect, it } from 'vitest';
import { countKinds, generateSchedule, scheduleSchema, type Schedule } from './schedule.js';
import { shrinkSchedule } from './shrink.js';

describe('schedules', () => {
  it('are the same for the same seed and differ between seeds', () => {
    expect(generateSchedule(7)).toStrictEqual(generateSchedule(7));
    expect(generateSchedule(7)).not.toStrictEqual(generateSchedule(8));
  });

  it('describe a small data center: workloads on distinct powered blades, a cold standby pool, actions in time order', () => {
    const s = generateSchedule(42);
    expect(scheduleSchema.parse(s)).toStrictEqual(s);
    expect(s.blades.length).toBeGreaterThanOrEqual(10);
    expect(new Set(s.workloads.map((w) => w.blade)).size).toBe(s.workloads.length);
    const byId = new Map(s.blades.map((b) => [b.id, b]));
    for (const w of s.workloads) expect(byId.get(w.blade)?.power).toBe('on');
    expect(s.blades.some((b) => b.power === 'off')).toBe(true);
    expect(s.actions.map((a) => a.at)).toStrictEqual([...s.actions.map((a) => a.at)].sort((a, b) => a - b));
  });

  it('over many seeds, hold every kind of fault and action', () => {
    const totals = countKinds(Array.from({ length: 200 }, (_, i) => generateSchedule(i).actions).flat());
    for (const [kind, n] of Object.entries(totals)) expect(n, kind).toBeGreaterThan(0);
  });

  it('refuses a replay file with a bad field, naming it', () => {
    const bad = { ...generateSchedule(1), actions: [{ at: 5, kind: 'kill', restartAfterMs: -1 }] };
    const parsed = scheduleSchema.safeParse(bad);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['actions', 0, 'restartAfterMs']);
  });
});

describe('shrinking', () => {
  it('drops every action the failure does not need', async () => {
    const s: Schedule = {
      ...generateSchedule(3),
      actions: Array.from({ length: 12 }, (_, i) => ({ at: i * 10, kind: 'kill' as const, restartAfterMs: i })),
    };
    // The failure needs the actions restarting after 3 and 8 ms, together.
    const fails = async (c: Schedule) =>
      [3, 8].every((n) => c.actions.some((a) => a.kind === 'kill' && a.restartAfterMs === n));
    const { schedule } = await shrinkSchedule(s, fails, { tries: 1, budget: 200 });
    expect(schedule.actions.map((a) => (a.kind === 'kill' ? a.restartAfterMs : -1))).toEqual([3, 8]);
  });

  it('keeps an action when the smaller schedule passed every try, and stops at its budget', async () => {
    const s: Schedule = {
      ...generateSchedule(3),
      actions: Array.from({ length: 8 }, (_, i) => ({ at: i, kind: 'kill' as const, restartAfterMs: i })),
    };
    let runs = 0;
    const result = await shrinkSchedule(
      s,
      async () => {
        runs++;
        return false;
      },
      { tries: 2, budget: 5 },
    );
    expect(result.schedule.actions).toHaveLength(8);
    expect(result.runs).toBe(5);
    expect(runs).toBe(5);
  });
});
