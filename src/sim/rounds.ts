// One planning round of the simulator: pending placements, maintenance drains, then cascades, through the same planners as the live controller.
import { planCascade } from '../core/cascade.js';
import { cascadesOpen, nextOpening } from '../core/cascade-windows.js';
import { cooldownEnd, coolingDown } from '../core/eligibility.js';
import { planPlacements, type PlacementRequest, type StandbyIndex } from '../core/placement.js';
import { byId, compareIds } from './ids.js';
import type { SimBlade, SimState, SimWorkload } from './sim-state.js';
import { startTransfer } from './transfers.js';

/** The simulator's clock counts seconds. */
const SIM_SECONDS = 1;

/** Returns how many transfers the round started; the caller repeats rounds until one starts none. */
export function planRound(state: SimState): number {
  return placementRound(state) + drainRound(state) + cascadeRound(state);
}

/**
 * Every pending workload in one call, so a chassis failure gets the planner's joint, priority-ordered assignment.
 * Skipped when neither a pending request nor a standby blade appeared since the last call: with the same
 * requests and a pool that only shrank, a maximal assignment cannot place anyone more.
 */
function placementRound(state: SimState): number {
  if (!state.dirty.placement) return 0;
  state.dirty.placement = false;
  if (state.pending.size === 0) return 0;
  const requests: PlacementRequest[] = [...state.pending.keys()].sort(compareIds).map((id) => {
    const request = state.pending.get(id)!;
    return { workload: state.workload(id), kind: request.kind, from: request.from, before: request.before };
  });
  const plan = planPlacements(requests, standbyFor(state), state.policy);
  for (const pending of plan.pending) state.pendingReasons.set(pending.workload, pending);
  for (const placement of plan.placements) startTransfer(state, placement, false);
  return plan.placements.length;
}

/** The pool's own index (the planner reads a few blades per shape from it), or every blade for the exhaustive check. */
function standbyFor(state: SimState): SimBlade[] | StandbyIndex {
  return state.exhaustive ? state.pool.all() : state.pool.index;
}

/**
 * Drains of blades put into maintenance, after the pending placements so a failover never loses a blade to a drain.
 * A drain is a cascade that may lower the fit; like failovers it does not wait for a slot, because an operator asked for it.
 */
function drainRound(state: SimState): number {
  if (!state.dirty.drain) return 0;
  state.dirty.drain = false;
  const requests: PlacementRequest[] = [];
  for (const bladeId of [...state.maintenanceRequested].sort(compareIds)) {
    const hosted = state.hostOf.get(bladeId);
    if (hosted === undefined) continue;
    const workload = state.workload(hosted);
    // A workload cascading away already drains the blade; release() turns it to maintenance when it leaves.
    if (workload.state !== 'running') continue;
    requests.push({ workload, kind: 'cascade', from: bladeId, before: workload.fit });
  }
  if (requests.length === 0 || state.pool.size === 0) return 0;
  const plan = planPlacements(requests, standbyFor(state), state.policy);
  for (const placement of plan.placements) startTransfer(state, { ...placement, kind: 'cascade' }, true);
  return plan.placements.length;
}

/**
 * One cascade round over the improvable candidates (see CandidateIndex) and, of each worthwhile blade shape,
 * only as many of the lowest-id standby blades as candidates could take (see StandbyPool): the rest of the
 * data center cannot change the optimum, and leaving it out keeps a large data center cheap.
 */
function cascadeRound(state: SimState): number {
  const slots = Math.max(0, state.policy.maxConcurrentTransfers - state.inFlight.size);
  // With no slot, the transfer that frees one brings the next round.
  if (slots === 0 || state.pool.size === 0) return 0;
  // Outside the cascade windows nothing cascades; the window's opening brings the next round. The simulator's
  // seconds count from 1970-01-01 00:00 UTC, a Thursday, so a scenario's windows read as the live ones do.
  if (!cascadesOpen(state.policy.cascadeWindows, state.now * 1000)) {
    const opens = nextOpening(state.policy.cascadeWindows, state.now * 1000);
    if (opens !== null) wakeAt(state, Math.ceil(opens / 1000));
    return 0;
  }
  const earliestThaw = firstThaw(state);
  if (earliestThaw !== null) wakeAt(state, earliestThaw);
  const frozen = (id: string): boolean =>
    coolingDown(state.movedAt.get(id) ?? null, state.policy, state.now, SIM_SECONDS);
  const movable = [...state.candidates.improvable((shape) => state.pool.count(shape), frozen)]
    .map((id) => state.workload(id))
    .sort(byId);
  if (movable.length === 0) return 0;

  const { workloads, blades } = state.exhaustive
    ? everything(state)
    : { workloads: movable, blades: cascadeBlades(state, movable) };
  const plan = planCascade({ blades, workloads, policy: state.policy, slots, memo: state.memo });
  if (plan.moves.length > slots)
    throw new Error(`simulator: planner started ${plan.moves.length} cascades with ${slots} slots`);
  for (const move of plan.moves) startTransfer(state, move, false);
  return plan.moves.length;
}

/** The blades the movable candidates occupy, and of each shape worthwhile to k of them, the k lowest-id standby blades. */
function cascadeBlades(state: SimState, movable: readonly SimWorkload[]): SimBlade[] {
  const wanted = new Map<number, number>();
  for (const workload of movable) {
    for (const shape of state.candidates.targetsOf(workload.id)) wanted.set(shape, (wanted.get(shape) ?? 0) + 1);
  }
  const blades = state.pool.pick((shape) => wanted.get(shape) ?? 0);
  for (const workload of movable) blades.push(state.blade(workload.blade!));
  return blades.sort(byId);
}

/** Every thawed candidate and every standby blade: what the planner would see without the indexes (tests compare). */
function everything(state: SimState): { workloads: SimWorkload[]; blades: SimBlade[] } {
  const workloads = [...state.candidates.ids()]
    .filter((id) => !coolingDown(state.movedAt.get(id) ?? null, state.policy, state.now, SIM_SECONDS))
    .map((id) => state.workload(id))
    .sort(byId);
  const blades = [...state.pool.all(), ...workloads.map((workload) => state.blade(workload.blade!))].sort(byId);
  return { workloads, blades };
}

/**
 * When the first candidate in cooldown that has a worthwhile blade type in the pool thaws; forgets cooldowns that
 * ended. Reads the cooldowns (recent movers only), not the candidates.
 */
function firstThaw(state: SimState): number | null {
  let earliest: number | null = null;
  for (const [id, movedAt] of state.movedAt) {
    const until = cooldownEnd(movedAt, state.policy, SIM_SECONDS);
    if (until <= state.now) state.movedAt.delete(id);
    else if (state.candidates.isImprovable(id)) earliest = earliest === null ? until : Math.min(earliest, until);
  }
  return earliest;
}

/**
 * Between scenario events nothing changes but cooldowns running out and cascade windows opening, and each wakes
 * the planner at that instant, as the live controller's timer does (reconcilers/plan.ts): a round at the earliest
 * thaw of a frozen candidate, not at the next replanSeconds tick after it. Only candidates with a worthwhile
 * shape in the pool count: a round for the others could change nothing.
 */
function wakeAt(state: SimState, tick: number): void {
  if (state.scheduledReplans.has(tick)) return;
  state.scheduledReplans.add(tick);
  state.queue.push(tick, { kind: 'replan' });
}
