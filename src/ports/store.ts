// Port: the controller's durable state: blades, workloads, transfers with their steps, checkpoints,
// the append-only event log (the audit trail) and the policy. SQLite and PostgreSQL implement it.
import type { Fit } from '../core/fit.js';
import type { TransferKind } from '../core/decision.js';
import type { Blade, Policy, Workload } from '../core/model.js';
import type { Health, PowerState } from './hardware.js';

export interface BladeRecord extends Blade {
  readonly power: PowerState | 'unknown';
  readonly health: Health;
  /** The driver that manages it, e.g. "redfish:https://10.0.0.5" or "emulator". */
  readonly endpoint: string;
}

export interface CheckpointMeta {
  readonly workload: string;
  readonly blade: string;
  readonly sequence: number;
  /** The driver's opaque state, kept so a failover can restore when the source cannot answer. */
  readonly data: string;
  /** ms since the epoch */
  readonly takenAt: number;
}

export interface WorkloadRecord extends Workload {
  /** When its last transfer ended (ms since the epoch); cooldown counts from here. */
  readonly movedAt: number | null;
  /** Why it is pending, as the planner said. */
  readonly pendingReason: string | null;
}

export type StepStatus = 'started' | 'succeeded' | 'failed';

export interface StepRecord {
  readonly name: string;
  readonly status: StepStatus;
  readonly attempt: number;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly error: string | null;
  /** What the step produced that later steps need, as JSON text (e.g. a checkpoint). */
  readonly output: string | null;
}

export type TransferStatus = 'running' | 'waiting' | 'done' | 'aborted';

export interface TransferRecord {
  readonly id: string;
  readonly kind: TransferKind;
  readonly workload: string;
  readonly from: string | null;
  readonly to: string;
  readonly before: Fit | null;
  readonly after: Fit;
  readonly status: TransferStatus;
  /** Why it is waiting or was aborted. */
  readonly reason: string | null;
  /** True for a maintenance drain (a cascade that may lower the fit). */
  readonly drain: boolean;
  readonly steps: readonly StepRecord[];
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface AuditEvent {
  /** Assigned by the store: 1, 2, 3, ... in commit order. */
  readonly seq: number;
  readonly at: number;
  /** Who: "controller", "operator:alice", "driver:redfish". */
  readonly actor: string;
  /** e.g. "blade.failed", "transfer.step.started", "workload.placed", "policy.changed" */
  readonly type: string;
  /** The blade, workload or transfer id it is about. */
  readonly subject: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export type NewAuditEvent = Omit<AuditEvent, 'seq'>;

/** Writes that commit together or not at all. */
export interface Batch {
  readonly blades?: readonly BladeRecord[];
  readonly workloads?: readonly WorkloadRecord[];
  readonly transfers?: readonly TransferRecord[];
  readonly checkpoints?: readonly CheckpointMeta[];
  readonly events?: readonly NewAuditEvent[];
  readonly policy?: Policy;
}

export interface Store {
  /** Applies migrations up to the newest; safe to call on every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  /** Commits every write of the batch atomically; returns the events with their sequence numbers. */
  commit(batch: Batch): Promise<AuditEvent[]>;

  blades(): Promise<BladeRecord[]>;
  blade(id: string): Promise<BladeRecord | null>;
  workloads(): Promise<WorkloadRecord[]>;
  workload(id: string): Promise<WorkloadRecord | null>;
  /** Sorted by createdAt, then id. */
  transfers(filter?: { readonly open?: boolean; readonly workload?: string }): Promise<TransferRecord[]>;
  transfer(id: string): Promise<TransferRecord | null>;
  latestCheckpoint(workload: string): Promise<CheckpointMeta | null>;
  /** Events with seq > after, oldest first, at most `limit`. */
  events(after: number, limit: number): Promise<AuditEvent[]>;
  /** The stored policy, or null before one was ever written. */
  policy(): Promise<Policy | null>;
  /** The schema version migrate() brought the database to. */
  schemaVersion(): Promise<number>;
}
