// One planning round of the simulator: pending placements, maintenance drains, then cascades, through the same planners as the live controller.
import { planCascade } from '../core/cascade.js';
import { planPlacements, type PlacementRequest } from '../core/placement.js';
import { byId, compareIds, type SimBlade, type SimState, type SimWorkload } from './sim-state.js';
import { startTransfer } from './transfers.js';

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
  const plan = planPlacements(requests, state.standby(), state.policy);
  for (const pending of plan.pending) state.pendingReasons.set(pending.workload, pending);
  for (const placement of plan.placements) startTransfer(state, placement, false);
  return plan.placements.length;
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
  const plan = planPlacements(requests, state.standby(), state.policy);
  for (const placement of plan.placements) startTransfer(state, { ...placement, kind: 'cascade' }, true);
  return plan.placements.length;
}

/**
 * One cascade round over the candidates (running workloads whose fit is not exact) and the standby pool only:
 * the other blades and workloads cannot take part, and leaving them out keeps a large data center cheap.
 */
function cascadeRound(state: SimState): number {
  if (!state.dirty.cascade) return 0;
  const slots = Math.max(0, state.policy.maxConcurrentTransfers - state.inFlight.size);
  // Left dirty: the transfer that frees a slot marks it again anyway.
  if (slots === 0) return 0;
  state.dirty.cascade = false;
  if (state.pool.size === 0) return 0;

  const { candidates, earliestThaw } = thawedCandidates(state);
  if (earliestThaw !== null) scheduleReplan(state, earliestThaw);
  if (candidates.length === 0) return 0;

  const blades: SimBlade[] = [...state.standby()];
  for (const workload of candidates) blades.push(state.blade(workload.blade!));
  blades.sort(byId);
  const plan = planCascade({ blades, workloads: candidates, policy: state.policy, slots, memo: state.fitMemo });
  if (plan.moves.length > slots) throw new Error(`simulator: planner started ${plan.moves.length} cascades with ${slots} slots`);
  for (const move of plan.moves) startTransfer(state, move, false);
  return plan.moves.length;
}

/** The candidates not in cooldown, in id order, and when the first frozen one thaws. */
function thawedCandidates(state: SimState): { candidates: SimWorkload[]; earliestThaw: number | null } {
  const candidates: SimWorkload[] = [];
  let earliestThaw: number | null = null;
  for (const id of state.nonExact) {
    const until = state.cooldownUntil.get(id);
    if (until !== undefined && until > state.now) {
      earliestThaw = earliestThaw === null ? until : Math.min(earliestThaw, until);
      continue;
    }
    if (until !== undefined) state.cooldownUntil.delete(id);
    candidates.push(state.workload(id));
  }
  candidates.sort(byId);
  return { candidates, earliestThaw };
}

/**
 * The live controller replans on a timer every replanSeconds; between events nothing else changes, so the
 * simulator only needs the timer's tick that first sees a frozen candidate thawed: the first multiple of
 * replanSeconds at or after the earliest cooldown expiry. Ticks that could change nothing are skipped.
 */
function scheduleReplan(state: SimState, thaw: number): void {
  const period = state.policy.replanSeconds;
  // max(): float division may land a hair before the thaw, which would tick while the workload is still frozen.
  const tick = period > 0 ? Math.max(thaw, Math.ceil(thaw / period) * period) : thaw;
  if (state.scheduledReplans.has(tick)) return;
  state.scheduledReplans.add(tick);
  state.queue.push(tick, { kind: 'replan' });
}
