// "If I drain chassis c03 now, what do I still survive?": the state after a maintenance drain or a new
// workload's placement, both decided by the failover planner, and the survivability of that state.
import { fitOf } from './fit.js';
import { floorsOf } from './floors.js';
import type { Blade, Policy, Workload } from './model.js';
import { planPlacements, type PlacementRequest } from './placement.js';
import { domainKinds, domainOf, type DomainLabels } from './survivability-domains.js';
import { checkSurvivability, type SurvivabilityReport } from './survivability.js';

export interface DataCenterState {
  readonly blades: readonly Blade[];
  readonly workloads: readonly Workload[];
  readonly policy: Policy;
  readonly labels?: DomainLabels;
}

export interface Drain {
  /** The blades going into maintenance. */
  readonly blades: readonly string[];
  /** Each drained workload and the standby blade it would move to. */
  readonly moves: readonly { readonly workload: string; readonly from: string; readonly to: string }[];
  /** Workloads no standby blade can take now: their blade stays active until one can. */
  readonly stuck: readonly string[];
  readonly after: DataCenterState;
}

/**
 * The blades a maintenance target names: a blade id, a chassis id, or `label=value` (powerFeed=A). Unknown
 * targets come back in `unknown`, so the caller can say which one was wrong.
 */
export function maintenanceTargets(
  state: DataCenterState,
  targets: readonly string[],
): { blades: string[]; unknown: string[] } {
  const blades = new Set<string>();
  const unknown: string[] = [];
  const kinds = domainKinds(state.blades, state.labels).filter((k) => k !== 'blade');
  for (const target of targets) {
    const at = target.indexOf('=');
    const [label, value] = at >= 0 ? [target.slice(0, at), target.slice(at + 1)] : [undefined, target];
    const matched = state.blades.filter((b) =>
      label === undefined
        ? b.id === value || b.location?.chassis === value
        : kinds.includes(label) && domainOf(b, label, state.labels) === value,
    );
    if (matched.length === 0) unknown.push(target);
    for (const b of matched) blades.add(b.id);
  }
  return { blades: [...blades].sort(), unknown };
}

/** Maintenance on these blades: standby ones leave the pool, active ones are drained as the controller would. */
export function drain(state: DataCenterState, targets: readonly string[]): Drain {
  const out = new Set(targets);
  const bladeById = new Map(state.blades.map((b) => [b.id, b]));
  const requests: PlacementRequest[] = state.workloads
    .filter((w) => (w.state === 'running' || w.state === 'transferring') && w.blade !== null && out.has(w.blade))
    .map((w) => {
      const before = fitOf(
        bladeById.get(w.blade!)!.resources,
        w.requirements,
        state.policy.weights,
        floorsOf(w, state.policy),
      );
      return { workload: w, kind: 'cascade', from: w.blade, before };
    });
  const pool = state.blades.filter((b) => b.state === 'standby' && !out.has(b.id));
  const plan = planPlacements(requests, pool, state.policy);
  const stuck = new Set(plan.pending.map((p) => p.workload));
  const to = new Map(plan.placements.map((p) => [p.workload, p.to]));
  const targetsTaken = new Set(to.values());
  const keptActive = new Set(requests.filter((r) => stuck.has(r.workload.id)).map((r) => r.from!));
  const blades = state.blades.map((b): Blade => {
    const drained = out.has(b.id) && !keptActive.has(b.id) && (b.state === 'standby' || b.state === 'active');
    if (drained) return { ...b, state: 'maintenance' };
    if (targetsTaken.has(b.id)) return { ...b, state: 'active' };
    return b;
  });
  const workloads = state.workloads.map((w) => (to.has(w.id) ? { ...w, blade: to.get(w.id)! } : w));
  return {
    blades: [...out].sort(),
    moves: plan.placements.map((p) => ({ workload: p.workload, from: p.from!, to: p.to })),
    stuck: [...stuck].sort(),
    after: { ...state, blades, workloads },
  };
}

/** A new workload's first placement, as the planner would make it; unplaced, it changes nothing. */
export function submitted(state: DataCenterState, workload: Workload): DataCenterState {
  const pool = state.blades.filter((b) => b.state === 'standby');
  const plan = planPlacements([{ workload, kind: 'place', from: null, before: null }], pool, state.policy);
  const placed = plan.placements[0];
  if (placed === undefined) return state;
  return {
    ...state,
    blades: state.blades.map((b) => (b.id === placed.to ? { ...b, state: 'active' } : b)),
    workloads: [...state.workloads, { ...workload, blade: placed.to, state: 'running' }],
  };
}

export interface MaintenanceWhatIf {
  readonly drain: Omit<Drain, 'after'>;
  readonly before: SurvivabilityReport;
  readonly after: SurvivabilityReport;
}

export function maintenanceWhatIf(state: DataCenterState, targets: readonly string[], k?: number): MaintenanceWhatIf {
  const { after, ...rest } = drain(state, targets);
  const check = (s: DataCenterState): SurvivabilityReport =>
    checkSurvivability({ ...s, ...(k === undefined ? {} : { k }) });
  return { drain: rest, before: check(state), after: check(after) };
}
