// Starting, ending and calling off transfers in the simulated data center; like Nomad's plan applier it re-checks each planner decision first.
import type { Placement } from '../core/decision.js';
import type { InFlight, PendingRequest, SimState, TransferRecord } from './sim-state.js';

/** Starts one planned transfer; the target leaves the pool at once so the next planner round cannot hand it out twice. */
export function startTransfer(state: SimState, placement: Placement, drain: boolean): void {
  const workload = state.workload(placement.workload);
  const target = state.pool.get(placement.to);
  // The planners only ever see the pool, so these are planner bugs, not scenario problems.
  if (target === undefined) {
    throw new Error(`simulator: planner chose ${placement.to} for ${workload.id}, which is not in the standby pool`);
  }
  if (state.inFlight.has(workload.id))
    throw new Error(`simulator: planner moved ${workload.id}, which is already in a transfer`);

  let request: PendingRequest | null = null;
  if (placement.kind === 'cascade') {
    if (workload.state !== 'running' || workload.blade !== placement.from) {
      throw new Error(
        `simulator: planner cascaded ${workload.id} from ${placement.from}, but it is ${workload.state} on ${workload.blade}`,
      );
    }
    // It keeps running on its source until the transfer ends, but is no candidate meanwhile.
    state.candidates.remove(workload.id);
  } else {
    request = state.pending.get(workload.id) ?? null;
    if (request === null) throw new Error(`simulator: planner placed ${workload.id}, which is not pending`);
    state.pending.delete(workload.id);
    state.pendingReasons.delete(workload.id);
  }
  workload.state = 'transferring';
  state.leavePool(target, 'active');
  state.targetOf.set(target.id, workload.id);

  const record: TransferRecord = {
    id: state.transfers.length,
    at: state.now,
    workload: workload.id,
    from: placement.from,
    to: target.id,
    kind: placement.kind,
    before: placement.before,
    after: placement.after,
    drain,
    end: null,
    outcome: null,
  };
  state.transfers.push(record);
  state.inFlight.set(workload.id, { record, request });
  state.queue.push(state.now + state.policy.transferSeconds, { kind: 'end', transfer: record.id });
}

/** The workload lands on the target; a cascade's source returns to the pool (a chain may follow in this instant's next round). */
export function completeTransfer(state: SimState, flight: InFlight): void {
  const { record } = flight;
  const workload = state.workload(record.workload);
  settle(state, flight, 'completed');
  if (record.kind === 'cascade') {
    const source = workload.blade;
    state.vacate(workload);
    if (source !== null) state.release(source);
  }
  state.occupy(workload, record.to);
  if (state.policy.cooldownSeconds > 0) state.movedAt.set(workload.id, state.now);
}

/**
 * Calls a transfer off. The caller decides the fate of the target (released, or failing) and of the workload;
 * an aborted transfer starts no cooldown, because the workload never moved.
 */
export function abortTransfer(state: SimState, flight: InFlight): void {
  settle(state, flight, 'aborted');
}

function settle(state: SimState, flight: InFlight, outcome: 'completed' | 'aborted'): void {
  const { record } = flight;
  state.inFlight.delete(record.workload);
  state.targetOf.delete(record.to);
  record.end = state.now;
  record.outcome = outcome;
}
