// Port: the workloads themselves (a hypervisor through libvirt, the emulator): requirements, state, moves.
import type { RequirementSource, Resources } from '../core/model.js';

/** A workload's state at a quiesce point: `sequence` grows while it runs and never goes back. */
export interface Checkpoint {
  readonly workload: string;
  readonly blade: string;
  readonly sequence: number;
  /** Opaque to the controller; the driver reads it back in restore(). */
  readonly data: string;
}

export interface ObservedWorkload {
  readonly state: 'running' | 'stopped';
  /** The blade it runs on, null when stopped. */
  readonly blade: string | null;
  readonly sequence: number;
}

/**
 * The workload's own sign of life, by a path that does not go through the blade's BMC (the hypervisor's heartbeat,
 * libvirt's domain state): the second signal, like vSphere HA's datastore heartbeats.
 */
export interface WorkloadLiveness {
  readonly alive: boolean;
  /** Where it was seen running; null when it was not. */
  readonly blade: string | null;
  /** Why it counts as alive or not, for the verdict's reason ("W1 heartbeat on b01", "hypervisor on b01: timeout"). */
  readonly reason: string;
}

export interface DeclaredRequirements {
  readonly requirements: Resources;
  readonly source: Extract<RequirementSource, 'declared' | 'vm-metadata'>;
}

/** One utilization sample: a value per quantity key, e.g. { memoryGiB: 12.5, cpuCount: 1.7 }. */
export type UtilizationSample = Readonly<Record<string, number>>;

export interface WorkloadPort {
  /** null when the driver has no metadata for it. */
  declared(workload: string): Promise<DeclaredRequirements | null>;
  samples(workload: string): Promise<UtilizationSample[]>;
  status(workload: string): Promise<ObservedWorkload>;
  /** Never rejects: a hypervisor that does not answer is a lost heartbeat, said in the reason. */
  liveness(workload: string): Promise<WorkloadLiveness>;
  /**
   * A snapshot at a quiesce point that leaves the workload running: what a failover restores
   * when the failed blade cannot be captured. The controller takes one every few minutes.
   */
  checkpoint(workload: string, blade: string): Promise<Checkpoint>;
  /** Quiesces the workload on `blade` and returns its state; it stays stopped there. */
  capture(workload: string, blade: string): Promise<Checkpoint>;
  /** Starts the workload on `blade` from the checkpoint. Idempotent: a second call while it runs there is a no-op. */
  restore(workload: string, blade: string, checkpoint: Checkpoint): Promise<void>;
  /** Whether live migration works between these two blades. */
  canMigrate(workload: string, from: string, to: string): Promise<boolean>;
  /** Moves a running workload without stopping it; on failure it keeps running on `from`. */
  migrate(workload: string, from: string, to: string): Promise<void>;
  /** Starts it again where it was stopped (after an aborted cascade). */
  resume(workload: string, blade: string): Promise<void>;
}
