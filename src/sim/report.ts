// The simulation report (DESIGN section 9): plain JSON, keys in a fixed order, ids sorted, fits rounded, so runs diff cleanly.
import { round, type Fit } from '../core/fit.js';
import type { PendingReason, TransferKind } from '../core/decision.js';
import type { BladeState } from '../core/model.js';
import { compareIds } from './ids.js';
import type { IgnoredEvent, SimState, TransferRecord } from './sim-state.js';

export interface ReportFit {
  readonly deficit: number;
  readonly surplus: number;
}

export interface TransferReport {
  /** When it started. */
  readonly at: number;
  readonly workload: string;
  readonly from: string | null;
  readonly to: string;
  readonly kind: TransferKind;
  readonly before: ReportFit | null;
  readonly after: ReportFit;
  /** When it completed or was called off. */
  readonly end: number;
  readonly outcome: 'completed' | 'aborted';
  /** Present and true for a maintenance drain. */
  readonly drain?: true;
}

export interface PendingReport {
  readonly workload: string;
  readonly from: string | null;
  readonly reason: PendingReason;
  readonly detail: string;
}

export interface SimulationMetrics {
  /** Transfers started, by kind; aborted ones included (and counted again in `aborted`). */
  readonly failovers: number;
  readonly cascades: number;
  /** Cascades that were maintenance drains (a subset of `cascades`). */
  readonly drains: number;
  readonly placements: number;
  readonly aborted: number;
  readonly pendingWorkloads: number;
  /** Time integral of the summed surplus (deficit) of the workloads occupying blades, divided by `duration`. */
  readonly timeWeightedSurplus: number;
  readonly timeWeightedDeficit: number;
  /** When the last event, transfer or replan happened; 1 when that is 0, so the averages stay defined. */
  readonly duration: number;
  /** Scenario events handled. */
  readonly events: number;
}

export interface SimulationReport {
  readonly name: string;
  readonly transfers: readonly TransferReport[];
  /** Workload -> blade, null while pending; finished workloads are left out. */
  readonly placements: Readonly<Record<string, string | null>>;
  readonly blades: Readonly<Record<string, BladeState>>;
  /** Workloads still pending at the end, with the planner's reason. */
  readonly pending: readonly PendingReport[];
  /** Blades put into maintenance whose workload never found a blade to drain to: still active. */
  readonly maintenancePending: readonly string[];
  /** Events that named a blade or workload that did not exist (or already did); they changed nothing. */
  readonly ignoredEvents: readonly IgnoredEvent[];
  readonly metrics: SimulationMetrics;
}

export function buildReport(name: string, state: SimState, endTime: number): SimulationReport {
  const duration = endTime > 0 ? endTime : 1;
  state.integral.advance(endTime);
  const transfers = state.transfers.map(reportTransfer);
  const count = (kind: TransferKind): number => state.transfers.filter((t) => t.kind === kind).length;
  const pending = pendingReport(state);
  return {
    name,
    transfers,
    placements: placements(state),
    blades: bladeStates(state),
    pending,
    maintenancePending: [...state.maintenanceRequested].sort(compareIds),
    ignoredEvents: state.ignored,
    metrics: {
      failovers: count('failover'),
      cascades: count('cascade'),
      drains: state.transfers.filter((t) => t.drain).length,
      placements: count('place'),
      aborted: state.transfers.filter((t) => t.outcome === 'aborted').length,
      pendingWorkloads: pending.length,
      timeWeightedSurplus: round(state.integral.surplusArea / duration),
      timeWeightedDeficit: round(state.integral.deficitArea / duration),
      duration,
      events: state.eventsHandled,
    },
  };
}

function reportTransfer(record: TransferRecord): TransferReport {
  if (record.end === null || record.outcome === null) {
    throw new Error(`simulator: transfer ${record.id} of ${record.workload} still in flight at the end`);
  }
  const report: TransferReport = {
    at: record.at,
    workload: record.workload,
    from: record.from,
    to: record.to,
    kind: record.kind,
    before: record.before === null ? null : reportFit(record.before),
    after: reportFit(record.after),
    end: record.end,
    outcome: record.outcome,
  };
  return record.drain ? { ...report, drain: true } : report;
}

export function reportFit(fit: Fit): ReportFit {
  return { deficit: round(fit.deficit), surplus: round(fit.surplus) };
}

function placements(state: SimState): Record<string, string | null> {
  const result: Record<string, string | null> = {};
  for (const id of [...state.workloads.keys()].sort(compareIds)) {
    const workload = state.workloads.get(id)!;
    if (workload.state !== 'finished') result[id] = workload.blade;
  }
  return result;
}

function bladeStates(state: SimState): Record<string, BladeState> {
  const result: Record<string, BladeState> = {};
  for (const id of [...state.blades.keys()].sort(compareIds)) result[id] = state.blades.get(id)!.state;
  return result;
}

function pendingReport(state: SimState): PendingReport[] {
  return [...state.pending.entries()]
    .sort(([a], [b]) => compareIds(a, b))
    .map(([workload, request]) => {
      const said = state.pendingReasons.get(workload);
      const { reason, detail } = said ?? { reason: 'no-standby' as const, detail: 'not planned yet' };
      return { workload, from: request.from, reason, detail };
    });
}
