// A deterministic discrete-event simulator: a virtual clock drives the live planners (planPlacements, planCascade) through a Scenario.
import { planRound } from './rounds.js';
import { buildReport, type SimulationReport } from './report.js';
import type { Scenario } from './scenario.js';
import { applyEvent } from './sim-events.js';
import { SimState, type QueueItem, type SimWorkload } from './sim-state.js';
import { completeTransfer } from './transfers.js';
import type { Timed } from './event-queue.js';

export { checkInvariants } from './invariants.js';
export type { PendingReport, ReportFit, SimulationMetrics, SimulationReport, TransferReport } from './report.js';
export type { SimState } from './sim-state.js';

export interface SimulateOptions {
  /** Scenario events handled so far, out of all; called about every 1% and once at the end. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Called after every event, transfer end and planning round, e.g. to check invariants in tests. Do not change the state. */
  readonly observe?: (state: SimState, step: string) => void;
  /** Hand the planners the whole standby pool and every candidate, as without the simulator's indexes; slow, for tests. */
  readonly exhaustive?: boolean;
}

/**
 * Runs the scenario to its end: when no event, transfer or scheduled replan remains.
 * Within one instant: transfers that end, then the events in file order, then planning rounds
 * (pending placements, drains, one cascade round) until a round starts nothing (DESIGN section 4).
 */
export function simulate(scenario: Scenario, options: SimulateOptions = {}): SimulationReport {
  const state = initialState(scenario, options.exhaustive ?? false);
  // Pushed in file order, so the queue's sequence keeps the file order of one instant's events.
  scenario.events.forEach((event, index) => {
    state.queue.push(Math.max(0, event.at), { kind: 'event', index });
  });
  const progress = progressReporter(scenario.events.length, options.onProgress);

  let time = 0;
  let lastInstant = 0;
  // Instant 0 always runs: it places the workloads that start without a blade and runs the first cascade round.
  for (let first = true; ; first = false) {
    const batch = takeInstant(state, time);
    if (first || batch.length > 0) {
      runInstant(state, scenario, time, batch, options.observe);
      lastInstant = time;
      progress(state.eventsHandled, false);
    }
    const next = state.queue.peek();
    if (next === undefined) break;
    time = next.time;
  }
  progress(state.eventsHandled, true);
  return buildReport(scenario.name, state, lastInstant);
}

function initialState(scenario: Scenario, exhaustive: boolean): SimState {
  const state = new SimState(scenario.policy, exhaustive);
  for (const input of scenario.blades) {
    if (state.blades.has(input.id)) throw new Error(`simulate: duplicate blade ${input.id}`);
    const blade = { ...input, state: input.state };
    state.blades.set(blade.id, blade);
    if (blade.state === 'standby') state.enterPool(blade);
  }
  for (const input of scenario.workloads) {
    if (state.workloads.has(input.id)) throw new Error(`simulate: duplicate workload ${input.id}`);
    const workload: SimWorkload = { ...input, blade: null, state: 'pending', fit: null };
    state.workloads.set(workload.id, workload);
    if (input.blade === null) {
      state.makePending(workload, { kind: 'place', from: null, before: null });
      continue;
    }
    const blade = state.blades.get(input.blade);
    if (blade === undefined) throw new Error(`simulate: workload ${input.id} is on unknown blade ${input.blade}`);
    if (state.hostOf.has(blade.id)) throw new Error(`simulate: blade ${blade.id} hosts two workloads`);
    if (blade.state === 'failed' || blade.state === 'maintenance') {
      // It was running there when the blade went down: a failover, as if the blade failed at time 0.
      state.makePending(workload, { kind: 'failover', from: blade.id, before: state.fitOn(blade.id, workload) });
      continue;
    }
    // A workload runs there, so the blade is active whatever the file said.
    state.leavePool(blade, 'active');
    state.occupy(workload, blade.id);
  }
  return state;
}

/** Takes the instant's live entries off the queue; ends of transfers called off meanwhile are dropped. */
function takeInstant(state: SimState, time: number): Timed<QueueItem>[] {
  const batch: Timed<QueueItem>[] = [];
  for (let next = state.queue.peek(); next !== undefined && next.time <= time; next = state.queue.peek()) {
    state.queue.pop();
    if (isLive(state, next)) batch.push(next);
  }
  return batch;
}

function isLive(state: SimState, entry: Timed<QueueItem>): boolean {
  const { item } = entry;
  if (item.kind === 'end') return state.transfers[item.transfer]?.outcome === null;
  if (item.kind === 'replan') state.scheduledReplans.delete(entry.time);
  return true;
}

function runInstant(
  state: SimState,
  scenario: Scenario,
  time: number,
  batch: readonly Timed<QueueItem>[],
  observe: SimulateOptions['observe'],
): void {
  state.integral.advance(time);
  state.now = time;
  // Ends were scheduled after the file's events, so the queue order alone would put them last; the contract puts them first.
  for (const entry of batch) if (entry.item.kind === 'end') handle(state, scenario, entry.item, observe);
  for (const entry of batch) if (entry.item.kind !== 'end') handle(state, scenario, entry.item, observe);

  const limit = 1000 + 10 * (state.blades.size + state.workloads.size);
  for (let round = 0; ; round++) {
    if (round > limit) throw new Error(`simulator: instant ${time} did not settle after ${limit} rounds`);
    // Transfers of zero seconds end in the instant they start, before the next round plans.
    let progressed = false;
    for (let due = state.queue.peek(); due !== undefined && due.time <= time; due = state.queue.peek()) {
      state.queue.pop();
      if (!isLive(state, due)) continue;
      handle(state, scenario, due.item, observe);
      progressed = true;
    }
    const started = planRound(state);
    observe?.(state, `round at ${time}: ${started} started`);
    if (started === 0 && !progressed) return;
  }
}

function handle(state: SimState, scenario: Scenario, item: QueueItem, observe: SimulateOptions['observe']): void {
  if (item.kind === 'end') {
    const record = state.transfers[item.transfer]!;
    const flight = state.inFlight.get(record.workload);
    if (flight?.record !== record) throw new Error(`simulator: transfer ${record.id} ends but is not in flight`);
    completeTransfer(state, flight);
    observe?.(state, `end of transfer ${record.id} (${record.workload} -> ${record.to})`);
  } else if (item.kind === 'ready') {
    state.burnInEnded(item.blade);
    observe?.(state, `burn-in of ${item.blade} ended`);
  } else if (item.kind === 'event') {
    applyEvent(state, scenario.events[item.index]!, item.index);
    observe?.(state, `event ${item.index}`);
  }
  // A replan tick needs no action of its own: the instant's cascade round sees the candidates that thawed.
}

function progressReporter(
  total: number,
  report: SimulateOptions['onProgress'],
): (done: number, final: boolean) => void {
  const step = Math.max(1, Math.floor(total / 100));
  let reported = -1;
  return (done, final) => {
    if (report === undefined || done === reported) return;
    if (!final && done - Math.max(0, reported) < step) return;
    reported = done;
    report(done, total);
  };
}
