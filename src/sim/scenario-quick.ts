// Plain checks that say "certainly valid" for the blades, workloads and events of scenario-schema.ts, so a
// 100,000-blade file does not pay zod's price per entry (a second of the load). Whatever they do not accept is
// checked by the schema itself, which then names the problem; scenario-quick.test.ts holds them to the schema.
import { isQuantityKey, isValidId } from '../wire/ids.js';
import {
  bladeStates,
  EVENT_KINDS,
  requirementSources,
  type BladeInput,
  type WorkloadInput,
} from './scenario-schema.js';

type Entry = Record<string, unknown>;

const BLADE_KEYS = new Set(['id', 'resources', 'state', 'location']);
const WORKLOAD_KEYS = new Set(['id', 'requirements', 'blade', 'priority', 'source']);
// minimum and pinned are rare: an entry with them takes the schema's path.
const STATES: ReadonlySet<unknown> = new Set(bladeStates);
const SOURCES: ReadonlySet<unknown> = new Set(requirementSources);

function isEntry(value: unknown): value is Entry {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}

const isId = isValidId;

function onlyKeys(entry: Entry, allowed: ReadonlySet<string>): boolean {
  for (const key in entry) if (!allowed.has(key)) return false;
  return true;
}

function isQuantity(value: number): boolean {
  return Number.isFinite(value) && (value === 0 || (value >= 1e-3 && value <= 1e15));
}

function isResources(value: unknown): boolean {
  if (!isEntry(value)) return false;
  for (const key in value) {
    if (key === '') return false;
    const v = value[key];
    if (typeof v === 'number' ? !isQuantity(v) : typeof v !== 'string' || v.length === 0 || isQuantityKey(key))
      return false;
  }
  return true;
}

export function quickBlade(value: unknown): value is BladeInput {
  if (!isEntry(value) || !onlyKeys(value, BLADE_KEYS) || !isId(value.id) || !isResources(value.resources)) return false;
  if ('state' in value && !STATES.has(value.state)) return false;
  if (!('location' in value)) return true;
  const location = value.location;
  if (
    !isEntry(location) ||
    !isId(location.chassis) ||
    !Number.isInteger(location.slot) ||
    (location.slot as number) < 1
  )
    return false;
  for (const key in location) if (key !== 'chassis' && key !== 'slot') return false;
  return true;
}

export function quickWorkload(value: unknown): value is WorkloadInput {
  if (!isEntry(value) || !onlyKeys(value, WORKLOAD_KEYS) || !isId(value.id) || !isResources(value.requirements))
    return false;
  if ('blade' in value && value.blade !== null && !isId(value.blade)) return false;
  if ('priority' in value && !Number.isFinite(value.priority)) return false;
  return !('source' in value) || SOURCES.has(value.source);
}

/** The simple events (at and one blade or workload id), which are nearly all of a generated year. */
export function quickIdEvent(value: unknown): boolean {
  if (!isEntry(value)) return false;
  let kinds = 0;
  for (const key in value) {
    if (key === 'at') continue;
    if (key === 'add' || key === 'submit' || !(EVENT_KINDS as readonly string[]).includes(key) || !isId(value[key]))
      return false;
    kinds++;
  }
  const at = value.at;
  return kinds === 1 && typeof at === 'number' && Number.isFinite(at) && at >= 0;
}
