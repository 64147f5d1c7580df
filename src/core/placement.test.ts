// planPlacements: the standby blade each failover gets, or why it stays pending.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitOf } from './fit.js';
import { DEFAULT_POLICY, policyWith } from './model.js';
import { planPlacements, type PlacementRequest } from './placement.js';
import { blade, workload } from './testing/builders.js';

const failover = (w: ReturnType<typeof workload>, from = 'X'): PlacementRequest => ({
  workload: w,
  kind: 'failover',
  from,
  before: null,
});
const to = (plan: ReturnType<typeof planPlacements>) =>
  Object.fromEntries(plan.placements.map((p) => [p.workload, p.to]));

describe('planPlacements: one failover', () => {
  it('picks the standby blade with the least surplus', () => {
    const plan = planPlacements(
      [failover(workload('W1', { storageTB: 200 }))],
      [blade('B', { storageTB: 500 }), blade('C', { storageTB: 300 })],
      DEFAULT_POLICY,
    );
    expect(plan.placements[0]).toMatchObject({ workload: 'W1', to: 'C', after: { surplus: 0.5 } });
    expect(plan.placements[0]!.runnersUp).toEqual([expect.objectContaining({ blade: 'B', lost: 'worse-fit' })]);
  });

  it('prefers any blade without deficit to a blade with one', () => {
    const plan = planPlacements(
      [failover(workload('W1', { memoryGiB: 100 }))],
      [blade('small', { memoryGiB: 99 }), blade('huge', { memoryGiB: 10_000 })],
      DEFAULT_POLICY,
    );
    expect(to(plan)).toEqual({ W1: 'huge' });
  });

  it('still places on a blade with a deficit when nothing better exists', () => {
    const plan = planPlacements(
      [failover(workload('W1', { memoryGiB: 100 }))],
      [blade('small', { memoryGiB: 50 })],
      DEFAULT_POLICY,
    );
    expect(plan.placements[0]).toMatchObject({ to: 'small', after: { deficit: 0.5 } });
  });

  it('never chooses a blade whose attribute differs, and says why it stays pending', () => {
    const plan = planPlacements(
      [failover(workload('W1', { cpuArch: 'ppc64le', memoryGiB: 10 }))],
      [blade('intel', { cpuArch: 'x86_64', memoryGiB: 10 })],
      DEFAULT_POLICY,
    );
    expect(plan.placements).toEqual([]);
    expect(plan.pending[0]).toMatchObject({ workload: 'W1', reason: 'no-feasible-standby' });
    expect(plan.pending[0]!.detail).toContain('cpuArch ppc64le');
  });

  it('is pending with "no-standby" when the pool is empty', () => {
    expect(planPlacements([failover(workload('W1', { memoryGiB: 1 }))], [], DEFAULT_POLICY).pending[0]).toMatchObject({
      reason: 'no-standby',
    });
  });

  it('breaks cost ties by the smaller blade, then by the lower id', () => {
    // Both have surplus 1 on memory; B2 also carries a disk the workload does not ask for.
    const bySize = planPlacements(
      [failover(workload('W1', { memoryGiB: 10 }))],
      [blade('B1', { memoryGiB: 20, diskTB: 4 }), blade('B2', { memoryGiB: 20 })],
      DEFAULT_POLICY,
    );
    expect(to(bySize)).toEqual({ W1: 'B2' });
    const byId = planPlacements(
      [failover(workload('W1', { memoryGiB: 10 }))],
      [blade('B9', { memoryGiB: 20 }), blade('B3', { memoryGiB: 20 })],
      DEFAULT_POLICY,
    );
    expect(to(byId)).toEqual({ W1: 'B3' });
    expect(byId.placements[0]!.runnersUp[0]).toMatchObject({ blade: 'B9', lost: 'tie-break' });
  });

  it('uses the policy weights', () => {
    const requests = [failover(workload('W1', { memoryGiB: 10, storageTB: 10 }))];
    const pool = [
      blade('memHeavy', { memoryGiB: 30, storageTB: 10 }),
      blade('diskHeavy', { memoryGiB: 10, storageTB: 30 }),
    ];
    expect(to(planPlacements(requests, pool, policyWith({ weights: { memoryGiB: 5 } })))).toEqual({ W1: 'diskHeavy' });
    expect(to(planPlacements(requests, pool, policyWith({ weights: { storageTB: 5 } })))).toEqual({ W1: 'memHeavy' });
  });
});

