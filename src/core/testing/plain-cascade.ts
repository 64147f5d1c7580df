// The cascade planner as first written: every worthwhile standby blade is a column and every move explains
// itself against the whole pool. Kept as the reference that property tests hold ../cascade.ts to.
import { AssignmentProblem } from '../assignment.js';
import type { Placement } from '../decision.js';
import { bladeSize, isExact, isWorthwhile, type Fit } from '../fit.js';
import type { Blade, Policy, Workload } from '../model.js';
import { costUnits, runnersUp, sizeUnits, type Offer } from '../placement.js';
import { floorsOf } from '../floors.js';
import { FitMemo, needId, shapeId, shapesOf } from '../shape.js';

export interface CascadeInput {
  /** All blades; those in state `standby` are the targets. */
  readonly blades: readonly Blade[];
  /** Running workloads on active blades are considered; others are ignored. */
  readonly workloads: readonly Workload[];
  readonly policy: Policy;
  /** How many cascades may start now. */
  readonly slots: number;
  /** Workloads that must not move now (cooldown, a transfer in flight). */
  readonly frozen?: ReadonlySet<string>;
  /** Fits remembered across rounds by a caller that plans often (the simulator); must match policy.weights. */
  readonly memo?: FitMemo;
}

/** An active blade whose resources do not fit its workload exactly (the patent's Table 3). */
export interface Candidate {
  readonly workload: string;
  readonly blade: string;
  readonly fit: Fit;
  readonly frozen: boolean;
}

export interface CascadeMove extends Placement {
  /** before.cost - after.cost */
  readonly saving: number;
}

export interface CascadePlan {
  readonly candidates: readonly Candidate[];
  /** To start now: largest saving first, at most `slots`. */
  readonly moves: readonly CascadeMove[];
  /** Part of the optimum too, but over the transfer limit; a later round plans them again. */
  readonly deferred: readonly CascadeMove[];
}

export function plainPlanCascade(input: CascadeInput): CascadePlan {
  const { policy } = input;
  const bladeById = new Map(input.blades.map((b) => [b.id, b]));
  const standby = input.blades.filter((b) => b.state === 'standby').sort(byId);
  const sizes = standby.map((b) => sizeUnits(bladeSize(b.resources)));

  const memo = input.memo ?? new FitMemo(policy.weights);
  const candidates: Candidate[] = [];
  const movable: { workload: Workload; blade: Blade; fit: Fit; floors: Readonly<Record<string, number>> }[] = [];
  for (const workload of [...input.workloads].sort(byId)) {
    if (workload.state !== 'running' || workload.blade === null) continue;
    const blade = bladeById.get(workload.blade);
    if (blade?.state !== 'active') continue;
    const floors = floorsOf(workload, policy);
    const fit = memo.fit(blade.resources, workload.requirements, floors);
    if (isExact(fit)) continue;
    const frozen = (input.frozen?.has(workload.id) ?? false) || workload.pinned === true;
    candidates.push({ workload: workload.id, blade: blade.id, fit, frozen });
    if (!frozen) movable.push({ workload, blade, fit, floors });
  }

  // Workloads of one requirement shape on blades of one shape share their worthwhile targets,
  // so fits are computed per (group, blade shape) and a workload with none never reaches the solver.
  const shapes = shapesOf(standby);
  const targetsOf = new Map<number, { shape: number; cost: number }[]>();
  const rows: number[] = [];
  const problem = new AssignmentProblem(standby.length);
  movable.forEach(({ workload, blade, fit, floors }, index) => {
    const group = needId(workload.requirements, floors) * 2 ** 26 + shapeId(blade.resources);
    let targets = targetsOf.get(group);
    if (targets === undefined) {
      targets = [];
      shapes.forEach((shape, i) => {
        const after = memo.fit(shape.resources, workload.requirements, floors);
        if (worthwhile(fit, after, policy)) targets!.push({ shape: i, cost: costUnits(after.cost) });
      });
      targetsOf.set(group, targets);
    }
    if (targets.length === 0) return;
    rows.push(index);
    // Staying where it is infeasible counts as unplaced, as in the planner.
    problem.addRow([fit.feasible ? 0 : 1, costUnits(fit.cost), 0, sizeUnits(bladeSize(blade.resources))]);
    for (const { shape, cost } of targets)
      for (const col of shapes[shape]!.members) problem.addEdge(col, [0, cost, 1, sizes[col]!]);
  });
  const choice = new Int32Array(movable.length).fill(-1);
  if (rows.length > 0)
    problem.solve().forEach((col, row) => {
      choice[rows[row]!] = col;
    });

  const taken = new Map<string, string>();
  movable.forEach((m, row) => {
    if (choice[row]! >= 0) taken.set(standby[choice[row]!]!.id, m.workload.id);
  });
  const all: CascadeMove[] = [];
  movable.forEach((m, row) => {
    const col = choice[row]!;
    if (col < 0) return;
    // Offers are rebuilt only for the workloads that move, to explain the choice.
    const offers: Offer[] = standby.map((blade) => ({
      blade,
      fit: memo.fit(blade.resources, m.workload.requirements, m.floors),
      size: bladeSize(blade.resources),
    }));
    const chosen = offers[col]!;
    all.push({
      workload: m.workload.id,
      kind: 'cascade',
      from: m.blade.id,
      to: chosen.blade.id,
      before: m.fit,
      after: chosen.fit,
      saving: m.fit.cost - chosen.fit.cost,
      runnersUp: runnersUp(chosen, offers, taken, m.workload.id),
    });
  });
  all.sort((a, b) => b.saving - a.saving || (a.workload < b.workload ? -1 : 1));
  const slots = Math.max(0, Math.floor(input.slots));
  return { candidates, moves: all.slice(0, slots), deferred: all.slice(slots) };
}

/** A move is allowed only when it beats staying by the policy's margin; from an infeasible blade any feasible one does. */
export function worthwhile(from: Fit, to: Fit, policy: Policy): boolean {
  if (!to.feasible) return false;
  if (!from.feasible) return true;
  return isWorthwhile(from, to, policy.minImprovement);
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
