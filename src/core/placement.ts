// The failover planner: places workloads whose blade failed (or that are new, or drained)
// on standby blades, highest priority first, each priority an optimal joint assignment.
import { AssignmentProblem, type Cost } from './assignment.js';
import type { Pending, Placement, RunnerUp, TransferKind } from './decision.js';
import { blockingMismatches, type Fit } from './fit.js';
import { floorsOf } from './floors.js';
import type { Blade, Policy, Workload } from './model.js';
import { compareOffers, rankFeasibleFirst, topOffers, type Offer } from './pool-offers.js';
import { StandbyIndex, type PoolShape } from './standby-index.js';

export { compareOffers, type Offer } from './pool-offers.js';
export { StandbyIndex } from './standby-index.js';

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

/**
 * `standby` is the pool as a list, or as an index the caller keeps up to date (no scan of the pool per
 * decision: the 100,000-blade case). Either way the decisions are the same; the index is only faster.
 */
export function planPlacements(
  requests: readonly PlacementRequest[],
  standby: readonly Blade[] | StandbyIndex,
  policy: Policy,
): PlacementPlan {
  const index = standby instanceof StandbyIndex ? standby : StandbyIndex.of(standby);
  const taken = new Map<string, string>(); // blade id -> workload id
  const placements: Placement[] = [];
  const pending: Pending[] = [];

  for (const group of byPriority(requests)) {
    const choice = solveGroup(group, index, taken, policy);
    group.forEach((request, row) => {
      const chosen = choice[row];
      if (chosen !== undefined) taken.set(chosen.blade.id, request.workload.id);
    });
    group.forEach((request, row) => {
      const chosen = choice[row];
      if (chosen === undefined) {
        pending.push(pendingOf(request, index, taken, policy));
        return;
      }
      // Runners-up range over the whole pool, blades taken by anyone included, so a decision can say who took them.
      const floors = floorsOf(request.workload, policy);
      const query = { requirements: request.workload.requirements, weights: policy.weights, floors, infeasible: true };
      const ranked = topOffers(index, query, RUNNERS_UP + 1);
      placements.push({
        workload: request.workload.id,
        kind: request.kind,
        from: request.from,
        to: chosen.blade.id,
        before: request.before,
        after: chosen.fit,
        runnersUp: explainRunnersUp(chosen, ranked, taken, request.workload.id),
      });
    });
  }
  return { placements, pending };
}

const PENDING_COST: Cost = [1, 0, 0, 0];

/**
 * One priority's optimal assignment over the few blades that can be in it: n requests use at most n blades
 * of a shape (the lowest ids win the final tie-break), and a request whose own n best blades are all taken
 * in some assignment still has one of them free, so a blade ranked after its n best never beats them.
 */
function solveGroup(
  group: readonly PlacementRequest[],
  index: StandbyIndex,
  taken: ReadonlyMap<string, string>,
  policy: Policy,
): (Offer | undefined)[] {
  const skip = (blade: Blade): boolean => taken.has(blade.id);
  const rows = group.map((request) => {
    const floors = floorsOf(request.workload, policy);
    const query = { requirements: request.workload.requirements, weights: policy.weights, floors, skip };
    return topOffers(index, query, group.length);
  });
  // Columns in id order, as in a solver over the whole id-sorted pool, so its tie-break on columns is the one on ids.
  const columns = [...new Set(rows.flat().map((offer) => offer.blade))].sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  const columnOf = new Map(columns.map((blade, i) => [blade.id, i]));
  const problem = new AssignmentProblem(columns.length);
  for (const offers of rows) {
    problem.addRow(PENDING_COST);
    const sorted = [...offers].sort((a, b) => columnOf.get(a.blade.id)! - columnOf.get(b.blade.id)!);
    for (const offer of sorted)
      problem.addEdge(columnOf.get(offer.blade.id)!, [0, costUnits(offer.fit.cost), 0, sizeUnits(offer.size)]);
  }
  const solution = problem.solve();
  return rows.map((offers, row) => {
    const col = solution[row]!;
    return col < 0 ? undefined : offers.find((offer) => offer.blade === columns[col]);
  });
}

