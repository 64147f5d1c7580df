// What each scenario event (DESIGN section 9) does to the simulated data center, including to transfers in flight.
import type { ScenarioBlade, ScenarioEvent, ScenarioWorkload } from './scenario.js';
import type { SimState, SimWorkload } from './sim-state.js';
import { abortTransfer } from './transfers.js';

export function applyEvent(state: SimState, event: ScenarioEvent, index: number): void {
  state.eventsHandled++;
  const problem = apply(state, event);
  if (problem !== null) state.ignored.push({ at: event.at, index, event: describeEvent(event), reason: problem });
}

export function describeEvent(event: ScenarioEvent): string {
  if ('fail' in event) return `fail ${event.fail}`;
  if ('repair' in event) return `repair ${event.repair}`;
  if ('maintenance' in event) return `maintenance ${event.maintenance}`;
  if ('add' in event) return `add ${event.add.id}`;
  if ('finish' in event) return `finish ${event.finish}`;
  return `submit ${event.submit.id}`;
}

/** Returns why the event changed nothing when it names what does not exist; the loader normally rejects such files. */
function apply(state: SimState, event: ScenarioEvent): string | null {
  if ('fail' in event) return onBlade(state, event.fail, fail);
  if ('repair' in event) return onBlade(state, event.repair, repair);
  if ('maintenance' in event) return onBlade(state, event.maintenance, maintenance);
  if ('add' in event) return add(state, event.add);
  if ('finish' in event) return finish(state, event.finish);
  return submit(state, event.submit);
}

function onBlade(state: SimState, id: string, act: (state: SimState, id: string) => void): string | null {
  if (!state.blades.has(id)) return `unknown blade ${id}`;
  act(state, id);
  return null;
}

function fail(state: SimState, id: string): void {
  const blade = state.blade(id);
  // Failed trumps maintenance: repair returns it straight to the pool.
  state.maintenanceRequested.delete(id);
  if (blade.state === 'standby') state.leavePool(blade, 'failed');
  if (blade.state !== 'active') {
    blade.state = 'failed';
    return;
  }
  const hosted = state.hostOf.get(id);
  if (hosted !== undefined) failHost(state, state.workload(hosted), id);
  const incoming = state.targetOf.get(id);
  if (incoming !== undefined) failTarget(state, state.workload(incoming));
  blade.state = 'failed';
}

/** The workload's blade failed: whatever it was doing, it now needs a failover from that blade. */
function failHost(state: SimState, workload: SimWorkload, bladeId: string): void {
  const before = workload.fit;
  const flight = state.inFlight.get(workload.id);
  if (flight !== undefined) {
    // Its cascade (or drain) loses its source; the target it had reserved goes back to the pool.
    abortTransfer(state, flight);
    state.release(flight.record.to);
  }
  state.makePending(workload, { kind: 'failover', from: bladeId, before });
}

/** The blade a workload was heading to failed; the caller marks that blade failed, so it is not released. */
function failTarget(state: SimState, workload: SimWorkload): void {
  const flight = state.inFlight.get(workload.id);
  if (flight === undefined) throw new Error(`simulator: ${workload.id} targets a blade but has no transfer`);
  abortTransfer(state, flight);
  if (flight.request !== null) {
    // A failover or first placement asks again, with the same source and fit as before.
    state.makePending(workload, flight.request);
  } else {
    // A cascade is called off; the workload never left its healthy source.
    state.markRunning(workload);
  }
}

function repair(state: SimState, id: string): void {
  const blade = state.blade(id);
  // On an active blade, repair cancels a maintenance that is still waiting for its workload to leave.
  state.maintenanceRequested.delete(id);
  if (blade.state === 'failed' || blade.state === 'maintenance') state.enterPoolAfterBurnIn(blade);
}

function maintenance(state: SimState, id: string): void {
  const blade = state.blade(id);
  if (blade.state === 'standby') state.leavePool(blade, 'maintenance');
  else if (blade.state === 'failed') blade.state = 'maintenance';
  else if (blade.state === 'active') {
    if (state.hostOf.has(id) || state.targetOf.has(id)) {
      // Drained first (drainRound); a blade still receiving a workload drains once that transfer ends.
      state.maintenanceRequested.add(id);
      state.dirty.drain = true;
    } else {
      blade.state = 'maintenance';
    }
  }
}

function add(state: SimState, input: ScenarioBlade): string | null {
  if (state.blades.has(input.id)) return `blade ${input.id} already exists`;
  const blade = { ...input, state: input.state };
  state.blades.set(blade.id, blade);
  if (blade.state === 'standby') state.enterPoolAfterBurnIn(blade);
  return null;
}

function finish(state: SimState, id: string): string | null {
  const workload = state.workloads.get(id);
  if (workload === undefined) return `unknown workload ${id}`;
  if (workload.state === 'finished') return `workload ${id} already finished`;
  const flight = state.inFlight.get(id);
  if (flight !== undefined) {
    abortTransfer(state, flight);
    state.release(flight.record.to);
  }
  // A running or cascading workload frees its blade; a failover's source is failed already and a first placement has none.
  const occupied = workload.blade;
  state.vacate(workload);
  if (occupied !== null) state.release(occupied);
  state.pending.delete(id);
  state.pendingReasons.delete(id);
  state.movedAt.delete(id);
  workload.state = 'finished';
  return null;
}

function submit(state: SimState, input: ScenarioWorkload): string | null {
  if (state.workloads.has(input.id)) return `workload ${input.id} already exists`;
  const workload: SimWorkload = {
    id: input.id,
    requirements: input.requirements,
    source: input.source,
    priority: input.priority,
    blade: null,
    state: 'pending',
    fit: null,
    ...(input.minimum === undefined ? {} : { minimum: input.minimum }),
    ...(input.pinned === undefined ? {} : { pinned: input.pinned }),
  };
  state.workloads.set(workload.id, workload);
  state.makePending(workload, { kind: 'place', from: null, before: null });
  return null;
}
