// The scenario file's shape after validation (DESIGN section 9); load-scenario.ts builds it from YAML.
import type { BladeLocation, BladeState, Policy, RequirementSource, Resources } from '../core/model.js';
import type { DetectionSettings } from '../core/verdict.js';

export interface ScenarioBlade {
  readonly id: string;
  readonly resources: Resources;
  readonly state: BladeState;
  readonly location?: BladeLocation;
  /** Its fencing levels in order, as the emulator serves them; absent: its BMC alone. */
  readonly fencing?: readonly ('bmc' | 'enclosure' | 'pdu' | 'storage')[];
}

export interface ScenarioWorkload {
  readonly id: string;
  readonly requirements: Resources;
  /** null: not placed yet; the simulator places it at time 0 (a transfer of kind `place`). */
  readonly blade: string | null;
  readonly priority: number;
  readonly source: RequirementSource;
  /** Hard floors of its own (DESIGN section 3); absent: none. */
  readonly minimum?: Readonly<Record<string, number>>;
  /** Never cascaded; still failed over. */
  readonly pinned?: boolean;
}

export type ScenarioEvent =
  | { readonly at: number; readonly fail: string }
  | { readonly at: number; readonly repair: string }
  | { readonly at: number; readonly maintenance: string }
  | { readonly at: number; readonly add: ScenarioBlade }
  | { readonly at: number; readonly finish: string }
  | { readonly at: number; readonly submit: ScenarioWorkload };

export interface Scenario {
  readonly name: string;
  readonly policy: Policy;
  readonly blades: readonly ScenarioBlade[];
  readonly workloads: readonly ScenarioWorkload[];
  /** Sorted stably by `at`, so events of one instant keep their file order. */
  readonly events: readonly ScenarioEvent[];
  /** Failure detection when `cascade serve` runs this scenario's emulated world (the simulator's blades fail by events). */
  readonly detection?: DetectionSettings;
}
