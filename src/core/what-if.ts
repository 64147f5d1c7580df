// What-if planning: "what happens if these blades fail?" without time passing: the
// failovers, then the chain of cascade rounds until no worthwhile move is left.
import { planCascade, type CascadeMove } from './cascade.js';
import type { Pending, Placement } from './decision.js';
import { fitOf } from './fit.js';
import type { Blade, Policy, Workload } from './model.js';
import { planPlacements, type PlacementRequest } from './placement.js';

export interface WhatIfInput {
  readonly blades: readonly Blade[];
  readonly workloads: readonly Workload[];
  readonly policy: Policy;
  readonly fail: readonly string[];
}

export interface WhatIf {
  readonly placements: readonly Placement[];
  readonly pending: readonly Pending[];
  /** Cascade rounds in order; a blade released in one round may be taken in the next. */
  readonly rounds: readonly (readonly CascadeMove[])[];
  /** True when the chain stopped at the round limit instead of running out of moves (a bug if it happens). */
  readonly truncated: boolean;
  readonly blades: readonly Blade[];
  readonly workloads: readonly Workload[];
}

export function planWhatIf(input: WhatIfInput, maxRounds = 1000): WhatIf {
  const { policy } = input;
  const failing = new Set(input.fail);
  const blades = new Map(input.blades.map((b) => [b.id, failing.has(b.id) ? { ...b, state: 'failed' as const } : b]));
  const workloads = new Map(input.workloads.map((w) => [w.id, w]));

  const requests: PlacementRequest[] = [];
  for (const w of workloads.values()) {
    if (w.state === 'finished') continue;
    if (w.blade !== null && failing.has(w.blade)) {
      const before = fitOf(input.blades.find((b) => b.id === w.blade)!.resources, w.requirements, policy.weights);
      requests.push({ workload: w, kind: 'failover', from: w.blade, before });
    } else if (w.blade === null) {
      requests.push({ workload: w, kind: 'place', from: null, before: null });
    }
  }
  const standby = [...blades.values()].filter((b) => b.state === 'standby');
  const { placements, pending } = planPlacements(requests, standby, policy);
  for (const p of placements) {
    blades.set(p.to, { ...blades.get(p.to)!, state: 'active' });
    workloads.set(p.workload, { ...workloads.get(p.workload)!, blade: p.to, state: 'running' });
  }
  for (const p of pending) workloads.set(p.workload, { ...workloads.get(p.workload)!, blade: null, state: 'pending' });

  const rounds: CascadeMove[][] = [];
  let truncated = true;
  for (let round = 0; round < maxRounds; round++) {
    const plan = planCascade({ blades: [...blades.values()], workloads: [...workloads.values()], policy, slots: Infinity });
    if (plan.moves.length === 0) {
      truncated = false;
      break;
    }
    rounds.push([...plan.moves]);
    for (const m of plan.moves) {
      blades.set(m.to, { ...blades.get(m.to)!, state: 'active' });
      blades.set(m.from!, { ...blades.get(m.from!)!, state: 'standby' });
      workloads.set(m.workload, { ...workloads.get(m.workload)!, blade: m.to });
    }
  }
  return { placements, pending, rounds, truncated, blades: [...blades.values()], workloads: [...workloads.values()] };
}
