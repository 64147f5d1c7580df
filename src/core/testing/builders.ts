// Small builders for planner tests: blades and workloads in one line each.
import type { Blade, BladeState, Resources, Workload } from '../model.js';

export function blade(id: string, resources: Resources, state: BladeState = 'standby'): Blade {
  return { id, resources, state };
}

export function workload(id: string, requirements: Resources, bladeId: string | null = null, priority = 0): Workload {
  return {
    id,
    requirements,
    source: 'declared',
    priority,
    blade: bladeId,
    state: bladeId === null ? 'pending' : 'running',
  };
}
