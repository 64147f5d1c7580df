// Discovery over Redfish: Systems become blades with resources (memory, cores, CPU model and architecture, local
// storage), Chassis give each its enclosure and slot. One bad system is reported and left out, not fatal to the rest.
import type { z } from 'zod';
import type { BladeLocation, Resources } from '../../core/model.js';
import type { RedfishClient, About, Json } from './redfish-client.js';
import { RedfishError } from './redfish-error.js';
import {
  chassisSchema,
  collectionSchema,
  driveSchema,
  processorSchema,
  serviceRootSchema,
  storageSchema,
  systemSchema,
  type RedfishSystem,
} from './redfish-schemas.js';

export interface DiscoveredBlade {
  readonly id: string;
  /** The System's @odata.id. */
  readonly path: string;
  readonly resources: Resources;
  readonly location?: BladeLocation;
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

/** Checks a reply against a schema; a mismatch names the resource and the property. */
export function parseAs<S extends z.ZodType>(schema: S, body: Json, path: string, endpoint: string, about: About = {}): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || 'body';
  const who = about.blade !== undefined ? `blade ${about.blade}` : endpoint;
  throw new RedfishError('bad-reply', `${who}: ${path}: ${field}: ${issue?.message ?? 'unexpected reply'}`, about.blade ?? null, path);
}

export async function servicePaths(client: RedfishClient): Promise<ServicePaths> {
  const root = parseAs(serviceRootSchema, await client.get('/redfish/v1/'), '/redfish/v1/', client.name);
  return {
    systems: root.Systems?.['@odata.id'] ?? '/redfish/v1/Systems',
    chassis: root.Chassis?.['@odata.id'] ?? '/redfish/v1/Chassis',
    eventService: root.EventService?.['@odata.id'] ?? null,
  };
}

/** Every member of a collection, following nextLink pages. */
export async function members(client: RedfishClient, path: string, about: About = {}): Promise<string[]> {
  const found: string[] = [];
  for (let next: string | null | undefined = path, pages = 0; next && pages < 100; pages++) {
    const page: z.infer<typeof collectionSchema> = parseAs(collectionSchema, await client.get(next, about), next, client.name, about);
    found.push(...page.Members.map((m) => m['@odata.id']));
    next = page['Members@odata.nextLink'];
  }
  return found;
}

/** `known`: blade ids the caller has; their systems are not read again, and with none new the Chassis are not walked. */
export async function discover(client: RedfishClient, paths: ServicePaths, concurrency = 8, known: ReadonlySet<string> = new Set()): Promise<Discovery> {
  const problems: RedfishError[] = [];
  const systems: string[] = [];
  const skipped: { id: string; path: string }[] = [];
  for (const path of await members(client, paths.systems)) {
    const id = lastSegment(path);
    if (known.has(id)) skipped.push({ id, path });
    else systems.push(path);
  }
  if (systems.length === 0) return { blades: [], problems, skipped };
  const locations = await locate(client, paths.chassis, concurrency, problems);
  const blades = await inBatches(systems, concurrency, async (path) => {
    try {
      return await describe(client, path, locations);
    } catch (error) {
      problems.push(asRedfishError(error, path));
      return null;
    }
  });
  return { blades: blades.filter((b): b is DiscoveredBlade => b !== null), problems, skipped };
}

async function describe(client: RedfishClient, path: string, locations: Map<string, BladeLocation>): Promise<DiscoveredBlade> {
  const hint = { blade: lastSegment(path) };
  const system = parseAs(systemSchema, await client.get(path, hint), path, client.name, hint);
  const about = { blade: system.Id };
  const resources: Record<string, number | string> = {};
  const memory = system.MemorySummary?.TotalSystemMemoryGiB;
  // Memory is the one size every blade has and every fit needs: without it the blade cannot be placed well.
  if (typeof memory !== 'number') throw new RedfishError('bad-reply', `blade ${system.Id}: ${path}: MemorySummary.TotalSystemMemoryGiB is missing`, system.Id, path);
  resources['memoryGiB'] = memory;
  const cores = system.ProcessorSummary?.CoreCount ?? system.ProcessorSummary?.Count;
  if (typeof cores === 'number') resources['cpuCount'] = cores;
  const model = system.ProcessorSummary?.Model?.trim();
  if (model) resources['cpuModel'] = model;
  const arch = system.Processors ? await architecture(client, system.Processors['@odata.id'], about) : null;
  if (arch) resources['cpuArch'] = arch;
  if (system.Storage) resources['storageTB'] = await storageTB(client, system.Storage['@odata.id'], about);
  const location = locations.get(system['@odata.id']) ?? chassisLocation(system, locations);
  return { id: system.Id, path: system['@odata.id'], resources, ...(location ? { location } : {}) };
}

