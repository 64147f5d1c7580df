// Port: the controller's durable state: blades, workloads, transfers with their steps, checkpoints,
// the append-only event log (the audit trail) and the policy. SQLite and PostgreSQL implement it.
import type { Fit } from '../core/fit.js';
import type { TransferKind } from '../core/decision.js';
import type { Blade, Policy, Workload } from '../core/model.js';
import type { FailureEvidence, Verdict } from '../core/verdict.js';
import type { Health, PowerState } from './hardware.js';
import type { StepName } from '../wire/steps.js';
import type { CommitOptions, LeaseStore } from './lease.js';
import type { AlarmRecord } from './alarm-record.js';

export type { AlarmRecord } from './alarm-record.js';

export interface BladeRecord extends Blade {
  readonly power: PowerState | 'unknown';
  readonly health: Health;
  /** The driver that manages it, e.g. "redfish:https://10.0.0.5" or "emulator". */
  readonly endpoint: string;
  /** The failure detector's verdict and its reason; absent until the blade was first observed. */
  readonly verdict?: Verdict;
  readonly verdictReason?: string;
  /** While it is failed: what the failed verdict rested on (absent for a failure the detector did not decide). */
  readonly failure?: FailureEvidence;
  /** When it was last repaired or added (ms since the epoch); policy.repairBurnInSeconds counts from here. */
  readonly burnInSince?: number | null;
  /** Redfish Status.State as last read; absent when the driver reads none. Eligibility wants Enabled/StandbyOffline. */
  readonly systemState?: string;
  /** The power of its enclosure as last read; absent when the driver cannot tell. Off: never a target. */
  readonly chassisPower?: 'on' | 'off';
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
  readonly name: StepName;
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

// --- API tokens: the HTTP API's bearer tokens; only their hashes are stored. ---

/** viewer < operator < admin: each role may do everything the lower ones may. */
export type TokenRole = 'viewer' | 'operator' | 'admin';

export interface TokenRecord {
  /** Public handle, e.g. "tok-3f9a1c2e": shown in lists, used to revoke; not a secret. */
  readonly id: string;
  /** Unique among tokens; the audit log names changes made with it `token:<name>`. */
  readonly name: string;
  readonly role: TokenRole;
  /** sha256 of the secret token, 64 lowercase hex digits; the secret itself is never stored. */
  readonly hash: string;
  readonly createdAt: number;
  /** When it was revoked; a revoked token authenticates nothing. */
  readonly revokedAt: number | null;
}

/** Writes that commit together or not at all. */
export interface Batch {
  readonly blades?: readonly BladeRecord[];
  readonly workloads?: readonly WorkloadRecord[];
  readonly transfers?: readonly TransferRecord[];
  readonly checkpoints?: readonly CheckpointMeta[];
  readonly events?: readonly NewAuditEvent[];
  readonly policy?: Policy;
  /** API tokens, upserted by id. */
  readonly tokens?: readonly TokenRecord[];
  /** Round snapshots; one whose hash is already stored is left as it is. */
  readonly rounds?: readonly RoundRecord[];
  /** Alarm records, upserted by id (see ./alarm-record.ts). */
  readonly alarms?: readonly AlarmRecord[];
}

/** The input of one planning round, stored for replay: `body` is JSON text, `hash` its sha256 in hex. */
export interface RoundRecord {
  readonly hash: string;
  readonly at: number;
  readonly body: string;
}

export interface Store {
  /** Applies migrations up to the newest; safe to call on every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  /**
   * Commits every write of the batch atomically; returns the events with their sequence numbers.
   * With `options.fence` (a leader's write, see ./lease.ts) the batch lands only while that lease
   * epoch is live; otherwise it rejects with FencedError and writes nothing.
   */
  commit(batch: Batch, options?: CommitOptions): Promise<AuditEvent[]>;

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
  /** Every token, revoked ones included, sorted by createdAt, then id. */
  tokens(): Promise<TokenRecord[]>;
  /** The token with this hash, revoked or not; null when none has it. */
  tokenByHash(hash: string): Promise<TokenRecord | null>;
  /** A stored round snapshot by its hash. */
  round(hash: string): Promise<RoundRecord | null>;
  /** Alarm records, the open ones only with `open: true`; sorted by raisedAt, then id. */
  alarms(filter?: { readonly open?: boolean }): Promise<AlarmRecord[]>;
  alarm(id: string): Promise<AlarmRecord | null>;
  /** The schema version migrate() brought the database to. */
  schemaVersion(): Promise<number>;
}

/** A store that also arbitrates leadership between controllers (both engines are one). */
export type LeasedStore = Store & LeaseStore;
