// What a Redfish ComputerSystem is worth to the planner: one mapping from DMTF properties to resource keys, each
// with its fallbacks, the same for every BMC (docs/drivers.md has it as a table). A fallback that may mislead
// (sockets taken for cores) comes back as a warning naming the System.
import type { Resources } from '../../core/model.js';
import type { About, RedfishClient } from './redfish-client.js';
import { RedfishError } from './redfish-error.js';
import {
  driveSchema,
  memorySchema,
  processorSchema,
  simpleStorageSchema,
  storageSchema,
  type RedfishSystem,
} from './redfish-schemas.js';
import { members, parseAs } from './redfish-parse.js';

export interface MappedResources {
  readonly resources: Resources;
  readonly warnings: string[];
}

/** Linux's names for instruction sets (x86_64, aarch64, ppc64le), as libvirt and the emulator report them. */
const ARCH_BY_ISA: Readonly<Record<string, string>> = {
  'x86-64': 'x86_64',
  x86: 'i686',
  'ARM-A64': 'aarch64',
  'ARM-A32': 'armv7l',
  PowerISA: 'ppc64le',
  'IA-64': 'ia64',
  MIPS64: 'mips64',
  RV64: 'riscv64',
};
const ARCH_BY_ARCHITECTURE: Readonly<Record<string, string>> = {
  x86: 'x86_64',
  ARM: 'aarch64',
  Power: 'ppc64le',
  'IA-64': 'ia64',
  MIPS: 'mips64',
  RISCV: 'riscv64',
};

export async function mapResources(client: RedfishClient, system: RedfishSystem): Promise<MappedResources> {
  const about = { blade: system.Id };
  const path = system['@odata.id'];
  const warnings: string[] = [];
  const resources: Record<string, number | string> = {};
  const cpus = system.Processors ? await processors(client, system.Processors['@odata.id'], about) : null;

  const memory =
    system.MemorySummary?.TotalSystemMemoryGiB ??
    (system.Memory ? await memoryGiB(client, system.Memory['@odata.id'], about) : null);
  // Memory is the one size every blade has and every fit needs: without it the blade cannot be placed well.
  if (typeof memory !== 'number') {
    throw new RedfishError(
      'bad-reply',
      `blade ${system.Id}: ${path}: neither MemorySummary.TotalSystemMemoryGiB nor a Memory collection with CapacityMiB`,
      system.Id,
      path,
    );
  }
  resources['memoryGiB'] = memory;

  const summary = system.ProcessorSummary;
  const cores = summary?.CoreCount ?? (cpus && cpus.cores > 0 ? cpus.cores : null);
  if (typeof cores === 'number') resources['cpuCount'] = cores;
  else if (typeof summary?.Count === 'number') {
    resources['cpuCount'] = summary.Count;
    warnings.push(
      `blade ${system.Id}: ${path}: no CoreCount and no TotalCores; cpuCount is ProcessorSummary.Count (sockets, not cores)`,
    );
  }
  const threads = summary?.LogicalProcessorCount ?? (cpus && cpus.threads > 0 ? cpus.threads : null);
  if (typeof threads === 'number') resources['cpuThreads'] = threads;
  const model = summary?.Model?.trim() || cpus?.model;
  if (model) resources['cpuModel'] = model;
  if (cpus?.arch) resources['cpuArch'] = cpus.arch;
  if (cpus && cpus.gpus > 0) resources['gpuCount'] = cpus.gpus;

  const storage = await storageTB(client, system, about);
  if (storage !== null) resources['storageTB'] = storage;
  return { resources, warnings };
}

interface ProcessorTotals {
  cores: number;
  threads: number;
  gpus: number;
  model: string | null;
  arch: string | null;
}

/** Sums over the CPUs that are present (an empty socket is State Absent); GPUs are counted, not summed. */
async function processors(client: RedfishClient, path: string, about: About): Promise<ProcessorTotals> {
  const totals: ProcessorTotals = { cores: 0, threads: 0, gpus: 0, model: null, arch: null };
  for (const member of await members(client, path, about)) {
    const cpu = parseAs(processorSchema, await client.get(member, about), member, client.name, about);
    if (cpu.Status?.State === 'Absent') continue;
    if (cpu.ProcessorType === 'GPU') {
      totals.gpus += 1;
      continue;
    }
    if (cpu.ProcessorType && cpu.ProcessorType !== 'CPU') continue;
    totals.cores += cpu.TotalCores ?? 0;
    totals.threads += cpu.TotalThreads ?? 0;
    totals.model ??= cpu.Model?.trim() || null;
    totals.arch ??=
      ARCH_BY_ISA[cpu.InstructionSet ?? ''] ?? ARCH_BY_ARCHITECTURE[cpu.ProcessorArchitecture ?? ''] ?? null;
  }
  return totals;
}

/** The DIMMs that are present, in GiB; null when none says its size. */
async function memoryGiB(client: RedfishClient, path: string, about: About): Promise<number | null> {
  let mib = 0;
  let sized = false;
  for (const member of await members(client, path, about)) {
    const dimm = parseAs(memorySchema, await client.get(member, about), member, client.name, about);
    if (dimm.Status?.State === 'Absent' || typeof dimm.CapacityMiB !== 'number') continue;
    mib += dimm.CapacityMiB;
    sized = true;
  }
  return sized ? Math.round((mib / 1024) * 1000) / 1000 : null;
}

/**
 * Local disks in TB (1e12 bytes), rounded to a GB. Services that have both list the same disks under Storage and
 * SimpleStorage (the older view), so SimpleStorage counts only when Storage has no drives: each disk once.
 */
async function storageTB(client: RedfishClient, system: RedfishSystem, about: About): Promise<number | null> {
  let drives: number | null = null;
  if (system.Storage) {
    for (const member of await members(client, system.Storage['@odata.id'], about)) {
      const controller = parseAs(storageSchema, await client.get(member, about), member, client.name, about);
      for (const drive of controller.Drives ?? []) {
        const d = parseAs(
          driveSchema,
          await client.get(drive['@odata.id'], about),
          drive['@odata.id'],
          client.name,
          about,
        );
        drives = (drives ?? 0) + (d.CapacityBytes ?? 0);
      }
    }
  }
  if (drives === null && system.SimpleStorage) {
    for (const member of await members(client, system.SimpleStorage['@odata.id'], about)) {
      const controller = parseAs(simpleStorageSchema, await client.get(member, about), member, client.name, about);
      for (const device of controller.Devices ?? []) {
        if (device.Status?.State === 'Absent') continue;
        drives = (drives ?? 0) + (device.CapacityBytes ?? 0);
      }
    }
  }
  if (drives === null) return system.Storage || system.SimpleStorage ? 0 : null;
  return Math.round(drives / 1e9) / 1e3;
}
