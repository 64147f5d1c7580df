// planCascade's candidates and moves, planWhatIf's chain on the four-server example, and properties on random fleets.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planCascade, worthwhile } from './cascade.js';
import { fitOf } from './fit.js';
import { DEFAULT_POLICY, policyWith, type Blade, type BladeState, type Workload } from './model.js';
import { blade, workload } from './testing/builders.js';
import { planWhatIf } from './what-if.js';

const moves = (plan: ReturnType<typeof planCascade>) => plan.moves.map((m) => `${m.workload}:${m.from}->${m.to}`);

describe('planCascade: candidates and moves', () => {
  it('lists active blades that do not fit exactly as candidates (Table 3)', () => {
    const plan = planCascade({
      blades: [blade('A', { storageTB: 200 }, 'active'), blade('B', { storageTB: 500 }, 'active')],
      workloads: [workload('W1', { storageTB: 200 }, 'A'), workload('W2', { storageTB: 200 }, 'B')],
      policy: DEFAULT_POLICY,
      slots: 4,
    });
    expect(plan.candidates).toEqual([
      { workload: 'W2', blade: 'B', fit: expect.objectContaining({ surplus: 1.5 }), frozen: false },
    ]);
  });

  it('moves W1 from B to the better C (DESIGN section 1, step 2)', () => {
    const plan = planCascade({
      blades: [blade('B', { storageTB: 500 }, 'active'), blade('C', { storageTB: 300 })],
      workloads: [workload('W1', { storageTB: 200 }, 'B')],
      policy: DEFAULT_POLICY,
      slots: 4,
    });
    expect(plan.moves).toEqual([
      expect.objectContaining({ workload: 'W1', kind: 'cascade', from: 'B', to: 'C', saving: 1 }),
    ]);
  });

  it('does not hop for crumbs: a saving below minImprovement stays', () => {
    const input = {
      blades: [blade('B', { storageTB: 210 }, 'active'), blade('C', { storageTB: 205 })],
      workloads: [workload('W1', { storageTB: 200 }, 'B')],
      slots: 4,
    };
    expect(planCascade({ ...input, policy: DEFAULT_POLICY }).moves).toEqual([]);
    expect(moves(planCascade({ ...input, policy: policyWith({ minImprovement: 0.01 }) }))).toEqual(['W1:B->C']);
  });

  it('never targets a blade in maintenance, failed or active', () => {
    const states: BladeState[] = ['maintenance', 'failed', 'active'];
    for (const state of states) {
      const plan = planCascade({
        blades: [blade('B', { storageTB: 500 }, 'active'), blade('C', { storageTB: 200 }, state)],
        workloads: [workload('W1', { storageTB: 200 }, 'B')],
        policy: DEFAULT_POLICY,
        slots: 4,
      });
      expect(plan.moves).toEqual([]);
    }
  });

  it('leaves frozen workloads (cooldown) where they are but still lists them', () => {
    const plan = planCascade({
      blades: [blade('B', { storageTB: 500 }, 'active'), blade('C', { storageTB: 200 })],
      workloads: [workload('W1', { storageTB: 200 }, 'B')],
      policy: DEFAULT_POLICY,
      slots: 4,
      frozen: new Set(['W1']),
    });
    expect(plan.moves).toEqual([]);
    expect(plan.candidates[0]).toMatchObject({ workload: 'W1', frozen: true });
  });

  it('starts at most `slots` moves, largest saving first, and defers the rest', () => {
    const plan = planCascade({
      blades: [
        blade('A', { memoryGiB: 20 }, 'active'),
        blade('B', { memoryGiB: 90 }, 'active'),
        blade('C', { memoryGiB: 50 }, 'active'),
        blade('X', { memoryGiB: 10 }),
        blade('Y', { memoryGiB: 10 }),
        blade('Z', { memoryGiB: 10 }),
      ],
      workloads: [
        workload('W1', { memoryGiB: 10 }, 'A'),
        workload('W2', { memoryGiB: 10 }, 'B'),
        workload('W3', { memoryGiB: 10 }, 'C'),
      ],
      policy: DEFAULT_POLICY,
      slots: 2,
    });
    expect(plan.moves.map((m) => [m.workload, m.saving])).toEqual([
      ['W2', 8],
      ['W3', 4],
    ]);
    expect(plan.deferred.map((m) => m.workload)).toEqual(['W1']);
  });

  it('prefers removing a deficit to removing any surplus', () => {
    const plan = planCascade({
      blades: [
        blade('A', { memoryGiB: 5 }, 'active'),
        blade('B', { memoryGiB: 1000 }, 'active'),
        blade('C', { memoryGiB: 10 }),
      ],
      workloads: [workload('W1', { memoryGiB: 10 }, 'A'), workload('W2', { memoryGiB: 10 }, 'B')],
      policy: DEFAULT_POLICY,
      slots: 4,
    });
    expect(moves(plan)).toEqual(['W1:A->C']);
  });
});

