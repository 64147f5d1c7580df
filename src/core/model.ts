// The domain model shared by every layer: blades, workloads, policy (DESIGN section 2).

/** One flat map: a number is a quantity, a string an attribute that must be equal. */
export type Resources = Readonly<Record<string, number | string>>;

export type BladeState = 'active' | 'standby' | 'failed' | 'maintenance';

export interface BladeLocation {
  readonly chassis: string;
  readonly slot: number;
  /** The slot as the enclosure prints it ("Blade 1", "Slot 0"), when the driver knows it. */
  readonly label?: string;
}

export interface Blade {
  readonly id: string;
  readonly resources: Resources;
  readonly state: BladeState;
  readonly location?: BladeLocation;
  /** What the BMC calls it, when that says more than the id. */
  readonly name?: string;
}

export type RequirementSource = 'declared' | 'vm-metadata' | 'measured' | 'host';

export type WorkloadState = 'running' | 'pending' | 'transferring' | 'finished';

export interface Workload {
  readonly id: string;
  readonly requirements: Resources;
  readonly source: RequirementSource;
  /** Higher first. */
  readonly priority: number;
  /** The blade it runs on; null while pending or finished. */
  readonly blade: string | null;
  readonly state: WorkloadState;
}

export interface Policy {
  /** Weight per requirement key; keys not listed weigh 1. */
  readonly weights: Readonly<Record<string, number>>;
  /** A cascade must lower the surplus by at least this much (deficits equal). */
  readonly minImprovement: number;
  readonly maxConcurrentTransfers: number;
  readonly cooldownSeconds: number;
  readonly replanSeconds: number;
  /** Simulated duration of one transfer. */
  readonly transferSeconds: number;
  /** Cascades wait for an operator's approval; failovers never do. */
  readonly requireApproval: boolean;
}

export const DEFAULT_POLICY: Policy = Object.freeze({
  weights: Object.freeze({}),
  minImprovement: 0.05,
  maxConcurrentTransfers: 4,
  cooldownSeconds: 0,
  replanSeconds: 300,
  transferSeconds: 30,
  requireApproval: false,
});

export function policyWith(overrides: Partial<Policy>): Policy {
  return { ...DEFAULT_POLICY, ...overrides, weights: { ...DEFAULT_POLICY.weights, ...(overrides.weights ?? {}) } };
}
