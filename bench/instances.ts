// Generated inputs for the benchmarks: the simulator's data-center mix (src/sim/generate.ts), as planner inputs.
import { fitOf, isExact } from '../src/core/fit.js';
import { DEFAULT_POLICY, type Blade, type Workload } from '../src/core/model.js';
import {
  bladeProfile as generatedProfile,
  generateScenario,
  newWorkload,
  resourcesOf,
  variedProfile,
  variedWorkload,
} from '../src/sim/generate.js';
import { createRandom } from '../src/sim/random.js';

export interface DataCenter {
  readonly blades: Blade[];
  readonly workloads: Workload[];
  readonly standby: Blade[];
  /** Active blades in id order, each hosting the workload of the same index in `hosted`. */
  readonly active: Blade[];
  readonly hosted: Workload[];
}

/** A settled data center of `size` blades, 10% standby, with no events: what a failover decision starts from. */
export function dataCenter(size: number, seed: number, settled = true): DataCenter {
  const scenario = generateScenario({ blades: size, seed, years: 0, settled });
  const blades: Blade[] = scenario.blades.map((b) => ({
    id: b.id,
    resources: b.resources,
    state: b.state,
    ...(b.location ? { location: b.location } : {}),
  }));
  const workloads: Workload[] = scenario.workloads.map((w) => ({
    id: w.id,
    requirements: w.requirements,
    source: w.source,
    priority: w.priority,
    blade: w.blade,
    state: 'running',
  }));
  const byBlade = new Map(workloads.map((w) => [w.blade!, w]));
  const active = blades.filter((b) => byBlade.has(b.id));
  return {
    blades,
    workloads,
    standby: blades.filter((b) => b.state === 'standby'),
    active,
    hosted: active.map((b) => byBlade.get(b.id)!),
  };
}

/**
 * `candidates` workloads each on a blade that does not fit exactly (a size too large in some keys, as the generator
 * draws them) and as many fresh standby blades: the cascade planner's hardest round, where nearly every candidate
 * has worthwhile targets.
 */
export type HardwareFamily = 'generated' | 'varied';

export function cascadeInstance(
  candidates: number,
  seed: number,
  family: HardwareFamily = 'generated',
  standbyCount = candidates,
): { blades: Blade[]; workloads: Workload[] } {
  const random = createRandom(seed);
  const bladeProfile = family === 'varied' ? variedProfile : generatedProfile;
  const blades: Blade[] = [];
  const workloads: Workload[] = [];
  const id = (prefix: string, n: number): string => `${prefix}${String(n).padStart(6, '0')}`;
  while (workloads.length < candidates) {
    const profile = bladeProfile(random);
    const bladeId = id('a', workloads.length);
    const drawn =
      family === 'varied'
        ? variedWorkload(random, id('w', workloads.length), profile, bladeId)
        : newWorkload(random, id('w', workloads.length), profile, bladeId);
    const resources = resourcesOf(profile);
    if (isExact(fitOf(resources, drawn.requirements, DEFAULT_POLICY.weights))) continue;
    blades.push({ id: bladeId, resources, state: 'active' });
    workloads.push({
      id: drawn.id,
      requirements: drawn.requirements,
      source: 'declared',
      priority: drawn.priority,
      blade: bladeId,
      state: 'running',
    });
  }
  for (let n = 0; n < standbyCount; n++)
    blades.push({ id: id('s', n), resources: resourcesOf(bladeProfile(random)), state: 'standby' });
  return { blades, workloads };
}