/** Highest priority first; inside a priority in workload-id order (the solver's row order). */
function byPriority(requests: readonly PlacementRequest[]): PlacementRequest[][] {
  const sorted = [...requests].sort(
    (a, b) =>
      b.workload.priority - a.workload.priority ||
      (a.workload.id < b.workload.id ? -1 : a.workload.id > b.workload.id ? 1 : 0),
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
export function runnersUp(
  chosen: Offer,
  offers: readonly Offer[],
  taken: ReadonlyMap<string, string>,
  workload: string,
): RunnerUp[] {
  return explainRunnersUp(chosen, [...offers].sort(rankFeasibleFirst), taken, workload);
}

/** `ranked` is in rankFeasibleFirst order and holds at least RUNNERS_UP + 1 offers when the pool does. */
export function explainRunnersUp(
  chosen: Offer,
  ranked: readonly Offer[],
  taken: ReadonlyMap<string, string>,
  workload: string,
): RunnerUp[] {
  const others = ranked.filter((o) => o.blade.id !== chosen.blade.id).slice(0, RUNNERS_UP);
  return others.map((o) => {
    const holder = taken.get(o.blade.id);
    if (!o.fit.feasible) return { blade: o.blade.id, fit: o.fit, lost: 'infeasible' };
    if (holder !== undefined && holder !== workload && compareOffers(o, chosen) < 0) {
      return { blade: o.blade.id, fit: o.fit, lost: 'taken', takenBy: holder };
    }
    return { blade: o.blade.id, fit: o.fit, lost: o.fit.cost === chosen.fit.cost ? 'tie-break' : 'worse-fit' };
  });
}

function pendingOf(
  request: PlacementRequest,
  index: StandbyIndex,
  taken: ReadonlyMap<string, string>,
  policy: Policy,
): Pending {
  const base = { workload: request.workload.id, from: request.from };
  const requirements = request.workload.requirements;
  const floors = floorsOf(request.workload, policy);
  if (index.size === 0) return { ...base, reason: 'no-standby', detail: 'the standby pool is empty' };
  const feasibleIn = (shape: PoolShape): boolean => index.fit(shape, requirements, policy.weights, floors).feasible;
  if (!someShape(index.shapes(requirements, true), feasibleIn)) {
    const lowest = index.lowest()!;
    const fit = index.fit(index.shapeOf(lowest.id)!, requirements, policy.weights, floors);
    const first = blockingMismatches(fit)[0];
    if (first?.floor !== undefined) {
      const example = `e.g. ${lowest.id} offers ${String(first.offered ?? 'none')}`;
      const detail = `no standby blade meets the hard floor ${first.key} >= ${first.floor} (${example})`;
      return { ...base, reason: 'no-feasible-standby', detail };
    }
    const why = first
      ? `${first.key} ${String(first.required)} (e.g. ${lowest.id} offers ${String(first.offered ?? 'none')})`
      : 'its attributes';
    return { ...base, reason: 'no-feasible-standby', detail: `no standby blade offers ${why}` };
  }
  // The solver places as many as it can, so every blade that fits a pending workload is taken: the holders are
  // found among the taken blades, in blade-id order as a scan of the pool would list them.
  const feasibleTaken = [...taken.keys()]
    .filter((id) => {
      const shape = index.shapeOf(id);
      return shape !== undefined && feasibleIn(shape);
    })
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const holders = [...new Set(feasibleTaken.map((id) => taken.get(id)!))];
  return {
    ...base,
    reason: 'lower-priority',
    detail: `every fitting standby blade went to ${holders.slice(0, 3).join(', ')}${holders.length > 3 ? ` and ${holders.length - 3} more` : ''}`,
  };
}

function someShape(shapes: Iterable<PoolShape>, test: (shape: PoolShape) => boolean): boolean {
  for (const shape of shapes) if (test(shape)) return true;
  return false;
}
