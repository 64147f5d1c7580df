// Blades of one model share one shape: fits are computed once per (requirements, shape) pair.
import { fitOf, NO_FLOORS, type Fit } from './fit.js';
import type { Resources } from './model.js';

const ids = new WeakMap<Resources, number>();
const interned = new Map<string, number>();

/** A small integer per distinct resource map: equal maps get equal ids. Cached per object. */
export function shapeId(resources: Resources): number {
  let id = ids.get(resources);
  if (id === undefined) {
    const key = shapeKey(resources);
    id = interned.get(key);
    if (id === undefined) {
      id = interned.size;
      interned.set(key, id);
    }
    ids.set(resources, id);
  }
  return id;
}

/**
 * One small integer per (requirements, hard floors) pair: what a workload needs of a blade. Without floors it is
 * the requirements' own shape id, so plain workloads key fits and classes exactly as before.
 */
export function needId(requirements: Resources, floors: Resources = NO_FLOORS): number {
  if (floors === NO_FLOORS) return shapeId(requirements);
  // '&' starts no shape key (those start with a digit), so a pair never takes a map's id.
  const key = `&${shapeId(requirements)}&${shapeId(floors)}`;
  let id = interned.get(key);
  if (id === undefined) {
    id = interned.size;
    interned.set(key, id);
  }
  return id;
}

/**
 * Equal for equal maps whatever their key order, different otherwise: each key and string is length-prefixed,
 * so no value can read as another's. Built without JSON.stringify: it runs for every blade and workload of a
 * 100,000-blade file.
 */
function shapeKey(resources: Resources): string {
  const keys = Object.keys(resources);
  if (keys.length > 1) keys.sort();
  let key = '';
  for (const k of keys) {
    const v = resources[k];
    key += typeof v === 'number' ? `${k.length}:${k}=${v};` : `${k.length}:${k}'${String(v).length}:${String(v)};`;
  }
  return key;
}

/** Fits memoized for one set of weights: one planning round, or many rounds of one simulation. */
export class FitMemo {
  // Indexed by requirement shape, then resource shape: both are small integers, so plain arrays beat a Map of
  // combined keys (which are too large to be small integers) on the cascade planner's hot path.
  private readonly fits: (Fit | undefined)[][] = [];

  constructor(private readonly weights: Readonly<Record<string, number>>) {}

  /** `floors`: the workload's hard floors (floors.ts); none when absent. */
  fit(resources: Resources, requirements: Resources, floors: Readonly<Record<string, number>> = NO_FLOORS): Fit {
    const need = needId(requirements, floors);
    this.fits[need] ??= [];
    const row = this.fits[need];
    const have = shapeId(resources);
    let fit = row[have];
    if (fit === undefined) {
      fit = fitOf(resources, requirements, this.weights, floors);
      row[have] = fit;
    }
    return fit;
  }
}

export interface Shape {
  readonly resources: Resources;
  /** Indices of the blades of this shape, ascending. */
  readonly members: number[];
}

/** Groups blades (by index) of equal resources, in order of first appearance. */
export function shapesOf(items: readonly { readonly resources: Resources }[]): Shape[] {
  const byKey = new Map<number, Shape>();
  items.forEach((item, index) => {
    const key = shapeId(item.resources);
    const shape = byKey.get(key);
    if (shape) shape.members.push(index);
    else byKey.set(key, { resources: item.resources, members: [index] });
  });
  return [...byKey.values()];
}
