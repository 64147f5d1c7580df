// The standby pool indexed by attributes and blade shape, so a placement reads a few blades per shape instead of scanning the pool.
import { bladeSize, type Fit } from './fit.js';
import type { Blade, Resources } from './model.js';
import { FitMemo, shapeId } from './shape.js';

/** Blades of equal resources in the pool: one fit and one size for all of them, told apart only by id. */
export interface PoolShape {
  readonly shape: number;
  readonly resources: Resources;
  readonly size: number;
  /** Ascending id. */
  readonly blades: readonly Blade[];
}

interface MutableShape extends PoolShape {
  readonly blades: Blade[];
}

/** Shapes that agree on every string attribute: a workload's attributes rule all of them in or all out at once. */
interface AttributeGroup {
  readonly attributes: Readonly<Record<string, string>>;
  readonly shapes: Map<number, MutableShape>;
}

/**
 * Kept up to date by a caller that plans often (the live controller, the simulator): add and remove cost
 * O(log n + blades of that shape), and a decision reads O(shapes), never O(blades). A planner given a plain
 * array builds a throwaway index, so both paths run the same code.
 */
export class StandbyIndex {
  private readonly byId = new Map<string, MutableShape>();
  private readonly groups = new Map<string, AttributeGroup>();
  private readonly memos = new WeakMap<object, FitMemo>();

  /** @param memo fits to use whatever the weights asked for: a caller's memo that already matches its policy. */
  constructor(private readonly memo?: FitMemo) {}

  static of(blades: readonly Blade[], memo?: FitMemo): StandbyIndex {
    const index = new StandbyIndex(memo);
    for (const blade of blades) index.add(blade);
    return index;
  }

  get size(): number {
    return this.byId.size;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Adds a blade, or replaces the one with its id. */
  add(blade: Blade): void {
    this.remove(blade.id);
    const signature = attributeSignature(blade.resources);
    let group = this.groups.get(signature);
    if (group === undefined) {
      group = { attributes: attributesOf(blade.resources), shapes: new Map() };
      this.groups.set(signature, group);
    }
    const key = shapeId(blade.resources);
    let shape = group.shapes.get(key);
    if (shape === undefined) {
      shape = { shape: key, resources: blade.resources, size: bladeSize(blade.resources), blades: [] };
      group.shapes.set(key, shape);
    }
    shape.blades.splice(insertionPoint(shape.blades, blade.id), 0, blade);
    this.byId.set(blade.id, shape);
  }

  remove(id: string): boolean {
    const shape = this.byId.get(id);
    if (shape === undefined) return false;
    this.byId.delete(id);
    shape.blades.splice(insertionPoint(shape.blades, id), 1);
    if (shape.blades.length === 0) {
      const signature = attributeSignature(shape.resources);
      const group = this.groups.get(signature)!;
      group.shapes.delete(shape.shape);
      if (group.shapes.size === 0) this.groups.delete(signature);
    }
    return true;
  }

  /** The shape a pool blade belongs to. */
  shapeOf(id: string): PoolShape | undefined {
    return this.byId.get(id);
  }

  /** Shapes whose attributes equal every string requirement (feasible), or the others. */
  *shapes(requirements: Resources, feasible: boolean): Generator<PoolShape> {
    for (const group of this.groups.values()) {
      if (admits(group.attributes, requirements) !== feasible) continue;
      yield* group.shapes.values();
    }
  }

  /** The pool blade with the lowest id; O(shapes). */
  lowest(): Blade | undefined {
    let best: Blade | undefined;
    for (const group of this.groups.values()) {
      for (const shape of group.shapes.values()) {
        const first = shape.blades[0]!;
        if (best === undefined || first.id < best.id) best = first;
      }
    }
    return best;
  }

  /** Every pool blade in id order; O(n log n), for callers that need the plain list. */
  blades(): Blade[] {
    const all: Blade[] = [];
    for (const shape of new Set(this.byId.values())) all.push(...shape.blades);
    return all.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Fits remembered per (requirements, shape) for one set of weights, across every decision on this index. */
  fit(
    shape: PoolShape,
    requirements: Resources,
    weights: Readonly<Record<string, number>>,
    floors?: Readonly<Record<string, number>>,
  ): Fit {
    let memo = this.memo ?? this.memos.get(weights);
    if (memo === undefined) {
      memo = new FitMemo(weights);
      this.memos.set(weights, memo);
    }
    return memo.fit(shape.resources, requirements, floors);
  }
}

/** fitOf's feasibility: every string requirement equals the blade's attribute (a missing one differs). */
function admits(attributes: Readonly<Record<string, string>>, requirements: Resources): boolean {
  for (const key in requirements) {
    const required = requirements[key];
    if (typeof required === 'string' && attributes[key] !== required) return false;
  }
  return true;
}

function attributesOf(resources: Resources): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const key in resources) {
    const value = resources[key];
    if (typeof value === 'string') attributes[key] = value;
  }
  return attributes;
}

function attributeSignature(resources: Resources): string {
  return JSON.stringify(Object.entries(attributesOf(resources)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function insertionPoint(blades: readonly Blade[], id: string): number {
  let low = 0;
  let high = blades.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (blades[middle]!.id < id) low = middle + 1;
    else high = middle;
  }
  return low;
}
