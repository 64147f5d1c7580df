// planCascade against an oracle that shares none of its code: the fit, the margin rule (DESIGN section 3) and the
// candidate rule written again here, and a brute force over every set of moves. The data centers it draws have
// workloads on blades of every state, workloads that are not running, current placements that are infeasible (an
// attribute differs), hard floors (policy.hardKeys and a workload's minimum) and policy weights, which the
// planner's own property tests never produce. A workload that stays on a blade infeasible for it counts as unplaced:
// the optimum first leaves the fewest such, then lowers the total cost.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planCascade } from './cascade.js';
import type { Blade, BladeState, Policy, Resources, Workload, WorkloadState } from './model.js';

interface OracleFit {
  readonly feasible: boolean;
  readonly deficit: number;
  readonly surplus: number;
  readonly cost: number;
}

/**
 * DESIGN section 3: per required quantity, weight * shortfall / required (deficit) or weight * excess / required;
 * a hard floor (a hard key's requirement, or the workload's minimum, which wins) not met makes it infeasible.
 */
function oracleFit(
  offered: Resources,
  required: Resources,
  weights: Readonly<Record<string, number>>,
  w?: Workload,
  hardKeys: readonly string[] = [],
): OracleFit {
  let feasible = true;
  const floors = new Map<string, number>();
  for (const key of hardKeys)
    if (typeof required[key] === 'number' && (required[key] as number) > 0) floors.set(key, required[key] as number);
  for (const [key, value] of Object.entries(w?.minimum ?? {})) if (value > 0) floors.set(key, value);
  for (const [key, floor] of floors) {
    const have = offered[key];
    if ((typeof have === 'number' ? have : 0) < floor) feasible = false;
  }
  let deficit = 0;
  let surplus = 0;
  for (const [key, need] of Object.entries(required)) {
    const have = offered[key];
    if (typeof need === 'string') {
      if (have !== need) feasible = false;
      continue;
    }
    if (need <= 0) continue;
    const amount = typeof have === 'number' ? have : 0;
    const weight = weights[key] ?? 1;
    if (amount < need) deficit += (weight * (need - amount)) / need;
    else surplus += (weight * (amount - need)) / need;
  }
  return { feasible, deficit, surplus, cost: 1e6 * deficit + surplus };
}

/**
 * The margin rule: never to an infeasible blade; from an infeasible one, to any feasible one; else a smaller deficit,
 * or the same deficit and a surplus smaller by at least minImprovement.
 */
function oracleWorthwhile(here: OracleFit, there: OracleFit, minImprovement: number): boolean {
  if (!there.feasible) return false;
  if (!here.feasible) return true;
  const same = Math.abs(there.deficit - here.deficit) <= 1e-9;
  if (!same) return there.deficit < here.deficit;
  return there.surplus <= here.surplus - minImprovement;
}

const isExact = (f: OracleFit): boolean => f.feasible && f.deficit === 0 && f.surplus === 0;

/** Running workloads on active blades whose fit there is not exact. */
function oracleCandidates(blades: readonly Blade[], workloads: readonly Workload[], policy: Policy): string[] {
  return workloads
    .filter((w) => {
      const b = blades.find((x) => x.id === w.blade);
      return (
        w.state === 'running' &&
        b !== undefined &&
        b.state === 'active' &&
        !isExact(oracleFit(b.resources, w.requirements, policy.weights, w, policy.hardKeys))
      );
    })
    .map((w) => w.id)
    .sort();
}

/**
 * Over every set of worthwhile moves to distinct standby blades: the fewest candidates left on a blade infeasible
 * for them, then the least total cost, as [stays, cost].
 */
function oracleOptimum(blades: readonly Blade[], workloads: readonly Workload[], policy: Policy): [number, number] {
  const standby = blades.filter((b) => b.state === 'standby');
  const rows = oracleCandidates(blades, workloads, policy).map((id) => {
    const w = workloads.find((x) => x.id === id)!;
    const here = oracleFit(
      blades.find((b) => b.id === w.blade)!.resources,
      w.requirements,
      policy.weights,
      w,
      policy.hardKeys,
    );
    return {
      here,
      there: standby.map((b) => oracleFit(b.resources, w.requirements, policy.weights, w, policy.hardKeys)),
    };
  });
  let best: [number, number] = [Infinity, Infinity];
  const used = new Set<number>();
  const walk = (i: number, stays: number, sum: number): void => {
    if (i === rows.length) {
      if (stays < best[0] || (stays === best[0] && sum < best[1])) best = [stays, sum];
      return;
    }
    const { here, there } = rows[i]!;
    walk(i + 1, stays + (here.feasible ? 0 : 1), sum + here.cost);
    there.forEach((fit, j) => {
      if (used.has(j) || !oracleWorthwhile(here, fit, policy.minImprovement)) return;
      used.add(j);
      walk(i + 1, stays, sum + fit.cost);
      used.delete(j);
    });
  };
  walk(0, 0, 0);
  return best;
}

