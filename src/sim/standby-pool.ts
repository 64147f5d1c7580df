// The simulated standby pool, indexed by blade shape so a planner call sees a few blades per shape instead of the whole pool.
import type { Resources } from '../core/model.js';
import { shapeId, type FitMemo } from '../core/shape.js';
import { StandbyIndex } from '../core/standby-index.js';
import { compareIds } from './ids.js';
import type { SimBlade } from './sim-state.js';

/**
 * Blades of one shape (equal resources) are interchangeable to every planner except for the final
 * tie-break on blade ids, which prefers lower ids. So a call that can use at most k blades of a shape
 * loses no optimal answer when it is given only that shape's k lowest ids.
 */
export class StandbyPool {
  private readonly blades = new Map<string, SimBlade>();
  /** Shape -> ids of its standby blades, ascending. */
  private readonly byShape = new Map<number, string[]>();
  private readonly resourcesOf = new Map<number, Resources>();
  /** The same blades as the placement planner reads them, kept in step so a failover never scans the pool. */
  readonly index: StandbyIndex;

  constructor(memo: FitMemo) {
    this.index = new StandbyIndex(memo);
  }

  get size(): number {
    return this.blades.size;
  }

  has(id: string): boolean {
    return this.blades.has(id);
  }

  get(id: string): SimBlade | undefined {
    return this.blades.get(id);
  }

  hasShape(shape: number): boolean {
    return this.byShape.has(shape);
  }

  /** Shapes with at least one standby blade. */
  shapes(): IterableIterator<number> {
    return this.byShape.keys();
  }

  /** How many standby blades of this shape. */
  count(shape: number): number {
    return this.byShape.get(shape)?.length ?? 0;
  }

  /** Returns true when the pool held no blade of this shape before. */
  add(blade: SimBlade): boolean {
    if (this.blades.has(blade.id)) return false;
    this.blades.set(blade.id, blade);
    this.index.add(blade);
    const shape = shapeId(blade.resources);
    const ids = this.byShape.get(shape);
    if (ids === undefined) {
      this.byShape.set(shape, [blade.id]);
      if (!this.resourcesOf.has(shape)) this.resourcesOf.set(shape, blade.resources);
      return true;
    }
    ids.splice(insertionPoint(ids, blade.id), 0, blade.id);
    return false;
  }

  /** Returns true when it was the pool's last blade of its shape. */
  remove(blade: SimBlade): boolean {
    if (!this.blades.delete(blade.id)) return false;
    this.index.remove(blade.id);
    const shape = shapeId(blade.resources);
    const ids = this.byShape.get(shape)!;
    ids.splice(insertionPoint(ids, blade.id), 1);
    if (ids.length > 0) return false;
    this.byShape.delete(shape);
    return true;
  }

  /** The resources every blade of a shape has. */
  resources(shape: number): Resources {
    const resources = this.resourcesOf.get(shape);
    if (resources === undefined) throw new Error(`simulator: shape ${shape} never entered the pool`);
    return resources;
  }

  /** Up to `limit(shape)` blades of each shape, lowest ids first; the whole result in id order. */
  pick(limit: (shape: number) => number): SimBlade[] {
    const picked: SimBlade[] = [];
    for (const [shape, ids] of this.byShape) {
      const count = Math.min(ids.length, limit(shape));
      for (let i = 0; i < count; i++) picked.push(this.blades.get(ids[i]!)!);
    }
    return picked.sort((a, b) => compareIds(a.id, b.id));
  }

  /** Every standby blade, for checks; O(pool). */
  all(): SimBlade[] {
    return [...this.blades.values()];
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
