// The exact check when no two feasible classes share a standby blade: a combination of failures is survived iff
// every class keeps at least as many standby blades as it loses workloads, so combinations reduce to counts.
//
// Why this equals the failover planner: the planner places each priority by a maximum assignment, and a
// workload can only take a blade of its own class. With classes disjoint, the workloads of one class compete
// only among themselves, so however priorities and costs order them, min(workloads, blades) of each class are
// placed, and nobody is left pending iff workloads <= blades in every class. Blades of one type (the same
// counts per class) are then interchangeable, and adding a failure never helps: both bounds below are sound.
import type { FailureDomain } from './survivability-domains.js';
import { supplyOf, type Situation } from './survivability-model.js';

export interface FailingCombination {
  /** Domain ids, one representative of every combination of the same type. */
  readonly domains: readonly string[];
  /** Workloads left without a blade. */
  readonly shortfall: number;
  /** How many combinations of domains this one stands for (identical domains swapped). */
  readonly represents: number;
}

export interface LevelResult {
  readonly k: number;
  /** Every combination of k domains. */
  readonly combinations: number;
  /** Decided by evaluating them. */
  readonly checked: number;
  /** Decided by a checked combination of identical domains. */
  readonly prunedBySymmetry: number;
  /** Decided without evaluation: they hold a failing smaller combination, or no running workload. */
  readonly prunedByBound: number;
  /** Runs of the failover planner. */
  readonly planned: number;
  readonly failed: number;
  /** False when the check stopped at its budget; then `failed` counts only what was decided. */
  readonly complete: boolean;
  /** The worst failing combinations (most workloads left without a blade), minimal ones only. */
  readonly weakest: readonly FailingCombination[];
}

export interface CheckOptions {
  /** Evaluations allowed per level before the check gives up on it (default 50 million). */
  readonly maxChecks?: number;
  /** Failing combinations reported per level (default 10). */
  readonly maxExamples?: number;
}

interface DomainType {
  /** Per class: workloads lost, then standby blades lost; last, workloads no standby can take. */
  readonly vector: Int32Array;
  readonly domains: string[];
}

interface Node {
  readonly types: readonly number[];
  readonly totals: Int32Array;
  /** How many times the last type appears. */
  readonly lastCount: number;
  readonly concrete: number;
}

export function countLevels(
  situation: Situation,
  domains: readonly FailureDomain[],
  k: number,
  options: CheckOptions = {},
): LevelResult[] {
  const classes = situation.classes.length;
  const supply = supplyOf(situation);
  const types = typesOf(situation, domains);
  const maxChecks = options.maxChecks ?? 50_000_000;
  const maxExamples = options.maxExamples ?? 10;
  const shortfallOf = (totals: Int32Array): number => {
    let short = totals[2 * classes]!;
    for (let c = 0; c < classes; c++) short += Math.max(0, totals[c]! - (supply[c]! - totals[classes + c]!));
    return short;
  };

  const results: LevelResult[] = [];
  let frontier: Node[] = [{ types: [], totals: new Int32Array(2 * classes + 1), lastCount: 0, concrete: 1 }];
  const survivorKeys = new Set<string>(['']);
  for (let level = 1; level <= k; level++) {
    const combinations = choose(domains.length, level);
    const extensions = frontier.reduce((sum, node) => sum + types.length - (node.types.at(-1) ?? 0), 0);
    if (extensions > maxChecks) {
      results.push(notChecked(level, combinations));
      break;
    }
    const next: Node[] = [];
    const nextKeys = new Set<string>();
    const weakest: FailingCombination[] = [];
    let checked = 0;
    let symmetric = 0;
    let survived = 0;
    for (const node of frontier) {
      const last = node.types.at(-1) ?? 0;
      for (let t = last; t < types.length; t++) {
        const type = types[t]!;
        const have = t === last && node.types.length > 0 ? node.lastCount : 0;
        if (have >= type.domains.length) continue;
        const concrete = (node.concrete * (type.domains.length - have)) / (have + 1);
        const totals = node.totals.slice();
        for (let i = 0; i < totals.length; i++) totals[i]! += type.vector[i]!;
        checked++;
        symmetric += concrete - 1;
        const sequence = [...node.types, t];
        const short = shortfallOf(totals);
        if (short === 0) {
          survived += concrete;
          if (level === k) continue; // the last level: nothing extends its survivors
          next.push({ types: sequence, totals, lastCount: have + 1, concrete });
          nextKeys.add(sequence.join(','));
        } else if (isMinimal(sequence, survivorKeys)) {
          const example = { domains: representative(sequence, types), shortfall: short, represents: concrete };
          remember(weakest, example, maxExamples);
        }
      }
    }
    const evaluated = checked + symmetric;
    results.push({
      k: level,
      combinations,
      checked,
      prunedBySymmetry: symmetric,
      prunedByBound: combinations - evaluated,
      planned: 0,
      failed: combinations - survived,
      complete: true,
      weakest,
    });
    frontier = next;
    survivorKeys.clear();
    for (const key of nextKeys) survivorKeys.add(key);
  }
  return results;
}

