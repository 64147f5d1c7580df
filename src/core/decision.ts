// What the planners return: decisions that can explain themselves (STYLE: "why this blade?").
import type { Fit } from './fit.js';

export type TransferKind = 'failover' | 'cascade' | 'place';

/** Why a blade other than the chosen one was not taken. */
export type LossReason =
  /** An attribute differs: never, whatever else happens. */
  | 'infeasible'
  /** Feasible, but its fit costs more than the chosen blade's. */
  | 'worse-fit'
  /** As good, but the tie-break (smaller blade, then lower id) went the other way. */
  | 'tie-break'
  /** Better for this workload alone, but the joint optimum gives it to another workload. */
  | 'taken'
  /** A cascade target that does not improve the fit by the policy's margin. */
  | 'not-worthwhile';

export interface RunnerUp {
  readonly blade: string;
  readonly fit: Fit;
  readonly lost: LossReason;
  /** For `taken`: the workload that got the blade. */
  readonly takenBy?: string;
}

export interface Placement {
  readonly workload: string;
  readonly kind: TransferKind;
  /** The blade it leaves (failed, drained or outgrown); null for a first placement. */
  readonly from: string | null;
  readonly to: string;
  /** Fit on `from`; null for a first placement. */
  readonly before: Fit | null;
  readonly after: Fit;
  /** The best few blades it did not get, best first. */
  readonly runnersUp: readonly RunnerUp[];
}

/** "Not now" (no standby blade free) differs from "never" (no blade of the data center can host it). */
export type PendingReason = 'no-standby' | 'no-feasible-standby' | 'lower-priority';

export interface Pending {
  readonly workload: string;
  readonly from: string | null;
  readonly reason: PendingReason;
  readonly detail: string;
}
