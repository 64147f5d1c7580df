// Discovery over Redfish: Systems become blades with resources (memory, cores, CPU model and architecture, local
// storage), Chassis give each its enclosure and slot. One bad system is reported and left out, not fatal to the rest.
import type { BladeLocation, Resources } from '../../core/model.js';
import type { RedfishClient } from './redfish-client.js';
import { RedfishError } from './redfish-error.js';
import { lastSegment, members, parseAs } from './redfish-parse.js';
import { mapResources } from './redfish-resources.js';
import {
  chassisSchema,
  serviceRootSchema,
  systemSchema,
  type RedfishChassis,
  type RedfishSystem,
} from './redfish-schemas.js';

export { lastSegment, members, parseAs } from './redfish-parse.js';

export interface DiscoveredBlade {
  readonly id: string;
  /** The System's @odata.id. */
  readonly path: string;
  readonly resources: Resources;
  /** The System's Name, when it says more than its id. */
  readonly name?: string;
  readonly location?: BladeLocation;
  /** Fallbacks of the resource mapping that may mislead (see redfish-resources.ts). */
  readonly warnings?: string[];
}

export interface Discovery {
  readonly blades: DiscoveredBlade[];
  /** Systems left out, and locations that could not be read, each with why. */
  readonly problems: RedfishError[];
  /** Systems not read because the caller knows their blades (id from the path's last segment). */
  readonly skipped: readonly { readonly id: string; readonly path: string }[];
}

export interface ServicePaths {
  readonly systems: string;
  readonly chassis: string;
  readonly eventService: string | null;
}

export async function servicePaths(client: RedfishClient): Promise<ServicePaths> {
  const root = parseAs(serviceRootSchema, await client.get('/redfish/v1/'), '/redfish/v1/', client.name);
  return {
    systems: root.Systems?.['@odata.id'] ?? '/redfish/v1/Systems',
    chassis: root.Chassis?.['@odata.id'] ?? '/redfish/v1/Chassis',
    eventService: root.EventService?.['@odata.id'] ?? null,
  };
}

/**
 * `known`: blade ids the caller has. Their Systems are read again (a 304 where the service gives ETags) and come
 * back only when they changed; with nothing new or changed the Chassis are not walked.
 */
export async function discover(
  client: RedfishClient,
  paths: ServicePaths,
  concurrency = 8,
  known: ReadonlySet<string> = new Set(),
): Promise<Discovery> {
  const problems: RedfishError[] = [];
  const systems: string[] = [];
  const skipped: { id: string; path: string }[] = [];
  for (const path of await members(client, paths.systems)) {
    const id = lastSegment(path);
    if (known.has(id)) skipped.push({ id, path });
    else systems.push(path);
  }
  const changed = await inBatches(skipped, concurrency, async ({ id, path }) => {
    try {
      const { body, changed } = await client.read(path, { blade: id });
      return changed ? parseAs(systemSchema, body, path, client.name, { blade: id }) : null;
    } catch (error) {
      problems.push(asRedfishError(error, path));
      return null;
    }
  });
  const reread = changed.filter((s): s is RedfishSystem => s !== null);
  if (systems.length === 0 && reread.length === 0) return { blades: [], problems, skipped };
  const locations = await locate(client, paths.chassis, concurrency, problems);
  const fresh = await inBatches(systems, concurrency, async (path) => {
    try {
      return await describe(client, path, locations);
    } catch (error) {
      problems.push(asRedfishError(error, path));
      return null;
    }
  });
  const refreshed = await inBatches(reread, concurrency, async (system) => {
    try {
      return await describeSystem(client, system, locations);
    } catch (error) {
      problems.push(asRedfishError(error, system['@odata.id']));
      return null;
    }
  });
  return { blades: [...fresh, ...refreshed].filter((b): b is DiscoveredBlade => b !== null), problems, skipped };
}