describe('planWhatIf: the four-server example as a chain', () => {
  it('fails over to B and, with C and A in the pool, cascades to A', () => {
    const result = planWhatIf({
      blades: [blade('A', { storageTB: 200 }, 'active'), blade('B', { storageTB: 500 })],
      workloads: [workload('W1', { storageTB: 200 }, 'A')],
      policy: DEFAULT_POLICY,
      fail: ['A'],
    });
    expect(result.placements).toEqual([
      expect.objectContaining({ workload: 'W1', kind: 'failover', from: 'A', to: 'B' }),
    ]);
    expect(result.rounds).toEqual([]);
  });

  it('runs a chain: W1 B->C frees B, which W2 takes in the next round', () => {
    const result = planWhatIf({
      blades: [
        blade('B', { memoryGiB: 40 }, 'active'),
        blade('D', { memoryGiB: 100 }, 'active'),
        blade('C', { memoryGiB: 10 }),
      ],
      workloads: [workload('W1', { memoryGiB: 10 }, 'B'), workload('W2', { memoryGiB: 40 }, 'D')],
      policy: DEFAULT_POLICY,
      fail: [],
    });
    expect(result.rounds.map((r) => r.map((m) => `${m.workload}:${m.from}->${m.to}`))).toEqual([
      ['W1:B->C'],
      ['W2:D->B'],
    ]);
    expect(result.truncated).toBe(false);
  });
});

// Random small data centers for the properties below.
const arb = fc
  .record({
    blades: fc.array(
      fc.record({
        memoryGiB: fc.integer({ min: 1, max: 6 }).map((x) => x * 8),
        storageTB: fc.integer({ min: 1, max: 4 }),
        arch: fc.constantFrom('x86_64', 'x86_64', 'ppc64le'),
        state: fc.constantFrom<BladeState>('active', 'standby', 'standby', 'maintenance', 'failed'),
      }),
      { minLength: 1, maxLength: 14 },
    ),
    needs: fc.array(
      fc.record({
        memoryGiB: fc.integer({ min: 1, max: 6 }).map((x) => x * 8),
        storageTB: fc.integer({ min: 1, max: 4 }),
      }),
      { maxLength: 14 },
    ),
    minImprovement: fc.constantFrom(0, 0.05, 0.5),
  })
  .map(({ blades, needs, minImprovement }) => {
    const bs: Blade[] = blades.map((b, i) =>
      blade(`B${i}`, { memoryGiB: b.memoryGiB, storageTB: b.storageTB, cpuArch: b.arch }, b.state),
    );
    const actives = bs.filter((b) => b.state === 'active');
    const ws: Workload[] = actives.map((b, i) => {
      const need = needs[i] ?? { memoryGiB: 8, storageTB: 1 };
      return workload(`W${i}`, { ...need, cpuArch: b.resources.cpuArch! }, b.id);
    });
    return { blades: bs, workloads: ws, policy: policyWith({ minImprovement }) };
  });

function bruteForceCost(input: {
  blades: Blade[];
  workloads: Workload[];
  policy: ReturnType<typeof policyWith>;
}): number {
  const standby = input.blades.filter((b) => b.state === 'standby');
  const rows = input.workloads.map((w) => {
    const here = fitOf(input.blades.find((b) => b.id === w.blade)!.resources, w.requirements, input.policy.weights);
    const options = standby.map((b) => fitOf(b.resources, w.requirements, input.policy.weights));
    return { here, options };
  });
  let best = Infinity;
  const used = new Set<number>();
  const walk = (i: number, sum: number): void => {
    if (i === rows.length) {
      best = Math.min(best, sum);
      return;
    }
    const { here, options } = rows[i]!;
    walk(i + 1, sum + here.cost);
    options.forEach((fit, j) => {
      if (used.has(j) || !worthwhile(here, fit, input.policy)) return;
      used.add(j);
      walk(i + 1, sum + fit.cost);
      used.delete(j);
    });
  };
  walk(0, 0);
  return best;
}

describe('planCascade: properties', () => {
  it('equals the brute-force optimum on random instances up to 7 x 7', () => {
    fc.assert(
      fc.property(
        arb.filter((x) => x.workloads.length <= 7 && x.blades.filter((b) => b.state === 'standby').length <= 7),
        (input) => {
          const plan = planCascade({ ...input, slots: Infinity });
          const after = new Map(plan.moves.map((m) => [m.workload, m.after.cost]));
          const total = input.workloads.reduce((sum, w) => {
            const here = fitOf(input.blades.find((b) => b.id === w.blade)!.resources, w.requirements).cost;
            return sum + (after.get(w.id) ?? here);
          }, 0);
          expect(total).toBeCloseTo(bruteForceCost(input), 6);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('targets only feasible standby blades, each at most once, and only by worthwhile moves', () => {
    fc.assert(
      fc.property(arb, fc.integer({ min: 0, max: 5 }), (input, slots) => {
        const plan = planCascade({ ...input, slots });
        expect(plan.moves.length).toBeLessThanOrEqual(slots);
        const targets = plan.moves.map((m) => m.to);
        expect(new Set(targets).size).toBe(targets.length);
        for (const m of plan.moves) {
          expect(input.blades.find((b) => b.id === m.to)!.state).toBe('standby');
          expect(m.after.feasible).toBe(true);
          expect(worthwhile(m.before!, m.after, input.policy)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('chains terminate, each round lowering the total cost', () => {
    fc.assert(
      fc.property(arb, (input) => {
        const result = planWhatIf({ ...input, fail: [] }, 200);
        expect(result.truncated).toBe(false);
        for (const round of result.rounds) for (const m of round) expect(m.saving).toBeGreaterThan(0);
        // The final placement leaves no worthwhile cascade undone.
        expect(
          planCascade({ blades: result.blades, workloads: result.workloads, policy: input.policy, slots: Infinity })
            .moves,
        ).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
