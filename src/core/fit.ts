// Fit of a blade's resources to a workload's requirements (DESIGN section 3).
import type { Resources } from './model.js';

/** Why a blade falls short on one key: an unequal attribute blocks it, a short quantity only costs. */
export interface Mismatch {
  readonly key: string;
  readonly kind: 'attribute' | 'quantity';
  readonly required: number | string;
  /** null when the blade lacks the key. */
  readonly offered: number | string | null;
  /** A hard floor the blade falls below (policy.hardKeys, a workload's minimum): infeasible, not a deficit. */
  readonly floor?: number;
}

export interface Fit {
  readonly deficit: number;
  readonly surplus: number;
  /** 1e6 * deficit + surplus: the one number every decision ranks by. */
  readonly cost: number;
  /** False when an attribute differs or a hard floor is not met; such a blade is never chosen. */
  readonly feasible: boolean;
  readonly mismatches: readonly Mismatch[];
}

export const DEFICIT_WEIGHT = 1e6;
/** Deficits closer than this are equal. */
export const DEFICIT_EPSILON = 1e-9;

export const NO_FLOORS: Readonly<Record<string, number>> = Object.freeze({});

export const EXACT_FIT: Fit = Object.freeze({ deficit: 0, surplus: 0, cost: 0, feasible: true, mismatches: [] });

/** `floors`: per key, the least a blade must offer to be feasible at all (floors.ts works them out). */
export function fitOf(
  resources: Resources,
  requirements: Resources,
  weights: Readonly<Record<string, number>> = {},
  floors: Readonly<Record<string, number>> = NO_FLOORS,
): Fit {
  let deficit = 0;
  let surplus = 0;
  let feasible = true;
  const mismatches: Mismatch[] = [];
  for (const key in requirements) {
    const required = requirements[key]!;
    const offered = resources[key];
    if (typeof required === 'string') {
      if (offered !== required) {
        feasible = false;
        mismatches.push({ key, kind: 'attribute', required, offered: offered ?? null });
      }
      continue;
    }
    if (required <= 0) continue;
    const have = typeof offered === 'number' ? offered : 0;
    const weight = weights[key] ?? 1;
    const floor = floors[key];
    const below = floor !== undefined && have < floor;
    if (below) feasible = false;
    const short = { key, kind: 'quantity' as const, required, offered: typeof offered === 'number' ? offered : null };
    if (have < required) {
      deficit += (weight * (required - have)) / required;
      mismatches.push(below ? { ...short, floor } : short);
    } else {
      surplus += (weight * (have - required)) / required;
      if (below) mismatches.push({ ...short, required: floor, floor });
    }
  }
  // A floor on a key the workload does not otherwise require (a minimum alone) still rules a blade out.
  for (const key in floors) {
    if (key in requirements && typeof requirements[key] === 'number' && (requirements[key] as number) > 0) continue;
    const offered = resources[key];
    const floor = floors[key]!;
    if ((typeof offered === 'number' ? offered : 0) < floor) {
      feasible = false;
      const have = typeof offered === 'number' ? offered : null;
      mismatches.push({ key, kind: 'quantity', required: floor, offered: have, floor });
    }
  }
  return { deficit, surplus, cost: DEFICIT_WEIGHT * deficit + surplus, feasible, mismatches };
}

export function isExact(fit: Fit): boolean {
  return fit.feasible && fit.deficit === 0 && fit.surplus === 0;
}

/** A cascade from `from` to `to` is worth making only by the policy's margin (DESIGN section 3). */
export function isWorthwhile(from: Fit, to: Fit, minImprovement: number): boolean {
  if (!to.feasible) return false;
  if (to.deficit < from.deficit - DEFICIT_EPSILON) return true;
  return Math.abs(to.deficit - from.deficit) <= DEFICIT_EPSILON && to.surplus <= from.surplus - minImprovement;
}

/** Sum of a blade's numeric resources: ties go to the smaller blade, keeping large ones free. */
export function bladeSize(resources: Resources): number {
  let size = 0;
  for (const key in resources) {
    const value = resources[key];
    if (typeof value === 'number') size += value;
  }
  return size;
}

/** The blade's fit as people read it: "deficit 0, surplus 1.5". */
export function describeFit(fit: Fit): string {
  if (!fit.feasible) return blockingMismatches(fit).map(describeMismatch).join('; ');
  return `deficit ${round(fit.deficit)}, surplus ${round(fit.surplus)}`;
}

/** What makes a blade infeasible: attributes that differ and hard floors it falls below. */
export function blockingMismatches(fit: Fit): Mismatch[] {
  return fit.mismatches.filter((m) => m.kind === 'attribute' || m.floor !== undefined);
}

/** "cpuArch: requires ppc64le, offers x86_64", "memoryGiB: hard floor 512, offers 64 (short by 448)". */
export function describeMismatch(m: Mismatch): string {
  if (m.floor !== undefined) {
    const offered = typeof m.offered === 'number' ? m.offered : 0;
    return `${m.key}: hard floor ${m.floor}, offers ${m.offered ?? 'nothing'} (short by ${round(m.floor - offered)})`;
  }
  return `${m.key}: requires ${m.required}, offers ${m.offered ?? 'nothing'}`;
}

export function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
