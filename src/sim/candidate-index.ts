// The cascade candidates, grouped by shape so that a cascade round hands the planner only those that have a worthwhile target in the pool.
import { worthwhile } from '../core/cascade.js';
import type { Fit } from '../core/fit.js';
import type { Policy, Resources } from '../core/model.js';
import { needId, shapeId, type FitMemo } from '../core/shape.js';

/** Candidates of one requirements shape on blades of one shape: they have the same fit and the same worthwhile targets. */
interface Group {
  readonly requirements: Resources;
  readonly floors: Readonly<Record<string, number>>;
  readonly fit: Fit;
  /** Ascending id: identical rows to the planner, of which the lowest ids move first. */
  readonly members: string[];
  /** Blade shapes ever seen in the pool that would be a worthwhile move. */
  readonly targets: number[];
  /** How many of `targets` have a blade in the pool now. */
  present: number;
}

/**
 * planCascade gives a candidate with no worthwhile standby blade no row in its assignment problem, so leaving
 * such candidates out of the call changes nothing but its cost. A candidate that has one must stay in, even
 * when the optimum keeps giving that blade to others: a blade entering anywhere may reshuffle those others
 * and free it. So `improvable()` is exactly the candidates with a worthwhile shape in the pool, kept by
 * counting, per group, the worthwhile shapes present: O(groups of a shape) when a shape appears or vanishes.
 */
export class CandidateIndex {
  private readonly groups = new Map<number, Group>();
  private readonly groupOf = new Map<string, Group>();
  /** Every blade shape that was ever in the pool, and the groups each is a worthwhile target for. */
  private readonly knownShapes = new Map<number, Resources>();
  private readonly groupsFor = new Map<number, Group[]>();
  private readonly presentShapes = new Set<number>();
  /** Groups with a worthwhile shape in the pool, so a round does not walk every group. */
  private readonly hopeful = new Set<Group>();

  constructor(
    private readonly policy: Policy,
    private readonly memo: FitMemo,
  ) {}

  get size(): number {
    return this.groupOf.size;
  }

  ids(): IterableIterator<string> {
    return this.groupOf.keys();
  }

  has(workload: string): boolean {
    return this.groupOf.has(workload);
  }

  /**
   * Candidates with at least one worthwhile blade shape in the pool, but of each group only as many of its lowest
   * ids (not `frozen`) as there are pool blades (`available` per shape) its members could move to: members of a
   * group are identical rows to the planner, and of identical rows the lower id takes a blade first (the final
   * tie-break), so the others cannot move this round. A popular blade type no longer hands the planner every
   * workload that wants one.
   */
  *improvable(available: (shape: number) => number, frozen: (workload: string) => boolean): Generator<string> {
    for (const group of this.hopeful) {
      let room = 0;
      for (const shape of group.targets) {
        room += available(shape);
        if (room >= group.members.length) break;
      }
      for (const id of group.members) {
        if (room === 0) break;
        if (frozen(id)) continue;
        room--;
        yield id;
      }
    }
  }

  /** Whether the candidate has a worthwhile blade shape in the pool. */
  isImprovable(workload: string): boolean {
    const group = this.groupOf.get(workload);
    return group !== undefined && this.hopeful.has(group);
  }

  /** The blade shapes that would be a worthwhile move for this candidate. */
  targetsOf(workload: string): readonly number[] {
    return this.groupOf.get(workload)?.targets ?? [];
  }

  add(
    workload: string,
    requirements: Resources,
    floors: Readonly<Record<string, number>>,
    bladeResources: Resources,
    fit: Fit,
  ): void {
    const key = needId(requirements, floors) * 2 ** 26 + shapeId(bladeResources);
    let group = this.groups.get(key);
    if (group === undefined) {
      group = { requirements, floors, fit, members: [], targets: [], present: 0 };
      for (const [shape, resources] of this.knownShapes) this.link(group, shape, resources);
      this.groups.set(key, group);
    }
    const at = insertionPoint(group.members, workload);
    if (group.members[at] !== workload) group.members.splice(at, 0, workload);
    this.groupOf.set(workload, group);
  }

  remove(workload: string): void {
    const group = this.groupOf.get(workload);
    if (group === undefined) return;
    const at = insertionPoint(group.members, workload);
    if (group.members[at] === workload) group.members.splice(at, 1);
    this.groupOf.delete(workload);
  }

  /** The pool now has a blade of this shape, and had none before. */
  shapeAppeared(shape: number, resources: Resources): void {
    this.presentShapes.add(shape);
    if (!this.knownShapes.has(shape)) {
      this.knownShapes.set(shape, resources);
      for (const group of this.groups.values()) this.link(group, shape, resources);
      return;
    }
    for (const group of this.groupsFor.get(shape) ?? []) this.count(group, +1);
  }

  /** The pool's last blade of this shape left it. */
  shapeVanished(shape: number): void {
    this.presentShapes.delete(shape);
    for (const group of this.groupsFor.get(shape) ?? []) this.count(group, -1);
  }

  private count(group: Group, change: number): void {
    group.present += change;
    if (group.present > 0) this.hopeful.add(group);
    else this.hopeful.delete(group);
  }

  private link(group: Group, shape: number, resources: Resources): void {
    if (!worthwhile(group.fit, this.memo.fit(resources, group.requirements, group.floors), this.policy)) return;
    group.targets.push(shape);
    if (this.presentShapes.has(shape)) this.count(group, +1);
    const groups = this.groupsFor.get(shape);
    if (groups === undefined) this.groupsFor.set(shape, [group]);
    else groups.push(group);
  }
}

/** The index of `id` in the ascending `ids`, or where it would go. */
function insertionPoint(ids: readonly string[], id: string): number {
  let low = 0;
  let high = ids.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (ids[middle]! < id) low = middle + 1;
    else high = middle;
  }
  return low;
}
