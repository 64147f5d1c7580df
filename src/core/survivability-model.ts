// What a failure can take away, reduced to counts: which standby blades each running workload could fail over to.
import { fitOf, NO_FLOORS } from './fit.js';
import { floorsOf } from './floors.js';
import type { Blade, Policy, Resources, Workload } from './model.js';
import { needId, shapeId } from './shape.js';
import { byId, inPlay } from './survivability-domains.js';

/**
 * A workload's feasible standby blades depend only on its string requirements (fitOf: a string key must be
 * equal; numbers only cost), and the pool's blades fall into groups of equal attributes: so each workload can
 * use a union of whole groups. `classKey` names that union. Hard floors (floors.ts) depend on numbers too: when
 * any workload has one, the pool is grouped by whole shape instead, still a partition of which unions are taken.
 */
export interface FeasibleClass {
  readonly key: string;
  /** Pool attribute groups (indices into Situation.groups) this class may use. */
  readonly groups: readonly number[];
  /** The class's string requirements as people read them: "cpuArch aarch64", or "any" with none. */
  readonly label: string;
}

export interface Situation {
  /** Standby blades in play, in id order. */
  readonly pool: readonly Blade[];
  /** Pool blades of equal string attributes; each entry holds their ids. */
  readonly groups: readonly (readonly string[])[];
  readonly groupOf: ReadonlyMap<string, number>;
  /** Running workloads with a blade in play, by blade id. */
  readonly hosted: ReadonlyMap<string, readonly Workload[]>;
  readonly classes: readonly FeasibleClass[];
  /** Workload id -> index into classes; -1 when no standby blade could ever take it (unprotected). */
  readonly classOf: ReadonlyMap<string, number>;
  /**
   * True when the classes' groups are pairwise disjoint (or equal: one class). Then no two classes compete for
   * a blade, and whether everyone is re-placed is a matter of counts per class.
   */
  readonly disjoint: boolean;
}

/** A workload counts when it runs (or is moving) on a blade that is in play. */
export function isProtectable(workload: Workload, bladeById: ReadonlyMap<string, Blade>): boolean {
  if (workload.state !== 'running' && workload.state !== 'transferring') return false;
  const blade = workload.blade === null ? undefined : bladeById.get(workload.blade);
  return blade !== undefined && blade.state === 'active';
}

export function situationOf(
  blades: readonly Blade[],
  workloads: readonly Workload[],
  policy: Pick<Policy, 'hardKeys'> = {},
): Situation {
  const bladeById = new Map(blades.map((b) => [b.id, b]));
  const pool = blades.filter((b) => inPlay(b) && b.state === 'standby').sort((a, b) => byId(a.id, b.id));
  const floored = workloads.some((w) => floorsOf(w, policy) !== NO_FLOORS);
  const groupIndex = new Map<string, number>();
  const groups: string[][] = [];
  const groupAttributes: Record<string, string>[] = [];
  const groupResources: Resources[] = [];
  const groupOf = new Map<string, number>();
  for (const blade of pool) {
    const attributes = stringsOf(blade.resources);
    const signature = floored ? String(shapeId(blade.resources)) : signatureOf(attributes);
    let index = groupIndex.get(signature);
    if (index === undefined) {
      index = groups.length;
      groupIndex.set(signature, index);
      groups.push([]);
      groupAttributes.push(attributes);
      groupResources.push(blade.resources);
    }
    groups[index]!.push(blade.id);
    groupOf.set(blade.id, index);
  }

  const hosted = new Map<string, Workload[]>();
  const classes: FeasibleClass[] = [];
  const classIndex = new Map<string, number>();
  const bySignature = new Map<string, number>();
  const classOf = new Map<string, number>();
  for (const workload of [...workloads].sort((a, b) => byId(a.id, b.id))) {
    if (!isProtectable(workload, bladeById)) continue;
    let list = hosted.get(workload.blade!);
    if (list === undefined) {
      list = [];
      hosted.set(workload.blade!, list);
    }
    list.push(workload);
    const wants = stringsOf(workload.requirements);
    const floors = floorsOf(workload, policy);
    const signature = floored ? String(needId(workload.requirements, floors)) : signatureOf(wants);
    let index = bySignature.get(signature);
    if (index === undefined) {
      const fits = (g: number): boolean =>
        floored
          ? fitOf(groupResources[g]!, workload.requirements, {}, floors).feasible
          : admits(groupAttributes[g]!, wants);
      const usable = groups.flatMap((_, g) => (fits(g) ? [g] : []));
      const key = usable.join(',');
      index = usable.length === 0 ? -1 : classIndex.get(key);
      if (index === undefined) {
        index = classes.length;
        classIndex.set(key, index);
        classes.push({ key, groups: usable, label: labelOf(wants, floors) });
      }
      bySignature.set(signature, index);
    }
    classOf.set(workload.id, index);
  }
  return { pool, groups, groupOf, hosted, classes, classOf, disjoint: pairwiseDisjoint(classes) };
}

/** How many pool blades each class may use, before any failure. */
export function supplyOf(situation: Situation): number[] {
  return situation.classes.map((c) => c.groups.reduce((sum, g) => sum + situation.groups[g]!.length, 0));
}

function pairwiseDisjoint(classes: readonly FeasibleClass[]): boolean {
  const owner = new Map<number, number>();
  for (const [index, c] of classes.entries()) {
    for (const g of c.groups) {
      if (owner.has(g)) return false;
      owner.set(g, index);
    }
  }
  return true;
}

function stringsOf(resources: Resources): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key in resources) {
    const value = resources[key];
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

function admits(attributes: Readonly<Record<string, string>>, wants: Readonly<Record<string, string>>): boolean {
  for (const key in wants) if (attributes[key] !== wants[key]) return false;
  return true;
}

/** Hot at 10,000 blades: a plain join instead of JSON, and no sort for the usual one or two attributes. */
function signatureOf(attributes: Readonly<Record<string, string>>): string {
  const keys = Object.keys(attributes);
  if (keys.length > 1) keys.sort(byId);
  let signature = '';
  for (const key of keys) signature += `${key}\u0000${attributes[key]!}\u0001`;
  return signature;
}

function labelOf(wants: Readonly<Record<string, string>>, floors: Readonly<Record<string, number>>): string {
  const entries = Object.entries(wants)
    .sort(([a], [b]) => byId(a, b))
    .map(([k, v]) => `${k} ${v}`);
  const mins = Object.entries(floors)
    .sort(([a], [b]) => byId(a, b))
    .map(([k, v]) => `${k} >= ${v}`);
  const all = [...entries, ...mins];
  return all.length === 0 ? 'any' : all.join(', ');
}
