// The domain model shared by every layer: blades, workloads, policy (DESIGN section 2).

/** One flat map: a number is a quantity, a string an attribute that must be equal. */
export type Resources = Readonly<Record<string, number | string>>;

export type BladeState = 'active' | 'standby' | 'failed' | 'maintenance';

export interface BladeLocation {
  readonly chassis: string;
  readonly slot: number;
  /** The slot as the enclosure prints it ("Blade 1", "Slot 0"), when the driver knows it. */
  readonly label?: string;
  /** Other failure domains the blade belongs to, e.g. { powerFeed: 'A', rack: 'r12' }. */
  readonly labels?: Readonly<Record<string, string>>;
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
  /** Hard floors of its own: a blade offering less of a key than this is infeasible for it (DESIGN section 3). */
  readonly minimum?: Readonly<Record<string, number>>;
  /** Never cascaded; still failed over when its blade fails. */
  readonly pinned?: boolean;
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
  /** How many failures of each failure domain the survivability check covers; absent: DEFAULT_SURVIVABILITY. */
  readonly survivability?: SurvivabilityPolicy;
  /** Whether submits, maintenance and policy changes may lower survivability; absent: off. */
  readonly admission?: AdmissionPolicy;
  /** Requirement keys that are floors for every workload: a blade offering less is infeasible; absent: none. */
  readonly hardKeys?: readonly string[];
  /** A repaired or added blade enters the pool only after staying healthy this long; absent: 0. */
  readonly repairBurnInSeconds?: number;
  /** When cascades may run ("mon-fri 22:00-06:00", UTC); outside them they are proposed; absent or empty: always. */
  readonly cascadeWindows?: readonly string[];
}

/** `domains`: blade, chassis, or a location label such as powerFeed. */
export interface SurvivabilityPolicy {
  readonly k: number;
  readonly domains: readonly string[];
}

export type AdmissionMode = 'off' | 'warn' | 'enforce';

/** The level admission control protects: up to `k` failures of each of `domains`. */
export interface AdmissionPolicy extends SurvivabilityPolicy {
  readonly mode: AdmissionMode;
}

export const DEFAULT_SURVIVABILITY: SurvivabilityPolicy = Object.freeze({
  k: 2,
  domains: Object.freeze(['blade', 'chassis']),
});
export const DEFAULT_ADMISSION: AdmissionPolicy = Object.freeze({
  mode: 'off',
  k: 1,
  domains: Object.freeze(['blade', 'chassis']),
});

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
