// The failover planner: places workloads whose blade failed (or that are new, or drained)
// on standby blades, highest priority first, each priority an optimal joint assignment.
import { AssignmentProblem, type Cost } from './assignment.js';
import type { Pending, Placement, RunnerUp, TransferKind } from './decision.js';
import { bladeSize, fitOf, type Fit } from './fit.js';
import type { Blade, Policy, Workload } from './model.js';

export interface PlacementRequest {
  readonly workload: Workload;
  readonly kind: TransferKind;
  /** The failed or drained blade; null for a first placement. */
  readonly from: string | null;
  /** The fit on `from`; null for a first placement. */
  readonly before: Fit | null;
}

export interface PlacementPlan {
  readonly placements: readonly Placement[];
  readonly pending: readonly Pending[];
}

/** How many runners-up a decision reports. */
export const RUNNERS_UP = 3;

/** Fit cost and blade size as exact integers, so the solver's ties are exact. */
export function costUnits(cost: number): number {
  return Math.round(cost * 1e6);
}
export function sizeUnits(size: number): number {
  return Math.round(size * 1e3);
}

/** Order of blades for every tie: lower cost, then smaller blade, then lower id. */
export function compareOffers(a: Offer, b: Offer): number {
  return a.fit.cost - b.fit.cost || a.size - b.size || (a.blade.id < b.blade.id ? -1 : a.blade.id > b.blade.id ? 1 : 0);
}

export interface Offer {
  readonly blade: Blade;
  readonly fit: Fit;
  readonly size: number;
}

export function planPlacements(requests: readonly PlacementRequest[], standby: readonly Blade[], policy: Policy): PlacementPlan {
  const pool = [...standby].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const sizes = pool.map((b) => bladeSize(b.resources));
  const taken = new Map<string, string>(); // blade id -> workload id
  const placements: Placement[] = [];
  const pending: Pending[] = [];

  for (const group of byPriority(requests)) {
    // Offers cover the whole pool so a pending workload can say who took its blades;
    // the solver only sees blades no higher priority took.
    const offers = group.map((request) =>
      pool.map((blade, i) => ({ blade, fit: fitOf(blade.resources, request.workload.requirements, policy.weights), size: sizes[i]! })),
    );
    const problem = new AssignmentProblem(pool.length);
    offers.forEach((row) => {
      problem.addRow(PENDING_COST);
      row.forEach((offer, col) => {
        if (offer.fit.feasible && !taken.has(offer.blade.id)) {
          problem.addEdge(col, [0, costUnits(offer.fit.cost), 0, sizeUnits(offer.size)]);
        }
      });
    });
    const choice = problem.solve();
    group.forEach((request, row) => {
      const col = choice[row]!;
      if (col >= 0) taken.set(offers[row]![col]!.blade.id, request.workload.id);
    });
    group.forEach((request, row) => {
      const col = choice[row]!;
      const mine = offers[row]!;
      if (col < 0) {
        pending.push(pendingOf(request, mine, taken));
        return;
      }
      const chosen = mine[col]!;
      placements.push({
        workload: request.workload.id,
        kind: request.kind,
        from: request.from,
        to: chosen.blade.id,
        before: request.before,
        after: chosen.fit,
        runnersUp: runnersUp(chosen, mine, taken, request.workload.id),
      });
    });
  }
  return { placements, pending };
}

const PENDING_COST: Cost = [1, 0, 0, 0];

/** Highest priority first; inside a priority in workload-id order (the solver's row order). */
function byPriority(requests: readonly PlacementRequest[]): PlacementRequest[][] {
  const sorted = [...requests].sort(
    (a, b) => b.workload.priority - a.workload.priority || (a.workload.id < b.workload.id ? -1 : a.workload.id > b.workload.id ? 1 : 0),
  );
  const groups: PlacementRequest[][] = [];
  for (const request of sorted) {
    const last = groups[groups.length - 1];
    if (last && last[0]!.workload.priority === request.workload.priority) last.push(request);
    else groups.push([request]);
  }
  return groups;
}

/** The best few blades this workload did not get, and why each lost. */
export function runnersUp(chosen: Offer, offers: readonly Offer[], taken: ReadonlyMap<string, string>, workload: string): RunnerUp[] {
  const others = offers.filter((o) => o !== chosen).sort(rankFeasibleFirst).slice(0, RUNNERS_UP);
  return others.map((o) => {
    const holder = taken.get(o.blade.id);
    if (!o.fit.feasible) return { blade: o.blade.id, fit: o.fit, lost: 'infeasible' };
    if (holder !== undefined && holder !== workload && compareOffers(o, chosen) < 0) {
      return { blade: o.blade.id, fit: o.fit, lost: 'taken', takenBy: holder };
    }
    return { blade: o.blade.id, fit: o.fit, lost: o.fit.cost === chosen.fit.cost ? 'tie-break' : 'worse-fit' };
  });
}

function rankFeasibleFirst(a: Offer, b: Offer): number {
  return Number(b.fit.feasible) - Number(a.fit.feasible) || compareOffers(a, b);
}

function pendingOf(request: PlacementRequest, offers: readonly Offer[], taken: ReadonlyMap<string, string>): Pending {
  const base = { workload: request.workload.id, from: request.from };
  if (offers.length === 0) return { ...base, reason: 'no-standby', detail: 'the standby pool is empty' };
  const feasible = offers.filter((o) => o.fit.feasible);
  if (feasible.length === 0) {
    const first = offers[0]!.fit.mismatches.find((m) => m.kind === 'attribute');
    const why = first ? `${first.key} ${String(first.required)} (e.g. ${offers[0]!.blade.id} offers ${String(first.offered ?? 'none')})` : 'its attributes';
    return { ...base, reason: 'no-feasible-standby', detail: `no standby blade offers ${why}` };
  }
  const holders = [...new Set(feasible.map((o) => taken.get(o.blade.id)).filter((h): h is string => h !== undefined))];
  return {
    ...base,
    reason: 'lower-priority',
    detail: `every fitting standby blade went to ${holders.slice(0, 3).join(', ')}${holders.length > 3 ? ` and ${holders.length - 3} more` : ''}`,
  };
}