describe('planPlacements: several failures at once', () => {
  it('places higher priority first, even when that costs more in total', () => {
    const plan = planPlacements(
      [failover(workload('low', { memoryGiB: 10 }, null, 0)), failover(workload('high', { memoryGiB: 10 }, null, 5))],
      [blade('only', { memoryGiB: 10 })],
      DEFAULT_POLICY,
    );
    expect(to(plan)).toEqual({ high: 'only' });
    expect(plan.pending[0]).toMatchObject({ workload: 'low', reason: 'lower-priority' });
  });

  it('minimizes the total cost within one priority instead of going greedy', () => {
    // Greedy in id order gives W1 the exact blade gpu1 (cost 0) and leaves W2, which needs
    // the GPU, a deficit of 1 on big (cost 1e6 + 3). The optimum swaps them: total 3.
    const pool = [blade('gpu1', { memoryGiB: 10, gpuCount: 1 }), blade('big', { memoryGiB: 40 })];
    const plan = planPlacements(
      [failover(workload('W1', { memoryGiB: 10 })), failover(workload('W2', { memoryGiB: 10, gpuCount: 1 }))],
      pool,
      DEFAULT_POLICY,
    );
    expect(to(plan)).toEqual({ W1: 'big', W2: 'gpu1' });
    const w1 = plan.placements.find((p) => p.workload === 'W1')!;
    expect(w1.runnersUp[0]).toMatchObject({ blade: 'gpu1', lost: 'taken', takenBy: 'W2' });
  });

  it('places as many as possible before it minimizes cost', () => {
    // W1 fits both blades, W2 only the x86 one: the optimum must leave the x86 blade to W2.
    const pool = [
      blade('arm', { cpuArch: 'aarch64', memoryGiB: 10 }),
      blade('x86', { cpuArch: 'x86_64', memoryGiB: 10 }),
    ];
    const plan = planPlacements(
      [failover(workload('W1', { memoryGiB: 10 })), failover(workload('W2', { cpuArch: 'x86_64', memoryGiB: 1 }))],
      pool,
      DEFAULT_POLICY,
    );
    expect(to(plan)).toEqual({ W1: 'arm', W2: 'x86' });
    expect(plan.pending).toEqual([]);
  });

  it('gives equal blades to workloads in id order', () => {
    const pool = ['B3', 'B1', 'B2'].map((id) => blade(id, { memoryGiB: 10 }));
    const plan = planPlacements(
      ['W3', 'W1', 'W2'].map((id) => failover(workload(id, { memoryGiB: 10 }))),
      pool,
      DEFAULT_POLICY,
    );
    expect(to(plan)).toEqual({ W1: 'B1', W2: 'B2', W3: 'B3' });
  });
});

const resources = fc.record(
  {
    memoryGiB: fc.integer({ min: 0, max: 8 }).map((x) => x * 16),
    storageTB: fc.integer({ min: 1, max: 6 }),
    cpuArch: fc.constantFrom('x86_64', 'ppc64le'),
  },
  { requiredKeys: ['memoryGiB', 'cpuArch'] },
);

describe('planPlacements: properties', () => {
  it('a single failover takes a feasible standby blade of minimum cost, or none exists', () => {
    fc.assert(
      fc.property(resources, fc.array(resources, { maxLength: 12 }), (need, pool) => {
        const blades = pool.map((r, i) => blade(`B${i}`, r));
        const plan = planPlacements([failover(workload('W', need))], blades, DEFAULT_POLICY);
        const feasible = blades.map((b) => fitOf(b.resources, need)).filter((f) => f.feasible);
        if (feasible.length === 0) {
          expect(plan.placements).toEqual([]);
          return;
        }
        const chosen = blades.find((b) => b.id === plan.placements[0]!.to)!;
        const fit = fitOf(chosen.resources, need);
        expect(fit.feasible).toBe(true);
        expect(fit.cost).toBeLessThanOrEqual(Math.min(...feasible.map((f) => f.cost)) + 1e-9);
      }),
      { numRuns: 500 },
    );
  });
});