const ARCHES = ['x86_64', 'aarch64'] as const;

const dataCenter = fc
  .record({
    blades: fc.array(
      fc.record({
        memoryGiB: fc.integer({ min: 2, max: 12 }).map((x) => x * 4),
        storageTB: fc.integer({ min: 1, max: 4 }),
        arch: fc.constantFrom(...ARCHES),
        state: fc.constantFrom<BladeState>('active', 'active', 'standby', 'standby', 'maintenance', 'failed'),
      }),
      { minLength: 1, maxLength: 10 },
    ),
    workloads: fc.array(
      fc.record({
        memoryGiB: fc.integer({ min: 1, max: 6 }).map((x) => x * 8),
        storageTB: fc.integer({ min: 0, max: 4 }),
        // Not always its blade's architecture: the current placement may be infeasible.
        arch: fc.constantFrom(...ARCHES, null),
        state: fc.constantFrom<WorkloadState>('running', 'running', 'running', 'pending', 'transferring', 'finished'),
        on: fc.nat(),
        // A floor of its own, below, at or above its requirement, on a key it requires or not.
        minimum: fc.option(
          fc.record({
            key: fc.constantFrom('memoryGiB', 'storageTB', 'gpuCount'),
            value: fc.integer({ min: 1, max: 48 }),
          }),
          { nil: undefined },
        ),
      }),
      { maxLength: 8 },
    ),
    minImprovement: fc.constantFrom(0, 0.05, 0.2, 0.34, 0.5, 1),
    weights: fc.record({ memoryGiB: fc.constantFrom(0.5, 1, 3), storageTB: fc.constantFrom(1, 2) }),
    hardKeys: fc.constantFrom<string[] | undefined>(
      undefined,
      [],
      ['memoryGiB'],
      ['memoryGiB', 'cpuArch'],
      ['storageTB'],
    ),
  })
  .map(({ blades, workloads, minImprovement, weights, hardKeys }) => {
    const bs: Blade[] = blades.map((b, i) => ({
      id: `B${i}`,
      resources: { memoryGiB: b.memoryGiB, storageTB: b.storageTB, cpuArch: b.arch },
      state: b.state,
    }));
    // Each workload on a blade of its own (any state), as the store keeps them.
    const free = [...bs];
    const ws: Workload[] = [];
    workloads.forEach((w, i) => {
      if (free.length === 0) return;
      const host = free.splice(w.on % free.length, 1)[0]!;
      const requirements: Resources = {
        memoryGiB: w.memoryGiB,
        storageTB: w.storageTB,
        ...(w.arch ? { cpuArch: w.arch } : {}),
      };
      const minimum = w.minimum === undefined ? {} : { minimum: { [w.minimum.key]: w.minimum.value } };
      ws.push({
        id: `W${i}`,
        requirements,
        source: 'declared',
        priority: 0,
        blade: host.id,
        state: w.state,
        ...minimum,
      });
    });
    const policy: Policy = {
      weights,
      minImprovement,
      maxConcurrentTransfers: 4,
      cooldownSeconds: 0,
      replanSeconds: 300,
      transferSeconds: 30,
      requireApproval: false,
      ...(hardKeys === undefined ? {} : { hardKeys }),
    };
    return { blades: bs, workloads: ws, policy };
  })
  .filter(({ blades }) => blades.filter((b) => b.state === 'standby').length <= 6);

