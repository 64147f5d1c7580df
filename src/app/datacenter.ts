// What the emulator starts with: a generated data center (chassis of mixed blades, a workload on most, a cold
// standby pool), or the blades and workloads of a scenario file. Events in a scenario are not replayed here.
import type { FakeBladeSpec, FakeWorkloadSpec } from '../adapters/fake/index.js';
import type { Resources } from '../core/model.js';
import type { DetectionSettings } from '../core/verdict.js';
import type { FenceLevel } from '../ports/fencing.js';
import { generateScenario } from '../sim/generate.js';
import type { Scenario } from '../sim/scenario.js';

export interface DataCenterPlan {
  readonly blades: FakeBladeSpec[];
  readonly workloads: FakeWorkloadSpec[];
  /** Priorities are the controller's, not the hypervisor's: adopted or submitted with these on the first start. */
  readonly priorities: ReadonlyMap<string, number>;
  /** Workloads to submit for a first placement (not running anywhere yet). */
  readonly toPlace: readonly { id: string; requirements: Resources; priority: number }[];
  /** blade -> its fencing levels in order, from the scenario; blades left out use emulator.fencing. */
  readonly fencing: ReadonlyMap<string, readonly FenceLevel[]>;
  /** The scenario's detection.*, used when the site file has none. */
  readonly detection?: DetectionSettings;
}

export function generatedDataCenter(options: {
  chassis: number;
  bladesPerChassis: number;
  seed: number;
}): DataCenterPlan {
  const scenario = generateScenario({
    blades: options.chassis * options.bladesPerChassis,
    seed: options.seed,
    years: 0,
  });
  // The generator packs 14 blades a chassis; lay them out by the configured enclosure size instead.
  const blades = scenario.blades.map((b, n) => ({
    ...b,
    location: {
      chassis: `c${String(Math.floor(n / options.bladesPerChassis) + 1).padStart(2, '0')}`,
      slot: (n % options.bladesPerChassis) + 1,
    },
  }));
  return fromScenario({ ...scenario, blades });
}

export function fromScenario(scenario: Scenario): DataCenterPlan {
  const running = new Set(scenario.workloads.flatMap((w) => (w.blade ? [w.blade] : [])));
  const blades: FakeBladeSpec[] = scenario.blades.map((b) => ({
    id: b.id,
    resources: b.resources,
    ...(b.location ? { location: b.location } : {}),
    // Standby blades wait powered off (a cold standby pool); a failed one is off and reports its fault.
    power: running.has(b.id) ? 'on' : 'off',
    ...(b.state === 'failed' ? { health: 'critical' as const } : {}),
  }));
  const workloads: FakeWorkloadSpec[] = scenario.workloads.map((w) => ({
    id: w.id,
    requirements: w.requirements,
    source: 'declared',
    ...(w.blade ? { blade: w.blade } : {}),
  }));
  return {
    blades,
    workloads,
    priorities: new Map(scenario.workloads.map((w) => [w.id, w.priority])),
    toPlace: scenario.workloads
      .filter((w) => !w.blade)
      .map((w) => ({ id: w.id, requirements: w.requirements, priority: w.priority })),
    fencing: new Map(scenario.blades.flatMap((b) => (b.fencing ? [[b.id, b.fencing] as const] : []))),
    ...(scenario.detection ? { detection: scenario.detection } : {}),
  };
}
