// The shapes of the API's answers the dashboard reads (src/api/schemas.ts is the source of truth). The fit, the
// states, the step names and the event types are the wire's own (src/wire), imported as types only: the compiled
// browser code does not grow, and a change there fails the dashboard's build instead of drifting from it.
import type { AuditEventType } from '../../wire/events.js';
import type { FitView, MismatchView } from '../../wire/fit.js';
import type {
  BladeState,
  Health,
  LossReason,
  PowerState,
  ProposalStatus,
  Role,
  StepStatus,
  TransferStatus,
  WorkloadState,
} from '../../wire/states.js';
import type { StepName, TransferKind } from '../../wire/steps.js';

export type { BladeState, Role } from '../../wire/states.js';
export type Resources = Readonly<Record<string, number | string>>;
export type Mismatch = MismatchView;
export type Fit = FitView;

export interface Session {
  readonly name: string;
  readonly role: Role;
  readonly actor: string;
  readonly emulator: { readonly faults: readonly string[]; readonly repair: boolean } | null;
}

export interface Blade {
  readonly id: string;
  readonly resources: Resources;
  readonly state: BladeState;
  readonly power: PowerState;
  readonly health: Health;
  readonly location: { readonly chassis: string; readonly slot: number; readonly label?: string } | null;
  /** What the BMC calls it, when that says more than the id. */
  readonly name?: string;
  readonly endpoint: string;
  readonly workload: string | null;
}

export interface Workload {
  readonly id: string;
  readonly requirements: Resources;
  readonly source: string;
  readonly priority: number;
  readonly blade: string | null;
  readonly state: WorkloadState;
  readonly movedAt: number | null;
  readonly pendingReason: string | null;
  readonly fit: Fit | null;
}

export interface TransferBrief {
  readonly id: string;
  readonly kind: TransferKind;
  readonly from: string | null;
  readonly to: string;
  readonly status: TransferStatus;
  readonly createdAt: number;
}

export interface Transfer extends TransferBrief {
  readonly workload: string;
  readonly before: Fit | null;
  readonly after: Fit;
  readonly reason: string | null;
  readonly drain: boolean;
  readonly updatedAt: number;
  readonly durationMs: number;
  readonly step: string | null;
}

export interface Step {
  readonly name: StepName;
  readonly attempt: number;
  readonly status: StepStatus;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly durationMs: number | null;
  readonly error: string | null;
}

export interface TransferDetail extends Transfer {
  readonly steps: readonly Step[];
}

/** GET /api/v1/blades/:id */
export interface BladeDetail extends Blade {
  readonly fit: Fit | null;
  readonly transfers: readonly TransferBrief[];
  /** Why it is no failover target now; null when it is one. */
  readonly notTarget: { readonly reason: string; readonly text: string } | null;
}

export interface WorkloadDetail extends Workload {
  readonly checkpoint: { readonly blade: string; readonly sequence: number; readonly takenAt: number } | null;
  readonly transfers: readonly TransferBrief[];
}

export interface RunnerUp {
  readonly blade: string;
  readonly fit: Fit;
  readonly lost: LossReason;
  readonly takenBy?: string;
}

/**
 * The blades left out as targets, as src/core/exclusion-report.ts makes them: `reason` is the eligibility rule's
 * ExclusionReason (src/core/eligibility.ts), `text` the same reason in words.
 */
export interface Exclusions {
  /** Every blade left out, counted per reason in the rule's order; running ones (`active`) included. */
  readonly counts: readonly { readonly reason: string; readonly count: number }[];
  /** Each blade left out for a reason other than running a workload. */
  readonly blades: readonly { readonly blade: string; readonly reason: string; readonly text: string }[];
}

export interface Decision {
  readonly transfer: string;
  readonly kind: Transfer['kind'];
  readonly workload: string;
  readonly from: string | null;
  readonly before: Fit | null;
  readonly chosen: { readonly blade: string; readonly fit: Fit };
  readonly runnersUp: readonly RunnerUp[];
  readonly recorded: boolean;
  readonly decidedAt: number;
  readonly proposal: number | null;
  readonly drain: boolean;
  /** The blades that were no target when the round decided; `available` false when its round is not stored. */
  readonly excluded: Exclusions & { readonly available: boolean; readonly reason: string | null };
  /** Asked for with replay=1: the round recomputed from its stored snapshot. */
  readonly replay?: {
    readonly available: boolean;
    readonly reason: string | null;
    readonly round: { readonly hash: string; readonly now: number } | null;
    readonly identical: boolean | null;
  };
}

export interface Candidate {
  readonly workload: string;
  readonly blade: string;
  readonly fit: Fit;
  readonly frozen: boolean;
  readonly move: { readonly to: string; readonly after: Fit; readonly saving: number } | null;
}

export interface Candidates {
  readonly items: readonly Candidate[];
  readonly totals: { readonly surplus: number; readonly deficit: number; readonly running: number };
}

export interface Proposal {
  readonly id: number;
  readonly workload: string;
  readonly from: string;
  readonly to: string;
  readonly before: Fit | null;
  readonly after: Fit | null;
  readonly saving: number;
  readonly proposedAt: number;
  readonly status: ProposalStatus;
  readonly decidedBy: string | null;
}

export interface Placement {
  readonly workload: string;
  readonly kind: Transfer['kind'];
  readonly from: string | null;
  readonly to: string;
  readonly before: Fit | null;
  readonly after: Fit;
  readonly runnersUp: readonly RunnerUp[];
}

export interface Plan {
  readonly fail: readonly string[];
  readonly placements: readonly Placement[];
  readonly pending: readonly {
    readonly workload: string;
    readonly from: string | null;
    readonly reason: string;
    readonly detail: string;
  }[];
  readonly rounds: readonly (readonly (Placement & { readonly saving: number })[])[];
  readonly truncated: boolean;
  readonly pool: readonly string[];
  /** The blades left out as the failovers' targets. */
  readonly excluded: Exclusions;
}

export interface AuditEvent {
  readonly seq: number;
  readonly at: number;
  readonly actor: string;
  readonly type: AuditEventType;
  readonly subject: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly next: string | null;
  readonly total: number;
}

/** An alarm as /api/v1/alarms and /api/v1/status show it (src/api/alarm-views.ts). */
export interface AlarmItem {
  readonly id: string;
  readonly kind: string;
  readonly subject: string;
  readonly severity: 'critical' | 'warning';
  readonly message: string;
  readonly raisedAt: number;
  readonly raisedBy: string;
  readonly acknowledgedAt: number | null;
  readonly acknowledgedBy: string | null;
  readonly note: string | null;
  readonly clearedAt: number | null;
}

/** /api/v1/status (src/api/operator-status.ts): workloads first. */
export interface StatusView {
  readonly at: number;
  readonly summary: string;
  readonly workloads: {
    readonly total: number;
    readonly running: number;
    readonly down: number;
    readonly impaired: number;
    readonly unprotected: number;
  };
  readonly down: readonly {
    readonly workload: string;
    readonly state: 'pending' | 'failing-over';
    readonly reason: string;
    readonly forMs: number | null;
  }[];
  readonly blades: {
    readonly total: number;
    readonly active: number;
    readonly standby: number;
    readonly failed: number;
    readonly maintenance: number;
  };
  readonly pool: { readonly eligible: number };
  readonly alarms: readonly AlarmItem[];
  readonly survivability: { readonly verdict: string } | null;
}
