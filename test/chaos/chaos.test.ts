// CI's share of the chaos campaign: a few fixed seeds whose schedules together hold every kind of fault
// (blade and chassis power loss, memory faults, network loss, flapping health, slow and malformed Redfish replies,
// blades added and repaired, workloads submitted and finished, controller SIGKILLs), played against the real
// `cascade serve` (dist/, built by `npm test`) and an emulated data center; every invariant must hold.
import { describe, expect, it } from 'vitest';
import { runSchedule, type RunResult } from '../../src/chaos/run.js';
import { countKinds, generateSchedule, ACTION_KINDS } from '../../src/chaos/schedule.js';

/** Chosen so that, together, they inject every kind (checked below, so a change to the generator cannot hollow it out). */
const SEEDS = [3, 7, 27, 37];

describe('chaos (fixed seeds)', () => {
  it('holds every kind of fault between them', () => {
    const kinds = countKinds(SEEDS.flatMap((s) => generateSchedule(s).actions));
    for (const kind of ACTION_KINDS) expect(kinds[kind], kind).toBeGreaterThan(0);
  });

  it('keeps every invariant through each schedule', async () => {
    const results: RunResult[] = [];
    // Two at a time: the shared 2-core machine runs other tests meanwhile.
    const queue = [...SEEDS];
    await Promise.all(
      [0, 1].map(async () => {
        for (let seed = queue.shift(); seed !== undefined; seed = queue.shift())
          results.push(await runSchedule(generateSchedule(seed)));
      }),
    );
    const failures = results
      .filter((r) => r.error !== null || r.violations.length > 0)
      .map(
        (r) =>
          `seed ${r.seed}: ${r.error ?? r.violations.map((v) => `${v.rule}: ${v.message}`).join('; ')}\n  replay: npm run chaos -- --runs 1 --seed ${r.seed}\n${r.tail.slice(-15).join('\n')}`,
      );
    expect(failures).toEqual([]);
    expect(results.reduce((n, r) => n + r.kills, 0)).toBeGreaterThan(0);
    // Every decision of every run, recomputed from its stored round, is the one the controller made.
    expect(results.reduce((n, r) => n + r.replays.different + r.replays.unavailable, 0)).toBe(0);
    expect(results.reduce((n, r) => n + r.replays.identical, 0)).toBeGreaterThan(0);
  }, 150_000);
});