/** Linux's name for the first CPU's instruction set (x86_64, aarch64, ppc64le), or null when none says. */
async function architecture(client: RedfishClient, path: string, about: About): Promise<string | null> {
  for (const member of await members(client, path, about)) {
    const cpu = parseAs(processorSchema, await client.get(member, about), member, client.name, about);
    if (cpu.ProcessorType && cpu.ProcessorType !== 'CPU') continue;
    const arch = ARCH_BY_ISA[cpu.InstructionSet ?? ''] ?? ARCH_BY_ARCHITECTURE[cpu.ProcessorArchitecture ?? ''];
    if (arch) return arch;
  }
  return null;
}

const ARCH_BY_ISA: Readonly<Record<string, string>> = { 'x86-64': 'x86_64', x86: 'i686', 'ARM-A64': 'aarch64', 'ARM-A32': 'armv7l', PowerISA: 'ppc64le', 'IA-64': 'ia64', MIPS64: 'mips64', 'RV64': 'riscv64' };
const ARCH_BY_ARCHITECTURE: Readonly<Record<string, string>> = { x86: 'x86_64', ARM: 'aarch64', Power: 'ppc64le', 'IA-64': 'ia64', MIPS: 'mips64', RISCV: 'riscv64' };

/** The local drives' capacity in TB (1e12 bytes), rounded to a GB. */
async function storageTB(client: RedfishClient, path: string, about: About): Promise<number> {
  let bytes = 0;
  for (const member of await members(client, path, about)) {
    const controller = parseAs(storageSchema, await client.get(member, about), member, client.name, about);
    for (const drive of controller.Drives ?? []) {
      const d = parseAs(driveSchema, await client.get(drive['@odata.id'], about), drive['@odata.id'], client.name, about);
      bytes += d.CapacityBytes ?? 0;
    }
  }
  return Math.round(bytes / 1e9) / 1e3;
}

/** System @odata.id -> enclosure and slot, from the Chassis tree (a Blade chassis contained by an Enclosure). */
async function locate(client: RedfishClient, path: string, concurrency: number, problems: RedfishError[]): Promise<Map<string, BladeLocation>> {
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
    const slot = c.Location?.PartLocation?.LocationOrdinalValue ?? slotFromLabel(c.Location?.PartLocation?.ServiceLabel);
    const parent = c.Links?.ContainedBy?.['@odata.id'];
    if (slot === null || slot === undefined || !parent) continue;
    const enclosure = byPath.get(parent)?.Id ?? lastSegment(parent);
    for (const system of c.Links?.ComputerSystems ?? []) where.set(system['@odata.id'], { chassis: enclosure, slot });
  }
  // Blade chassis that name no system: the system names them instead (Links.Chassis); keep them by chassis path.
  for (const c of byPath.values()) {
    const slot = c.Location?.PartLocation?.LocationOrdinalValue ?? slotFromLabel(c.Location?.PartLocation?.ServiceLabel);
    const parent = c.Links?.ContainedBy?.['@odata.id'];
    if (slot !== null && slot !== undefined && parent) where.set(`chassis:${c['@odata.id']}`, { chassis: byPath.get(parent)?.Id ?? lastSegment(parent), slot });
  }
  return where;
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

export function lastSegment(path: string): string {
  const parts = path.replace(/\/+$/, '').split('/');
  return decodeURIComponent(parts[parts.length - 1] ?? '');
}

function asRedfishError(error: unknown, path: string): RedfishError {
  if (error instanceof RedfishError) return error;
  return new RedfishError('bad-reply', `${path}: ${error instanceof Error ? error.message : String(error)}`, null, path);
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
