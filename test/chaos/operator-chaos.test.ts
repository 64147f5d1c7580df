// CI's share of the operator mix: two fixed seeds whose schedules together hold every operator action kind and a hung
// BMC, played against the real `cascade serve` (dist/) with the faults of the seed; every invariant must hold,
// the operator mix's own among them (every action answered, never a 5xx, within 1 s while BMCs hang).
import { describe, expect, it } from 'vitest';
import { OPERATOR_KINDS, withOperatorMix } from '../../src/chaos/operator-actions.js';
import { runSchedule, type RunResult } from '../../src/chaos/run.js';
import { countKinds, generateSchedule } from '../../src/chaos/schedule.js';

const SEEDS = [1, 53];
const schedules = SEEDS.map((seed) => withOperatorMix(generateSchedule(seed)));

describe('chaos with the operator mix (fixed seeds)', () => {
  it('holds every operator action kind and a hung BMC between them', () => {
    const kinds = countKinds(schedules.flatMap((s) => s.actions));
    for (const kind of OPERATOR_KINDS) expect(kinds[kind], kind).toBeGreaterThan(0);
    expect(schedules.some((s) => s.actions.some((a) => a.kind === 'network-loss' && a.hang))).toBe(true);
  });

  it('keeps every invariant through each schedule', async () => {
    const results: RunResult[] = await Promise.all(schedules.map((s) => runSchedule(s)));
    const failures = results
      .filter((r) => r.error !== null || r.violations.length > 0)
      .map(
        (r) =>
          `seed ${r.seed}: ${r.error ?? r.violations.map((v) => `${v.rule}: ${v.message}`).join('; ')}\n  replay: npm run chaos -- --operators --runs 1 --seed ${r.seed}\n${r.tail.slice(-15).join('\n')}`,
      );
    expect(failures).toEqual([]);
    const answers = results.flatMap((r) => r.answers);
    expect(answers.length).toBeGreaterThan(8);
    // The unknown workloads were refused as such, not placed.
    expect(answers.filter((a) => a.kind === 'op-submit-unknown').map((a) => a.status)).toContain(422);
  }, 200_000);
});