/** A level too large for the budget: reported, not guessed. */
export function notChecked(k: number, combinations: number): LevelResult {
  const zero = { checked: 0, prunedBySymmetry: 0, prunedByBound: 0, planned: 0, failed: 0 };
  return { k, combinations, ...zero, complete: false, weakest: [] };
}

/** Domains with equal vectors are one type; types in order of their first domain id. */
function typesOf(situation: Situation, domains: readonly FailureDomain[]): DomainType[] {
  const classes = situation.classes.length;
  const classOfGroup = new Map<number, number>();
  situation.classes.forEach((c, index) => {
    for (const g of c.groups) classOfGroup.set(g, index);
  });
  const byVector = new Map<string, DomainType>();
  const types: DomainType[] = [];
  for (const domain of domains) {
    const vector = new Int32Array(2 * classes + 1);
    for (const blade of domain.blades) {
      for (const w of situation.hosted.get(blade) ?? []) {
        const c = situation.classOf.get(w.id)!;
        vector[c < 0 ? 2 * classes : c]!++;
      }
      const group = situation.groupOf.get(blade);
      const c = group === undefined ? undefined : classOfGroup.get(group);
      if (c !== undefined) vector[classes + c]!++;
    }
    const key = vector.join(',');
    let type = byVector.get(key);
    if (type === undefined) {
      type = { vector, domains: [] };
      byVector.set(key, type);
      types.push(type);
    }
    type.domains.push(domain.id);
  }
  return types;
}

/** Failing with every combination one domain smaller surviving: the failure is new at this level. */
function isMinimal(sequence: readonly number[], survivors: ReadonlySet<string>): boolean {
  if (sequence.length === 1) return true;
  for (let i = 0; i < sequence.length; i++) {
    if (i > 0 && sequence[i] === sequence[i - 1]) continue;
    const smaller = [...sequence.slice(0, i), ...sequence.slice(i + 1)];
    if (!survivors.has(smaller.join(','))) return false;
  }
  return true;
}

function representative(sequence: readonly number[], types: readonly DomainType[]): string[] {
  const used = new Map<number, number>();
  return sequence.map((t) => {
    const n = used.get(t) ?? 0;
    used.set(t, n + 1);
    return types[t]!.domains[n]!;
  });
}

/** Keeps the `max` combinations leaving most workloads without a blade, then the lowest ids. */
export function remember(list: FailingCombination[], item: FailingCombination, max: number): void {
  if (max <= 0) return;
  const worse = (a: FailingCombination, b: FailingCombination): number =>
    b.shortfall - a.shortfall || (a.domains.join(' ') < b.domains.join(' ') ? -1 : 1);
  if (list.length >= max && worse(item, list[list.length - 1]!) >= 0) return;
  let at = list.length;
  while (at > 0 && worse(item, list[at - 1]!) < 0) at--;
  list.splice(at, 0, item);
  if (list.length > max) list.pop();
}

/** n choose k as a float: exact up to 2^53, which 10,000 domains taken 3 at a time stay far below. */
export function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return Math.round(result);
}
