// Cascade rounds on varied hardware (every size drawn on its own, workloads anywhere up to their blade): hundreds of
// blade shapes and thousands of classes, where the planner's grouped solver meets its hardest graphs. It must plan
// exactly as the plain planner over every blade, tie-breaks included, with standby blades scarce and plentiful.
import { describe, expect, it } from 'vitest';
import { planCascade } from '../core/cascade.js';
import { fitOf, isExact } from '../core/fit.js';
import { DEFAULT_POLICY, policyWith, type Blade, type Workload } from '../core/model.js';
import { plainPlanCascade } from '../core/testing/plain-cascade.js';
import { resourcesOf, variedProfile, variedWorkload } from './generate.js';
import { createRandom } from './random.js';

function variedRound(candidates: number, standby: number, seed: number): { blades: Blade[]; workloads: Workload[] } {
  const random = createRandom(seed);
  const blades: Blade[] = [];
  const workloads: Workload[] = [];
  // Ids drawn out of order, so that id order is not the order of drawing.
  const id = (prefix: string): string => `${prefix}${String(random.int(1e9)).padStart(9, '0')}`;
  while (workloads.length < candidates) {
    const profile = variedProfile(random);
    const bladeId = id('a');
    const drawn = variedWorkload(random, id('w'), profile, bladeId);
    const resources = resourcesOf(profile);
    if (isExact(fitOf(resources, drawn.requirements, DEFAULT_POLICY.weights))) continue;
    blades.push({ id: bladeId, resources, state: 'active' });
    workloads.push({ ...drawn, blade: bladeId, state: 'running' });
  }
  for (let n = 0; n < standby; n++)
    blades.push({ id: id('s'), resources: resourcesOf(variedProfile(random)), state: 'standby' });
  return { blades, workloads };
}

describe('planCascade on varied hardware', () => {
  const cases: [number, number, number, number][] = [
    // candidates, standby, seed, minImprovement
    [60, 15, 1, 0.05],
    [60, 60, 2, 0],
    [200, 50, 3, 0.05],
    [200, 200, 4, 0.5],
    [400, 100, 5, 0.05],
    [400, 400, 6, 0.05],
  ];
  it.each(cases)(
    '%i candidates x %i standby (seed %i, margin %d) as the plain planner',
    (candidates, standby, seed, minImprovement) => {
      const round = variedRound(candidates, standby, seed);
      const input = { ...round, policy: policyWith({ minImprovement }), slots: Infinity };
      const plan = planCascade(input);
      expect(plan.moves.length).toBeGreaterThan(0);
      expect(plan).toEqual(plainPlanCascade(input));
    },
  );

  it('has hundreds of blade shapes at a few thousand blades', () => {
    const { blades } = variedRound(3000, 3000, 7);
    const shapes = new Set(blades.map((b) => JSON.stringify(b.resources)));
    expect(shapes.size).toBeGreaterThan(250);
  });
});
