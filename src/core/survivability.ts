// N+K survivability: for K = 1..k failures of each kind of failure domain, whether every running workload
// can be re-placed by the failover rules onto the standby blades the failures leave, exactly.
import type { Pending } from './decision.js';
import { fitOf } from './fit.js';
import { floorsOf } from './floors.js';
import { DEFAULT_SURVIVABILITY, type Blade, type Policy, type Workload } from './model.js';
import { planPlacements, type PlacementRequest } from './placement.js';
import { countLevels, type CheckOptions, type LevelResult } from './survivability-count.js';
import { failureDomains, type DomainKind, type DomainLabels, type FailureDomain } from './survivability-domains.js';
import { exhaustiveLevels } from './survivability-exhaustive.js';
import { situationOf, type Situation } from './survivability-model.js';
import { verdictOf } from './survivability-verdict.js';

export interface SurvivabilityInput extends CheckOptions {
  readonly blades: readonly Blade[];
  readonly workloads: readonly Workload[];
  readonly policy: Policy;
  /** Default: policy.survivability.k. */
  readonly k?: number;
  /** Default: policy.survivability.domains. */
  readonly kinds?: readonly DomainKind[];
  readonly labels?: DomainLabels;
}

/** A workload the planner leaves pending after a combination of failures, and why. */
export interface LeftWorkload {
  readonly workload: string;
  readonly priority: number;
  readonly reason: Pending['reason'];
  readonly detail: string;
}

export interface WeakCombination {
  readonly kind: DomainKind;
  readonly domains: readonly string[];
  /** Combinations of identical domains this one stands for. */
  readonly represents: number;
  /** As the failover planner leaves them, highest priority first. */
  readonly left: readonly LeftWorkload[];
  /** Placed with a deficit (running short of some resource). */
  readonly impaired: readonly string[];
}

export interface KindResult {
  readonly kind: DomainKind;
  readonly domains: number;
  /** `counts` when no two feasible classes share a blade, `planner` otherwise (survivability-count.ts). */
  readonly method: 'counts' | 'planner';
  /** The largest K <= k such that every combination of up to K domains is survived. */
  readonly survives: number;
  /** False when a level was too large to finish within the budget. */
  readonly exact: boolean;
  readonly levels: readonly LevelResult[];
  /** The failing combinations that leave most workloads without a blade, fewest domains first. */
  readonly weakest: readonly WeakCombination[];
}

export interface UnprotectedWorkload {
  readonly workload: string;
  readonly priority: number;
  readonly blade: string;
  /** Its string requirements, which no standby blade offers. */
  readonly needs: string;
}

export interface SurvivabilityReport {
  readonly k: number;
  readonly running: number;
  readonly standby: number;
  readonly kinds: readonly KindResult[];
  readonly unprotected: readonly UnprotectedWorkload[];
  /** One line a person reads at a glance. */
  readonly verdict: string;
}

export function checkSurvivability(input: SurvivabilityInput): SurvivabilityReport {
  const level = input.policy.survivability ?? DEFAULT_SURVIVABILITY;
  const k = Math.max(0, Math.floor(input.k ?? level.k));
  const kinds = input.kinds ?? level.domains;
  const situation = situationOf(input.blades, input.workloads, input.policy);
  const bladeById = new Map(input.blades.map((b) => [b.id, b]));
  const results = kinds.map((kind) => {
    const domains = failureDomains(input.blades, kind, input.labels);
    return checkKind(situation, domains, kind, k, bladeById, input);
  });
  const unprotected = unprotectedOf(situation);
  const running = [...situation.hosted.values()].reduce((sum, list) => sum + list.length, 0);
  const report = { k, running, standby: situation.pool.length, kinds: results, unprotected };
  return { ...report, verdict: verdictOf(report) };
}

function checkKind(
  situation: Situation,
  domains: readonly FailureDomain[],
  kind: DomainKind,
  k: number,
  bladeById: ReadonlyMap<string, Blade>,
  input: SurvivabilityInput,
): KindResult {
  const method = situation.disjoint ? 'counts' : 'planner';
  const levels =
    method === 'counts'
      ? countLevels(situation, domains, k, input)
      : exhaustiveLevels(situation, domains, k, bladeById, input.policy, input);
  let survives = 0;
  for (const level of levels) {
    if (!level.complete || level.failed > 0) break;
    survives = level.k;
  }
  const byId = new Map(domains.map((d) => [d.id, d]));
  const weakest = levels
    .flatMap((level) => level.weakest)
    .slice(0, input.maxExamples ?? 10)
    .map((combination) => {
      const blades = combination.domains.flatMap((id) => byId.get(id)!.blades);
      const outcome = replan(situation, blades, bladeById, input.policy);
      return { kind, domains: combination.domains, represents: combination.represents, ...outcome };
    });
  return { kind, domains: domains.length, method, survives, exact: levels.every((l) => l.complete), levels, weakest };
}

/** What the failover planner does after these blades fail: who is left pending, who runs impaired. */
export function replan(
  situation: Situation,
  failing: readonly string[],
  bladeById: ReadonlyMap<string, Blade>,
  policy: Policy,
): Pick<WeakCombination, 'left' | 'impaired'> {
  const out = new Set(failing);
  const requests: PlacementRequest[] = [];
  for (const blade of failing) {
    for (const workload of situation.hosted.get(blade) ?? []) {
      const before = fitOf(
        bladeById.get(blade)!.resources,
        workload.requirements,
        policy.weights,
        floorsOf(workload, policy),
      );
      requests.push({ workload, kind: 'failover', from: blade, before });
    }
  }
  const plan = planPlacements(
    requests,
    situation.pool.filter((b) => !out.has(b.id)),
    policy,
  );
  const priority = new Map(requests.map((r) => [r.workload.id, r.workload.priority]));
  const left = plan.pending
    .map((p) => ({ workload: p.workload, priority: priority.get(p.workload)!, reason: p.reason, detail: p.detail }))
    .sort((a, b) => b.priority - a.priority || (a.workload < b.workload ? -1 : 1));
  const impaired = plan.placements
    .filter((p) => p.after.deficit > 0)
    .map((p) => p.workload)
    .sort();
  return { left, impaired };
}

function unprotectedOf(situation: Situation): UnprotectedWorkload[] {
  const out: UnprotectedWorkload[] = [];
  for (const [blade, list] of situation.hosted) {
    for (const w of list) {
      if (situation.classOf.get(w.id) !== -1) continue;
      const needs = Object.entries(w.requirements)
        .filter(([, v]) => typeof v === 'string')
        .map(([key, v]) => `${key} ${String(v)}`)
        .join(', ');
      out.push({ workload: w.id, priority: w.priority, blade, needs: needs === '' ? 'a standby blade' : needs });
    }
  }
  return out.sort((a, b) => b.priority - a.priority || (a.workload < b.workload ? -1 : 1));
}
