// The indexed and pruned planners decide exactly as the plain ones that read every blade (src/core/testing/plain-*.ts):
// same placements, runners-up, pending reasons and cascade moves, ties included.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planCascade } from './cascade.js';
import type { Blade, BladeState, Workload } from './model.js';
import { policyWith } from './model.js';
import { planPlacements, StandbyIndex, type PlacementRequest } from './placement.js';
import { plainPlanCascade } from './testing/plain-cascade.js';
import { plainPlanPlacements } from './testing/plain-placement.js';

// Few distinct values, so blades of one shape, equal costs and equal sizes are common: the tie-breaks get exercised.
const resources = fc.record({
  memoryGiB: fc.constantFrom(8, 16, 24, 32),
  storageTB: fc.constantFrom(1, 2, 3),
  cpuArch: fc.constantFrom('x86_64', 'x86_64', 'ppc64le'),
});
const needs = fc.record({
  memoryGiB: fc.constantFrom(4, 8, 16, 24, 40),
  storageTB: fc.constantFrom(1, 2, 4),
  cpuArch: fc.constantFrom('x86_64', 'x86_64', 'ppc64le', 'aarch64'),
});
const policy = fc.record({ minImprovement: fc.constantFrom(0, 0.05, 0.5), storageWeight: fc.constantFrom(1, 3) });

/** Ids drawn from a small set and shuffled, so id order differs from input order. */
const ids = (prefix: string, n: number) =>
  fc
    .shuffledSubarray([...Array(40).keys()], { minLength: n, maxLength: n })
    .map((xs) => xs.map((x) => `${prefix}${x}`));

const placementInput = fc
  .tuple(
    fc.array(resources, { maxLength: 14 }),
    fc.array(fc.tuple(needs, fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 9 }),
    policy,
  )
  .chain(([pool, requests, p]) =>
    fc.tuple(
      fc.constant(pool),
      ids('B', pool.length),
      fc.constant(requests),
      ids('W', requests.length),
      fc.constant(p),
    ),
  )
  .map(([pool, bladeIds, requests, workloadIds, p]) => ({
    standby: pool.map((r, i): Blade => ({ id: bladeIds[i]!, resources: r, state: 'standby' })),
    requests: requests.map(
      ([need, priority], i): PlacementRequest => ({
        workload: {
          id: workloadIds[i]!,
          requirements: need,
          source: 'declared',
          priority,
          blade: null,
          state: 'pending',
        },
        kind: 'failover',
        from: 'X',
        before: null,
      }),
    ),
    policy: policyWith({ minImprovement: p.minImprovement, weights: { storageTB: p.storageWeight } }),
  }));

describe('planPlacements over a StandbyIndex', () => {
  it('decides exactly as the plain planner over every blade', () => {
    fc.assert(
      fc.property(placementInput, ({ standby, requests, policy: pol }) => {
        const plain = plainPlanPlacements(requests, standby, pol);
        expect(planPlacements(requests, standby, pol)).toEqual(plain);
        expect(planPlacements(requests, StandbyIndex.of(standby), pol)).toEqual(plain);
      }),
      { numRuns: 1500 },
    );
  });

  it('stays right as blades come and go from a long-lived index', () => {
    fc.assert(
      fc.property(
        placementInput,
        fc.array(fc.nat(), { maxLength: 10 }),
        ({ standby, requests, policy: pol }, removals) => {
          const index = StandbyIndex.of(standby);
          const left = [...standby];
          for (const r of removals) {
            if (left.length === 0) break;
            const [gone] = left.splice(r % left.length, 1);
            index.remove(gone!.id);
          }
          expect(index.size).toBe(left.length);
          expect(planPlacements(requests, index, pol)).toEqual(plainPlanPlacements(requests, left, pol));
        },
      ),
      { numRuns: 500 },
    );
  });
});

const cascadeInput = fc
  .tuple(
    fc.array(
      fc.tuple(resources, fc.constantFrom<BladeState>('active', 'active', 'standby', 'standby', 'standby', 'failed')),
      { minLength: 1, maxLength: 16 },
    ),
    fc.array(needs, { maxLength: 12 }),
    policy,
    fc.integer({ min: 0, max: 5 }),
  )
  .chain(([blades, workloadNeeds, p, slots]) =>
    fc.tuple(
      fc.constant(blades),
      ids('B', blades.length),
      fc.constant(workloadNeeds),
      ids('W', workloadNeeds.length),
      fc.constant(p),
      fc.constant(slots),
    ),
  )
  .map(([blades, bladeIds, workloadNeeds, workloadIds, p, slots]) => {
    const all = blades.map(([r, state], i): Blade => ({ id: bladeIds[i]!, resources: r, state }));
    const active = all.filter((b) => b.state === 'active');
    const workloads = workloadNeeds.slice(0, active.length).map(
      (need, i): Workload => ({
        id: workloadIds[i]!,
        requirements: need,
        source: 'declared',
        priority: 0,
        blade: active[i]!.id,
        state: 'running',
      }),
    );
    return {
      blades: all,
      workloads,
      policy: policyWith({ minImprovement: p.minImprovement, weights: { storageTB: p.storageWeight } }),
      slots,
    };
  });

describe('planCascade with pruned columns', () => {
  it('plans exactly as the plain planner over every worthwhile blade, runners-up of deferred moves included', () => {
    fc.assert(
      fc.property(cascadeInput, (input) => {
        expect(planCascade(input)).toEqual(plainPlanCascade(input));
      }),
      { numRuns: 1500 },
    );
  });
});
