// The cascade planner: moves workloads from blades that fit them loosely to standby blades
// that fit better, choosing the set of moves that minimizes the total cost of all workloads.
import { assignClasses, type RowClass } from './class-assignment.js';
import type { Placement, RunnerUp } from './decision.js';
import { bladeSize, isExact, isWorthwhile, type Fit } from './fit.js';
import type { Blade, Policy, Workload } from './model.js';
import { costUnits, explainRunnersUp, RUNNERS_UP, sizeUnits } from './placement.js';
import { topOffers, type Offer } from './pool-offers.js';
import { floorsOf } from './floors.js';
import { FitMemo, needId, shapeId, shapesOf, type Shape } from './shape.js';
import { StandbyIndex } from './standby-index.js';

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

export function planCascade(input: CascadeInput): CascadePlan {
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
    // A pinned workload is a candidate people see, but never moved by a cascade.
    const frozen = (input.frozen?.has(workload.id) ?? false) || workload.pinned === true;
    candidates.push({ workload: workload.id, blade: blade.id, fit, frozen });
    if (!frozen) movable.push({ workload, blade, fit, floors });
  }

  // Workloads of one requirement shape on blades of one shape are interchangeable rows (a class): they share their
  // worthwhile targets and their cost of staying, so fits are computed per class and blade shape, and the solver
  // can work on classes and blade shapes (class-assignment.ts), not on 10,000 rows and 10,000 blades.
  const shapes = shapesOf(standby);
  const classOf = new Map<number, number>();
  const classes: RowClass[] = [];
  const rows: number[] = []; // index into movable, in workload-id order
  const rowClass: number[] = [];
  // Fits of each requirement shape to the feasible pool shapes, worked out once and shared by its classes.
  const attributeGroups = attributeGroupsOf(shapes);
  const feasibleFits = new Map<number, { shape: number; fit: Fit }[]>();
  movable.forEach(({ workload, blade, fit, floors }, index) => {
    const need = needId(workload.requirements, floors);
    const key = need * 2 ** 26 + shapeId(blade.resources);
    let c = classOf.get(key);
    if (c === undefined) {
      let fits = feasibleFits.get(need);
      if (fits === undefined) {
        fits = [];
        for (const members of attributeGroups) {
          // Attributes rule a whole group out at once; hard floors differ by shape, so each is checked.
          if (!memo.fit(shapes[members[0]!]!.resources, workload.requirements).feasible) continue;
          for (const i of members) {
            const after = memo.fit(shapes[i]!.resources, workload.requirements, floors);
            if (after.feasible) fits.push({ shape: i, fit: after });
          }
        }
        fits.sort((a, b) => a.shape - b.shape);
        feasibleFits.set(need, fits);
      }
      const targets = fits.filter((f) => worthwhile(fit, f.fit, policy));
      // A class with nowhere to go never reaches the solver.
      c = targets.length === 0 ? -1 : classes.length;
      if (c >= 0) {
        classes.push({
          // Staying on a blade that is infeasible for it (an attribute differs, a hard floor is not met) counts as
          // unplaced: any feasible move beats it, however cheap its cost of staying looks.
          fallback: [fit.feasible ? 0 : 1, costUnits(fit.cost), 0, sizeUnits(bladeSize(blade.resources))],
          edges: targets.map((t) => ({
            group: t.shape,
            cost: [0, costUnits(t.fit.cost), 1, sizes[shapes[t.shape]!.members[0]!]!] as const,
          })),
        });
      }
      classOf.set(key, c);
    }
    if (c < 0) return;
    rows.push(index);
    rowClass.push(c);
  });
  const choice = new Int32Array(movable.length).fill(-1);
  if (rows.length > 0) {
    const groups = shapes.map((shape) => shape.members);
    assignClasses({ columns: standby.length, groups, classes, rowClass }).forEach((col, row) => {
      choice[rows[row]!] = col;
    });
  }

  const taken = new Map<string, string>();
  movable.forEach((m, row) => {
    if (choice[row]! >= 0) taken.set(standby[choice[row]!]!.id, m.workload.id);
  });
  // Runners-up are read from an index of the pool (a few blades per shape, not a sort of the pool), built
  // only when something moves.
  let index: StandbyIndex | undefined;
  const explainMove = (m: (typeof movable)[number], chosen: Offer): RunnerUp[] => {
    index ??= StandbyIndex.of(standby, memo);
    const query = {
      requirements: m.workload.requirements,
      weights: policy.weights,
      floors: m.floors,
      infeasible: true,
    };
    const ranked = topOffers(index, query, RUNNERS_UP + 1);
    return explainRunnersUp(chosen, ranked, taken, m.workload.id);
  };
  const all: CascadeMove[] = [];
  movable.forEach((m, row) => {
    const col = choice[row]!;
    if (col < 0) return;
    const blade = standby[col]!;
    const chosen: Offer = {
      blade,
      fit: memo.fit(blade.resources, m.workload.requirements, m.floors),
      size: bladeSize(blade.resources),
    };
    all.push(
      lazyRunnersUp(
        {
          workload: m.workload.id,
          kind: 'cascade',
          from: m.blade.id,
          to: blade.id,
          before: m.fit,
          after: chosen.fit,
          saving: m.fit.cost - chosen.fit.cost,
        },
        () => explainMove(m, chosen),
      ),
    );
  });
  all.sort((a, b) => b.saving - a.saving || (a.workload < b.workload ? -1 : 1));
  const slots = Math.max(0, Math.floor(input.slots));
  return { candidates, moves: all.slice(0, slots), deferred: all.slice(slots) };
}

/**
 * A round may defer thousands of moves (slots run out) whose runners-up nobody reads before the next round
 * plans them again: they are worked out on first read, and then kept.
 */
function lazyRunnersUp(move: Omit<CascadeMove, 'runnersUp'>, explain: () => RunnerUp[]): CascadeMove {
  let runnersUp: RunnerUp[] | undefined;
  return Object.defineProperty({ ...move }, 'runnersUp', {
    enumerable: true,
    get: () => (runnersUp ??= explain()),
  }) as CascadeMove;
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

/**
 * Pool shapes (by index) grouped by their string attributes: a workload's attributes admit all of a group or none,
 * so one fit per group rules out the infeasible shapes.
 */
function attributeGroupsOf(shapes: readonly Shape[]): number[][] {
  const groups = new Map<string, number[]>();
  shapes.forEach((shape, i) => {
    const attributes = Object.keys(shape.resources)
      .filter((k) => typeof shape.resources[k] === 'string')
      .sort()
      .map((k) => [k, shape.resources[k]]);
    const key = JSON.stringify(attributes);
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  });
  return [...groups.values()];
}
