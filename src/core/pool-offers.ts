// The best few blades of an indexed standby pool for one workload, in the order every decision ranks them.
import type { Fit } from './fit.js';
import type { Blade, Resources } from './model.js';
import type { PoolShape, StandbyIndex } from './standby-index.js';

/** One blade offered to one workload; `size` is the blade's size (sum of its numbers). */
export interface Offer {
  readonly blade: Blade;
  readonly fit: Fit;
  readonly size: number;
}

/** Order of blades for every tie: lower cost, then smaller blade, then lower id. */
export function compareOffers(a: Offer, b: Offer): number {
  return a.fit.cost - b.fit.cost || a.size - b.size || (a.blade.id < b.blade.id ? -1 : a.blade.id > b.blade.id ? 1 : 0);
}

/** Feasible blades first, each part by compareOffers: the order runners-up are reported in. */
export function rankFeasibleFirst(a: Offer, b: Offer): number {
  return Number(b.fit.feasible) - Number(a.fit.feasible) || compareOffers(a, b);
}

export interface OfferQuery {
  readonly requirements: Resources;
  readonly weights: Readonly<Record<string, number>>;
  /** The workload's hard floors (floors.ts); none when absent. */
  readonly floors?: Readonly<Record<string, number>>;
  /** Blades to leave out (taken by a higher priority); none when absent. */
  readonly skip?: (blade: Blade) => boolean;
  /** After the feasible blades, rank the infeasible ones too (runners-up do; the solver does not). */
  readonly infeasible?: boolean;
}

/**
 * The first `count` offers in rankFeasibleFirst order, reading shapes instead of blades: blades of one shape
 * differ only by id, so a shape contributes at most `count` blades, and shapes are read in (cost, size) order
 * only until `count` blades are in hand and the next shape ranks strictly after the last one taken.
 */
export function topOffers(index: StandbyIndex, query: OfferQuery, count: number): Offer[] {
  const offers = topOf(index, query, count, true);
  if (query.infeasible === true && offers.length < count)
    offers.push(...topOf(index, query, count - offers.length, false));
  return offers;
}

function topOf(index: StandbyIndex, query: OfferQuery, count: number, feasible: boolean): Offer[] {
  if (count <= 0) return [];
  const ranked: { shape: PoolShape; fit: Fit }[] = [];
  const add = (shape: PoolShape): void => {
    const fit = index.fit(shape, query.requirements, query.weights, query.floors);
    if (fit.feasible === feasible) ranked.push({ shape, fit });
  };
  // Attributes sort shapes into groups; a hard floor can still rule out a shape whose attributes match.
  for (const shape of index.shapes(query.requirements, true)) add(shape);
  if (!feasible) for (const shape of index.shapes(query.requirements, false)) add(shape);
  ranked.sort((a, b) => a.fit.cost - b.fit.cost || a.shape.size - b.shape.size);
  const offers: Offer[] = [];
  let last: { shape: PoolShape; fit: Fit } | undefined;
  for (const entry of ranked) {
    if (
      offers.length >= count &&
      last !== undefined &&
      (entry.fit.cost !== last.fit.cost || entry.shape.size !== last.shape.size)
    )
      break;
    let taken = 0;
    for (const blade of entry.shape.blades) {
      if (taken >= count) break;
      if (query.skip?.(blade) === true) continue;
      offers.push({ blade, fit: entry.fit, size: entry.shape.size });
      taken++;
    }
    if (taken > 0) last = entry;
  }
  return offers.sort(compareOffers).slice(0, count);
}
