// Settles a generated data center before time 0, as one that already ran Cascade would be: no standby blade is a
// worthwhile move for any workload, so a simulated year starts without a backlog of thousands of cascades.
import { worthwhile } from '../core/cascade.js';
import { bladeSize, type Fit } from '../core/fit.js';
import { floorsOf } from '../core/floors.js';
import type { Policy, Resources } from '../core/model.js';
import { FitMemo, needId, shapeId } from '../core/shape.js';
import type { ScenarioBlade, ScenarioWorkload } from './scenario.js';

export interface Settled {
  readonly blades: ScenarioBlade[];
  readonly workloads: ScenarioWorkload[];
}

/**
 * Greedy, not optimal, on purpose: the result only has to be a fixed point (no workload has a worthwhile blade in
 * the pool, so the cascade planner's optimum is "stay"), and a greedy pass reaches one in near-linear time where an
 * optimal assignment of 100,000 blades would cost more than the simulation it prepares. Each move lowers the
 * workload's cost by at least the policy's margin, so the passes end. Consumes no randomness: the events a seed
 * generates stay the same.
 */
export function settle(
  blades: readonly ScenarioBlade[],
  workloads: readonly ScenarioWorkload[],
  policy: Policy,
): Settled {
  const memo = new FitMemo(policy.weights);
  const byId = new Map(blades.map((blade) => [blade.id, blade]));
  const shapes = new Map<number, ScenarioBlade>();
  for (const blade of blades) if (!shapes.has(shapeId(blade.resources))) shapes.set(shapeId(blade.resources), blade);
  // Standby blade ids per shape, highest last so pop() hands out the lowest id.
  const pool = new Map<number, string[]>();
  const release = (blade: ScenarioBlade): void => {
    const ids = pool.get(shapeId(blade.resources)) ?? [];
    ids.push(blade.id);
    ids.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    pool.set(shapeId(blade.resources), ids);
  };
  for (const blade of blades) if (blade.state === 'standby') release(blade);

  // A workload's worthwhile shapes depend only on its requirements and its blade's shape: computed once per pair.
  const preferences = new Map<string, number[]>();
  const preferred = (workload: ScenarioWorkload, blade: ScenarioBlade): number[] => {
    const floors = floorsOf(workload, policy);
    const key = `${workload.pinned === true ? 'pinned:' : ''}${needId(workload.requirements, floors)}:${shapeId(blade.resources)}`;
    let list = preferences.get(key);
    if (list === undefined) {
      const fitOn = (resources: Resources): Fit => memo.fit(resources, workload.requirements, floors);
      const now = fitOn(blade.resources);
      const better =
        workload.pinned === true
          ? []
          : [...shapes].filter(([, other]) => worthwhile(now, fitOn(other.resources), policy));
      const rank = ([, b]: [number, ScenarioBlade]): [number, number] => [
        fitOn(b.resources).cost,
        bladeSize(b.resources),
      ];
      list = better
        .sort((x, y) => rank(x)[0] - rank(y)[0] || rank(x)[1] - rank(y)[1] || x[0] - y[0])
        .map(([shape]) => shape);
      preferences.set(key, list);
    }
    return list;
  };

  const placed = new Map(workloads.map((workload) => [workload.id, workload.blade]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const workload of workloads) {
      const current = byId.get(placed.get(workload.id) ?? '');
      if (current === undefined) continue;
      const shape = preferred(workload, current).find((s) => (pool.get(s)?.length ?? 0) > 0);
      if (shape === undefined) continue;
      const target = pool.get(shape)!.pop()!;
      release(current);
      placed.set(workload.id, target);
      changed = true;
    }
  }

  const standby = new Set([...pool.values()].flat());
  return {
    blades: blades.map((blade) => ({
      ...blade,
      state: standby.has(blade.id) ? 'standby' : blade.state === 'standby' ? 'active' : blade.state,
    })),
    workloads: workloads.map((workload) => ({ ...workload, blade: placed.get(workload.id) ?? null })),
  };
}
