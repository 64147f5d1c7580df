// The exact check when feasible classes overlap (a workload that takes any architecture beside ones that need
// x86_64): every combination is decided, by a bound where one provably applies, otherwise by the failover
// planner itself. Symmetry is not used here: the planner breaks ties by blade and workload id, so swapping two
// identical blades can change which blade a higher priority takes, and with it what a lower one finds.
import type { Blade, Policy } from './model.js';
import { planPlacements, type PlacementRequest } from './placement.js';
import { choose, notChecked, remember } from './survivability-count.js';
import type { CheckOptions, FailingCombination, LevelResult } from './survivability-count.js';
import type { FailureDomain } from './survivability-domains.js';
import type { Situation } from './survivability-model.js';
import { fitOf } from './fit.js';
import { floorsOf } from './floors.js';

export type Decision = { readonly survives: boolean; readonly by: 'bound' | 'planner'; readonly shortfall: number };

/**
 * One combination. The bounds: no running workload on it (nothing to place); some class needs more blades
 * than the standby blades it and every class it contains can use (Hall: no assignment places them all, so the
 * planner, which places as many as it can per priority, leaves someone pending); and the classes involved
 * share no blade and each has enough (no competition: each class's workloads all fit, whatever the order).
 */
export function decideCombination(
  situation: Situation,
  failing: ReadonlySet<string>,
  bladeById: ReadonlyMap<string, Blade>,
  policy: Policy,
): Decision {
  const requests: PlacementRequest[] = [];
  const demand = new Map<number, number>();
  for (const blade of failing) {
    for (const workload of situation.hosted.get(blade) ?? []) {
      const c = situation.classOf.get(workload.id)!;
      demand.set(c, (demand.get(c) ?? 0) + 1);
      const before = fitOf(
        bladeById.get(blade)!.resources,
        workload.requirements,
        policy.weights,
        floorsOf(workload, policy),
      );
      requests.push({ workload, kind: 'failover', from: blade, before });
    }
  }
  if (requests.length === 0) return { survives: true, by: 'bound', shortfall: 0 };
  const stranded = demand.get(-1) ?? 0;
  if (stranded > 0) return { survives: false, by: 'bound', shortfall: stranded };

  const lost = new Map<number, number>();
  for (const blade of failing) {
    const g = situation.groupOf.get(blade);
    if (g !== undefined) lost.set(g, (lost.get(g) ?? 0) + 1);
  }
  const supply = (c: number): number =>
    situation.classes[c]!.groups.reduce((sum, g) => sum + situation.groups[g]!.length - (lost.get(g) ?? 0), 0);
  const present = [...demand.keys()];
  const contains = (outer: number, inner: number): boolean => {
    const groups = new Set(situation.classes[outer]!.groups);
    return situation.classes[inner]!.groups.every((g) => groups.has(g));
  };
  for (const c of present) {
    const need = present.filter((d) => contains(c, d)).reduce((sum, d) => sum + demand.get(d)!, 0);
    if (need > supply(c)) return { survives: false, by: 'bound', shortfall: need - supply(c) };
  }
  const seen = new Set<number>();
  let disjoint = true;
  for (const c of present) {
    for (const g of situation.classes[c]!.groups) {
      if (seen.has(g)) disjoint = false;
      seen.add(g);
    }
  }
  const enough = present.every((c) => demand.get(c)! <= supply(c));
  if (disjoint && enough) return { survives: true, by: 'bound', shortfall: 0 };

  const pool = situation.pool.filter((b) => !failing.has(b.id));
  const plan = planPlacements(requests, pool, policy);
  return { survives: plan.pending.length === 0, by: 'planner', shortfall: plan.pending.length };
}

export function exhaustiveLevels(
  situation: Situation,
  domains: readonly FailureDomain[],
  k: number,
  bladeById: ReadonlyMap<string, Blade>,
  policy: Policy,
  options: CheckOptions = {},
): LevelResult[] {
  const maxChecks = options.maxChecks ?? 50_000_000;
  const maxExamples = options.maxExamples ?? 10;
  const results: LevelResult[] = [];
  let failedBefore = new Set<string>();
  for (let level = 1; level <= k; level++) {
    const combinations = choose(domains.length, level);
    if (combinations > maxChecks) {
      results.push(notChecked(level, combinations));
      break;
    }
    let planned = 0;
    let bound = 0;
    let failed = 0;
    const failedNow = new Set<string>();
    const weakest: FailingCombination[] = [];
    for (const picked of combinationsOf(domains.length, level)) {
      const failing = new Set(picked.flatMap((i) => domains[i]!.blades));
      const decision = decideCombination(situation, failing, bladeById, policy);
      if (decision.by === 'planner') planned++;
      else bound++;
      if (decision.survives) continue;
      failed++;
      const key = picked.join(',');
      failedNow.add(key);
      const smaller = (i: number): string => picked.filter((_, j) => j !== i).join(',');
      const minimal = level === 1 || picked.every((_, i) => !failedBefore.has(smaller(i)));
      const example = { domains: picked.map((i) => domains[i]!.id), shortfall: decision.shortfall, represents: 1 };
      if (minimal) remember(weakest, example, maxExamples);
    }
    const counts = { checked: planned, prunedBySymmetry: 0, prunedByBound: bound, planned, failed };
    results.push({ k: level, combinations, ...counts, complete: true, weakest });
    failedBefore = failedNow;
  }
  return results;
}

/** Index tuples i1 < i2 < ... < ik in lexicographic order. */
export function* combinationsOf(n: number, k: number): Generator<number[]> {
  if (k > n || k <= 0) return;
  const picked = Array.from({ length: k }, (_, i) => i);
  for (;;) {
    yield [...picked];
    let i = k - 1;
    while (i >= 0 && picked[i] === n - k + i) i--;
    if (i < 0) return;
    picked[i]!++;
    for (let j = i + 1; j < k; j++) picked[j] = picked[j - 1]! + 1;
  }
}
