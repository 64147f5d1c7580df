// Failure domains: the sets of blades that fail together (one blade, a chassis, a power feed, a rack, ...).
import type { Blade } from './model.js';

/** `blade`, `chassis`, or any location label such as `powerFeed`, `rack` or `fabric`. */
export type DomainKind = string;

export interface FailureDomain {
  readonly kind: DomainKind;
  readonly id: string;
  /** Blade ids, ascending. */
  readonly blades: readonly string[];
}

/**
 * Labels the site assigns outside the blades' own location: label -> (blade id or chassis id) -> value, so a
 * site file can say `powerFeed: { c01: A, c02: B }` once per chassis instead of once per blade.
 */
export type DomainLabels = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** Only blades that can still fail take part: failed and maintenance blades are already out. */
export function inPlay(blade: Blade): boolean {
  return blade.state === 'active' || blade.state === 'standby';
}

/** The domain of `kind` a blade belongs to, or undefined (a blade without that label is in no such domain). */
export function domainOf(blade: Blade, kind: DomainKind, labels: DomainLabels = {}): string | undefined {
  if (kind === 'blade') return blade.id;
  const chassis = blade.location?.chassis;
  if (kind === 'chassis') return chassis;
  const own = blade.location?.labels?.[kind];
  if (own !== undefined) return own;
  const site = labels[kind];
  if (site === undefined) return undefined;
  return site[blade.id] ?? (chassis === undefined ? undefined : site[chassis]);
}

/** Every domain of one kind over the blades in play, in id order. */
export function failureDomains(blades: readonly Blade[], kind: DomainKind, labels: DomainLabels = {}): FailureDomain[] {
  const members = new Map<string, string[]>();
  for (const blade of blades) {
    if (!inPlay(blade)) continue;
    const id = domainOf(blade, kind, labels);
    if (id === undefined) continue;
    let list = members.get(id);
    if (list === undefined) {
      list = [];
      members.set(id, list);
    }
    list.push(blade.id);
  }
  return [...members.entries()]
    .map(([id, ids]) => ({ kind, id, blades: ids.sort(byId) }))
    .sort((a, b) => byId(a.id, b.id));
}

/** The domain kinds a data center has: blade, chassis when any blade has one, and every label in use. */
export function domainKinds(blades: readonly Blade[], labels: DomainLabels = {}): DomainKind[] {
  const kinds = new Set<DomainKind>(['blade']);
  for (const blade of blades) {
    if (blade.location !== undefined) kinds.add('chassis');
    for (const label of Object.keys(blade.location?.labels ?? {})) kinds.add(label);
  }
  for (const label of Object.keys(labels)) kinds.add(label);
  return [...kinds];
}

export function byId(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
