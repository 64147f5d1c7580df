// Decision quality: the total cost after Cascade's plan, against a greedy best-first baseline and the offline optimum (HiGHS).
import { planCascade, worthwhile } from '../src/core/cascade.js';
import { bladeSize, fitOf, type Fit } from '../src/core/fit.js';
import { DEFAULT_POLICY, type Blade, type Workload } from '../src/core/model.js';
import { compareOffers, planPlacements, type PlacementRequest } from '../src/core/placement.js';
import { dataCenter } from './instances.js';
import { sig } from './measure.js';
import { solveAssignment, type Pair } from './optimum.js';

export interface QualityRow {
  readonly kind: 'cascade' | 'chassis failover';
  readonly blades: number;
  readonly seed: number;
  readonly rows: number;
  readonly columns: number;
  /** Total fit cost of all workloads concerned after each plan (lower is better). */
  readonly cascade: number;
  readonly greedy: number;
  readonly optimum: number | null;
  /** Placed workloads (failover only; a plan must place as many as it can first). */
  readonly placed?: { readonly cascade: number; readonly greedy: number; readonly optimum: number | null };
  readonly gapToOptimum: number | null;
  /** greedy - cascade, and as a share of greedy. */
  readonly betterThanGreedy: number;
  readonly betterThanGreedyShare: number;
}

const policy = DEFAULT_POLICY;
const fit = (blade: Blade, workload: Workload): Fit => fitOf(blade.resources, workload.requirements, policy.weights);

/** A raw data center (most workloads a size too large): one cascade round with no transfer limit. */
export async function cascadeQuality(size: number, seed: number): Promise<QualityRow> {
  const dc = dataCenter(size, seed, false);
  const bladeOf = new Map(dc.blades.map((b) => [b.id, b]));
  const stay = (w: Workload): number => fit(bladeOf.get(w.blade!)!, w).cost;
  const before = dc.workloads.reduce((sum, w) => sum + stay(w), 0);

  const plan = planCascade({ blades: dc.blades, workloads: dc.workloads, policy, slots: Infinity });
  const cascade = before - plan.moves.reduce((sum, m) => sum + m.saving, 0);

  // Every worthwhile (workload, standby blade) pair, costed as the change it makes to the total.
  const pairs: Pair[] = [];
  dc.workloads.forEach((w, row) => {
    const now = fit(bladeOf.get(w.blade!)!, w);
    dc.standby.forEach((blade, column) => {
      const after = fit(blade, w);
      if (worthwhile(now, after, policy)) pairs.push({ row, column, cost: after.cost - now.cost });
    });
  });
  // Greedy best-first: the largest saving anywhere first, until no free pair is left.
  const greedyPairs = [...pairs].sort((a, b) => a.cost - b.cost || a.row - b.row || a.column - b.column);
  const rowUsed = new Set<number>();
  const columnUsed = new Set<number>();
  let greedy = before;
  for (const pair of greedyPairs) {
    if (rowUsed.has(pair.row) || columnUsed.has(pair.column)) continue;
    rowUsed.add(pair.row);
    columnUsed.add(pair.column);
    greedy += pair.cost;
  }
  const lp = await solveAssignment(pairs, 'minimize');
  const optimum = lp === null ? null : before + lp.objective;
  return row('cascade', size, seed, plan.candidates.length, dc.standby.length, cascade, greedy, optimum);
}

/** A chassis of 14 fails in a settled data center: priority classes, each an optimal assignment. */
export async function failoverQuality(size: number, seed: number): Promise<QualityRow> {
  const dc = dataCenter(size, seed);
  const chassis = dc.active[0]!.location?.chassis;
  const hosts = dc.active.flatMap((blade, i) => (blade.location?.chassis === chassis ? [i] : []));
  const pool = dc.standby.filter((blade) => blade.location?.chassis !== chassis);
  const requests: PlacementRequest[] = hosts.map((i) => ({
    workload: dc.hosted[i]!,
    kind: 'failover',
    from: dc.active[i]!.id,
    before: null,
  }));

  const plan = planPlacements(requests, pool, policy);
  const cascade = plan.placements.reduce((sum, p) => sum + p.after.cost, 0);

  // Greedy: highest priority first, then id, each takes its best free blade.
  const taken = new Set<string>();
  let greedy = 0;
  let greedyPlaced = 0;
  for (const request of [...requests].sort(
    (a, b) => b.workload.priority - a.workload.priority || (a.workload.id < b.workload.id ? -1 : 1),
  )) {
    const offers = pool
      .filter((b) => !taken.has(b.id))
      .map((blade) => ({ blade, fit: fit(blade, request.workload), size: bladeSize(blade.resources) }))
      .filter((o) => o.fit.feasible)
      .sort(compareOffers);
    const best = offers[0];
    if (best === undefined) continue;
    taken.add(best.blade.id);
    greedy += best.fit.cost;
    greedyPlaced++;
  }

  // The optimum, priority by priority as DESIGN orders them: as many placed as possible, then the least cost.
  // Equal-cost assignments of one priority may leave different blades to the next, so each priority is checked
  // against the pool that Cascade's higher-priority choices left: the question is whether each is optimal.
  let optimum: number | null = 0;
  let optimumPlaced = 0;
  const placedOn = new Map(plan.placements.map((p) => [p.workload, p.to]));
  const priorities = [...new Set(requests.map((r) => r.workload.priority))].sort((a, b) => b - a);
  const usedAbove = new Set<string>();
  for (const priority of priorities) {
    const pairs: Pair[] = [];
    requests.forEach((request, row) => {
      if (request.workload.priority !== priority) return;
      pool.forEach((blade, column) => {
        const f = fit(blade, request.workload);
        if (f.feasible && !usedAbove.has(blade.id)) pairs.push({ row, column, cost: f.cost });
      });
    });
    const most = await solveAssignment(
      pairs.map((p) => ({ ...p, cost: 1 })),
      'maximize',
    );
    const count = most === null ? 0 : Math.round(most.objective);
    const best = most === null ? null : await solveAssignment(pairs, 'minimize', count);
    if (best === null || optimum === null) {
      optimum = null;
      break;
    }
    optimum += best.objective;
    optimumPlaced += count;
    for (const request of requests) {
      const to = placedOn.get(request.workload.id);
      if (request.workload.priority === priority && to !== undefined) usedAbove.add(to);
    }
  }
  return {
    ...row('chassis failover', size, seed, requests.length, pool.length, cascade, greedy, optimum),
    placed: { cascade: plan.placements.length, greedy: greedyPlaced, optimum: optimum === null ? null : optimumPlaced },
  };
}

function row(
  kind: QualityRow['kind'],
  blades: number,
  seed: number,
  rows: number,
  columns: number,
  cascade: number,
  greedy: number,
  optimum: number | null,
): QualityRow {
  return {
    kind,
    blades,
    seed,
    rows,
    columns,
    cascade: sig(cascade, 10),
    greedy: sig(greedy, 10),
    optimum: optimum === null ? null : sig(optimum, 10),
    gapToOptimum: optimum === null ? null : Math.abs(cascade - optimum),
    betterThanGreedy: sig(greedy - cascade, 6),
    betterThanGreedyShare: greedy === 0 ? 0 : sig((greedy - cascade) / greedy, 4),
  };
}
