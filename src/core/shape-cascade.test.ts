// Cascade rounds large enough that the planner solves over blade shapes (class-assignment.ts picks the grouped
// solver): the same plans as the plain planner over every blade, and the two solvers agree on their own.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planCascade } from './cascade.js';
import { assignClasses, type ClassInstance } from './class-assignment.js';
import type { Blade, Workload } from './model.js';
import { policyWith } from './model.js';
import { plainPlanCascade } from './testing/plain-cascade.js';

// Two values per key: at most 8 blade shapes among up to 40 blades, so most blades have twins.
const resources = fc.record({
  memoryGiB: fc.constantFrom(16, 32),
  storageTB: fc.constantFrom(1, 2),
  cpuArch: fc.constantFrom('x86_64', 'x86_64', 'ppc64le'),
});
const needs = fc.record({
  memoryGiB: fc.constantFrom(8, 16, 24),
  storageTB: fc.constantFrom(1, 2),
  cpuArch: fc.constantFrom('x86_64', 'x86_64', 'ppc64le'),
});

const cascadeInput = fc
  .tuple(
    fc.array(resources, { minLength: 10, maxLength: 40 }),
    fc.array(resources, { minLength: 10, maxLength: 40 }),
    fc.array(needs, { minLength: 40, maxLength: 40 }),
  )
  .chain(([active, standby, workloadNeeds]) =>
    fc.tuple(
      fc.constant(active),
      fc.constant(standby),
      fc.constant(workloadNeeds),
      // Ids shuffled, so id order is not input order.
      fc.shuffledSubarray([...Array(100).keys()], {
        minLength: active.length + standby.length,
        maxLength: active.length + standby.length,
      }),
      fc.shuffledSubarray([...Array(100).keys()], { minLength: active.length, maxLength: active.length }),
      fc.constantFrom(0, 0.05, 0.5),
      fc.integer({ min: 0, max: 6 }),
    ),
  )
  .map(([active, standby, workloadNeeds, bladeIds, workloadIds, minImprovement, slots]) => {
    const blades: Blade[] = [
      ...active.map((r, i): Blade => ({ id: `B${bladeIds[i]}`, resources: r, state: 'active' })),
      ...standby.map((r, i): Blade => ({ id: `B${bladeIds[active.length + i]}`, resources: r, state: 'standby' })),
    ];
    const workloads = active.map(
      (_, i): Workload => ({
        id: `W${workloadIds[i]}`,
        requirements: workloadNeeds[i]!,
        source: 'declared',
        priority: 0,
        blade: blades[i]!.id,
        state: 'running',
      }),
    );
    return { blades, workloads, policy: policyWith({ minImprovement }), slots };
  });

describe('planCascade over blade shapes', () => {
  it('plans exactly as the plain planner over every blade', () => {
    fc.assert(
      fc.property(cascadeInput, (input) => {
        expect(planCascade(input)).toEqual(plainPlanCascade(input));
      }),
      { numRuns: 300 },
    );
  });
});

const cost = fc.tuple(
  fc.constant(0),
  fc.integer({ min: 0, max: 20 }),
  fc.integer({ min: 0, max: 1 }),
  fc.integer({ min: 0, max: 3 }),
);
const classInstance: fc.Arbitrary<ClassInstance> = fc
  .tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }))
  .chain(([columns, groupCount, classCount]) =>
    fc.record({
      dealt: fc.array(fc.integer({ min: 0, max: groupCount - 1 }), { minLength: columns, maxLength: columns }),
      classes: fc.array(
        fc.record({
          fallback: cost,
          edges: fc.uniqueArray(fc.record({ group: fc.integer({ min: 0, max: groupCount - 1 }), cost }), {
            selector: (e) => e.group,
            maxLength: groupCount,
          }),
        }),
        { minLength: classCount, maxLength: classCount },
      ),
      rowClass: fc.array(fc.integer({ min: 0, max: classCount - 1 }), { minLength: 1, maxLength: 60 }),
      columns: fc.constant(columns),
      groupCount: fc.constant(groupCount),
    }),
  )
  .map(({ dealt, classes, rowClass, columns, groupCount }) => {
    const groups: number[][] = Array.from({ length: groupCount }, () => []);
    dealt.forEach((g, col) => {
      groups[g]!.push(col);
    });
    return { columns, groups, classes, rowClass };
  });

describe('assignClasses', () => {
  it('gives the same assignment with either solver', () => {
    fc.assert(
      fc.property(classInstance, (instance) => {
        expect([...assignClasses(instance, 'grouped')]).toEqual([...assignClasses(instance, 'per-row')]);
      }),
      { numRuns: 500 },
    );
  });
});
