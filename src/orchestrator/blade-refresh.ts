// What a rediscovery changes about blades the store already has: new resources (an audit event, and the planner
// looks again: a standby blade that shrank may fit worse, an active one may become a candidate), or only a new name
// or slot label (kept quietly). Pure: the controller commits what this returns.
import type { BladeInventory } from '../ports/hardware.js';
import type { BladeRecord } from '../ports/store.js';

export interface BladeRefresh {
  /** Records to write: every known blade whose resources, name or location changed. */
  readonly records: BladeRecord[];
  /** Blades whose resources changed, with before and after, for the audit log. */
  readonly resized: {
    readonly blade: string;
    readonly before: BladeRecord['resources'];
    readonly after: BladeRecord['resources'];
  }[];
}

export function refreshBlades(stored: readonly BladeRecord[], listed: readonly BladeInventory[]): BladeRefresh {
  const known = new Map(stored.map((b) => [b.id, b]));
  const records: BladeRecord[] = [];
  const resized: BladeRefresh['resized'][number][] = [];
  for (const seen of listed) {
    const was = known.get(seen.id);
    if (!was) continue;
    const { location: _location, name: _name, ...rest } = was;
    const next: BladeRecord = {
      ...rest,
      resources: seen.resources,
      ...((seen.location ?? was.location) ? { location: seen.location ?? was.location! } : {}),
      ...((seen.name ?? was.name) ? { name: seen.name ?? was.name! } : {}),
    };
    if (same(next, was)) continue;
    records.push(next);
    if (!same(seen.resources, was.resources))
      resized.push({ blade: seen.id, before: was.resources, after: seen.resources });
  }
  return { records, resized };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
}

function sorted(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
      .map(([k, v]) => [k, sorted(v)]),
  );
}