async function describe(
  client: RedfishClient,
  path: string,
  locations: Map<string, BladeLocation>,
): Promise<DiscoveredBlade> {
  const hint = { blade: lastSegment(path) };
  // Read through the cache, so the next rediscovery knows whether it changed.
  const system = parseAs(systemSchema, (await client.read(path, hint)).body, path, client.name, hint);
  return describeSystem(client, system, locations);
}

/** A System read just now as a blade: its mapped resources, its name and where it sits. */
async function describeSystem(
  client: RedfishClient,
  system: RedfishSystem,
  locations: Map<string, BladeLocation>,
): Promise<DiscoveredBlade> {
  const path = system['@odata.id'];
  // An empty bay: the service lists a System that is not installed; it is no blade until it is.
  if (system.Status?.State === 'Absent')
    throw new RedfishError(
      'bad-reply',
      `blade ${system.Id}: ${path}: Status.State is Absent (not installed)`,
      system.Id,
      path,
    );
  const { resources, warnings } = await mapResources(client, system);
  const location = locations.get(path) ?? chassisLocation(system, locations);
  const name = system.Name?.trim();
  return {
    id: system.Id,
    path,
    resources,
    ...(name && name !== system.Id ? { name } : {}),
    ...(location ? { location } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

/** System @odata.id -> enclosure and slot, from the Chassis tree (a Blade chassis contained by an Enclosure). */
async function locate(
  client: RedfishClient,
  path: string,
  concurrency: number,
  problems: RedfishError[],
): Promise<Map<string, BladeLocation>> {
  const where = new Map<string, BladeLocation>();
  let all: string[];
  try {
    all = await members(client, path);
  } catch (error) {
    problems.push(asRedfishError(error, path));
    return where;
  }
  const chassis = await inBatches(all, concurrency, async (member) => {
    try {
      return parseAs(chassisSchema, await client.get(member), member, client.name);
    } catch (error) {
      problems.push(asRedfishError(error, member));
      return null;
    }
  });
  const byPath = new Map(chassis.filter((c) => c !== null).map((c) => [c['@odata.id'], c]));
  for (const c of byPath.values()) {
    const at = placeOf(c);
    const parent = c.Links?.ContainedBy?.['@odata.id'];
    if (at === null || !parent) continue;
    const location = { chassis: byPath.get(parent)?.Id ?? lastSegment(parent), ...at };
    for (const system of c.Links?.ComputerSystems ?? []) where.set(system['@odata.id'], location);
    // Blade chassis that name no system: the system names them instead (Links.Chassis); keep them by chassis path.
    where.set(`chassis:${c['@odata.id']}`, location);
  }
  return where;
}

/**
 * The slot an enclosure prints: `PartLocation.ServiceLabel` ("Blade 1", its number the slot), else
 * `LocationOrdinalValue` as the service counts it (often 0-based), labelled with its LocationType ("Slot 0").
 */
export function placeOf(c: RedfishChassis): { slot: number; label: string } | null {
  const part = c.Location?.PartLocation;
  const label = part?.ServiceLabel?.trim();
  const fromLabel = slotFromLabel(label);
  if (label && fromLabel !== null) return { slot: fromLabel, label };
  const ordinal = part?.LocationOrdinalValue;
  if (typeof ordinal !== 'number') return null;
  return { slot: ordinal, label: label || `${part?.LocationType ?? 'Slot'} ${ordinal}` };
}

function chassisLocation(system: RedfishSystem, locations: Map<string, BladeLocation>): BladeLocation | undefined {
  for (const c of system.Links?.Chassis ?? []) {
    const found = locations.get(`chassis:${c['@odata.id']}`);
    if (found) return found;
  }
  return undefined;
}

function slotFromLabel(label: string | null | undefined): number | null {
  const match = label?.match(/(\d+)\s*$/);
  return match ? Number(match[1]) : null;
}

function asRedfishError(error: unknown, path: string): RedfishError {
  if (error instanceof RedfishError) return error;
  return new RedfishError(
    'bad-reply',
    `${path}: ${error instanceof Error ? error.message : String(error)}`,
    null,
    path,
  );
}

async function inBatches<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, items.length)) }, worker));
  return results;
}