describe('planCascade against an independent oracle', () => {
  it('lists as candidates exactly the running workloads on active blades that do not fit exactly', () => {
    fc.assert(
      fc.property(dataCenter, ({ blades, workloads, policy }) => {
        const plan = planCascade({ blades, workloads, policy, slots: Infinity });
        expect(plan.candidates.map((c) => c.workload).sort()).toEqual(oracleCandidates(blades, workloads, policy));
      }),
      { numRuns: 300 },
    );
  });

  it('reaches the brute-force optimum, moving only candidates, by worthwhile moves, to distinct standby blades', () => {
    fc.assert(
      fc.property(dataCenter, ({ blades, workloads, policy }) => {
        const plan = planCascade({ blades, workloads, policy, slots: Infinity });
        const candidates = new Set(oracleCandidates(blades, workloads, policy));
        const targets = plan.moves.map((m) => m.to);
        expect(new Set(targets).size).toBe(targets.length);
        const after = new Map<string, number>();
        for (const m of plan.moves) {
          expect(candidates.has(m.workload)).toBe(true);
          const w = workloads.find((x) => x.id === m.workload)!;
          const from = blades.find((b) => b.id === m.from)!;
          const to = blades.find((b) => b.id === m.to)!;
          expect(m.from).toBe(w.blade);
          expect(to.state).toBe('standby');
          const here = oracleFit(from.resources, w.requirements, policy.weights, w, policy.hardKeys);
          const there = oracleFit(to.resources, w.requirements, policy.weights, w, policy.hardKeys);
          expect(oracleWorthwhile(here, there, policy.minImprovement)).toBe(true);
          expect(m.saving).toBeCloseTo(here.cost - there.cost, 6);
          after.set(w.id, there.cost);
        }
        let total = 0;
        let stays = 0;
        for (const id of candidates) {
          const w = workloads.find((x) => x.id === id)!;
          if (after.has(id)) {
            total += after.get(id)!;
            continue;
          }
          const here = oracleFit(
            blades.find((b) => b.id === w.blade)!.resources,
            w.requirements,
            policy.weights,
            w,
            policy.hardKeys,
          );
          total += here.cost;
          if (!here.feasible) stays++;
        }
        const [bestStays, bestCost] = oracleOptimum(blades, workloads, policy);
        expect(stays).toBe(bestStays);
        expect(total).toBeCloseTo(bestCost, 6);
      }),
      { numRuns: 300 },
    );
  });

  it('moves by the margin exactly: a saving of minImprovement moves, a smaller one stays, weights scale it', () => {
    // Surplus on B: (300 - 200) / 200 = 0.5; on C: 0.25. Saving 0.25, or 0.5 with storage weighing 2.
    const blades: Blade[] = [
      { id: 'B', resources: { storageTB: 300 }, state: 'active' },
      { id: 'C', resources: { storageTB: 250 }, state: 'standby' },
    ];
    const workloads: Workload[] = [
      { id: 'W', requirements: { storageTB: 200 }, source: 'declared', priority: 0, blade: 'B', state: 'running' },
    ];
    const moved = (minImprovement: number, weights: Record<string, number> = {}): string[] =>
      planCascade({
        blades,
        workloads,
        policy: { ...dataCenterPolicy(), minImprovement, weights },
        slots: 4,
      }).moves.map((m) => m.to);
    expect(moved(0.25)).toEqual(['C']);
    expect(moved(0.26)).toEqual([]);
    expect(moved(0.5, { storageTB: 2 })).toEqual(['C']);
    expect(moved(0.51, { storageTB: 2 })).toEqual([]);
  });

  it('never makes a workload on a blade in maintenance, failed or standby a candidate', () => {
    for (const state of ['maintenance', 'failed', 'standby'] as const) {
      const blades: Blade[] = [
        { id: 'A', resources: { memoryGiB: 64 }, state },
        { id: 'S', resources: { memoryGiB: 16 }, state: 'standby' },
      ];
      const workloads: Workload[] = [
        { id: 'W', requirements: { memoryGiB: 16 }, source: 'declared', priority: 0, blade: 'A', state: 'running' },
      ];
      const plan = planCascade({ blades, workloads, policy: dataCenterPolicy(), slots: 4 });
      expect(plan.candidates).toEqual([]);
      expect(plan.moves).toEqual([]);
    }
  });
});

function dataCenterPolicy(): Policy {
  return {
    weights: {},
    minImprovement: 0.05,
    maxConcurrentTransfers: 4,
    cooldownSeconds: 0,
    replanSeconds: 300,
    transferSeconds: 30,
    requireApproval: false,
  };
}
