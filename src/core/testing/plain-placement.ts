// The failover planner as first written: every request against every standby blade, fits recomputed per call.
// Kept as the reference that property tests hold the indexed planner (../placement.ts) to; not for production use.
import { AssignmentProblem, type Cost } from '../assignment.js';
import type { Pending, Placement } from '../decision.js';
import { bladeSize, fitOf } from '../fit.js';
import { floorsOf } from '../floors.js';
import type { Blade, Policy } from '../model.js';
import {
  costUnits,
  runnersUp,
  sizeUnits,
  type Offer,
  type PlacementPlan,
  type PlacementRequest,
} from '../placement.js';

export function plainPlanPlacements(
  requests: readonly PlacementRequest[],
  standby: readonly Blade[],
  policy: Policy,
): PlacementPlan {
  const pool = [...standby].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const sizes = pool.map((b) => bladeSize(b.resources));
  const taken = new Map<string, string>(); // blade id -> workload id
  const placements: Placement[] = [];
  const pending: Pending[] = [];

  for (const group of byPriority(requests)) {
    // Offers cover the whole pool so a pending workload can say who took its blades;
    // the solver only sees blades no higher priority took.
    const offers = group.map((request) =>
      pool.map((blade, i) => ({
        blade,
        fit: fitOf(blade.resources, request.workload.requirements, policy.weights, floorsOf(request.workload, policy)),
        size: sizes[i]!,
      })),
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

function pendingOf(request: PlacementRequest, offers: readonly Offer[], taken: ReadonlyMap<string, string>): Pending {
  const base = { workload: request.workload.id, from: request.from };
  if (offers.length === 0) return { ...base, reason: 'no-standby', detail: 'the standby pool is empty' };
  const feasible = offers.filter((o) => o.fit.feasible);
  if (feasible.length === 0) {
    const first = offers[0]!.fit.mismatches.find((m) => m.kind === 'attribute');
    const why = first
      ? `${first.key} ${String(first.required)} (e.g. ${offers[0]!.blade.id} offers ${String(first.offered ?? 'none')})`
      : 'its attributes';
    return { ...base, reason: 'no-feasible-standby', detail: `no standby blade offers ${why}` };
  }
  const holders = [...new Set(feasible.map((o) => taken.get(o.blade.id)).filter((h): h is string => h !== undefined))];
  return {
    ...base,
    reason: 'lower-priority',
    detail: `every fitting standby blade went to ${holders.slice(0, 3).join(', ')}${holders.length > 3 ? ` and ${holders.length - 3} more` : ''}`,
  };
}
