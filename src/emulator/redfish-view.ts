// The FakeWorld as DMTF Redfish resources: pure functions from a blade's record to the JSON a real service would send.
import { createHash } from 'node:crypto';
import type { FakeBladeView } from '../adapters/fake/index.js';

export const ROOT = '/redfish/v1';
export const RESET_TYPES = ['On', 'ForceOff', 'GracefulShutdown', 'ForceRestart'] as const;
export type ResetType = (typeof RESET_TYPES)[number];

export type Json = Record<string, unknown>;

export const ref = (path: string): Json => ({ '@odata.id': path });
export const systemPath = (id: string): string => `${ROOT}/Systems/${encodeURIComponent(id)}`;
export const enclosurePath = (chassis: string): string => `${ROOT}/Chassis/${encodeURIComponent(chassis)}`;
/** A blade's own chassis; the enclosure it sits in is another Chassis resource. */
export const bladeChassisId = (blade: string): string => `Blade-${blade}`;
export const bladeChassisPath = (blade: string): string =>
  `${ROOT}/Chassis/${encodeURIComponent(bladeChassisId(blade))}`;

export function serviceRoot(uuid: string): Json {
  return {
    '@odata.id': `${ROOT}/`,
    '@odata.type': '#ServiceRoot.v1_15_0.ServiceRoot',
    Id: 'RootService',
    Name: 'Cascade emulated data center',
    RedfishVersion: '1.17.0',
    UUID: uuid,
    Systems: ref(`${ROOT}/Systems`),
    Chassis: ref(`${ROOT}/Chassis`),
    SessionService: ref(`${ROOT}/SessionService`),
    EventService: ref(`${ROOT}/EventService`),
    Links: { Sessions: ref(`${ROOT}/SessionService/Sessions`) },
  };
}

export function collection(path: string, type: string, name: string, members: readonly string[]): Json {
  return {
    '@odata.id': path,
    '@odata.type': `#${type}Collection.${type}Collection`,
    Name: name,
    Members: members.map(ref),
    'Members@odata.count': members.length,
  };
}

/** Redfish shows a requested power change in flight as PoweringOn/PoweringOff, as BMCs do. */
export function powerStateOf(blade: FakeBladeView): string {
  if (blade.pendingPower?.power === 'on' && blade.power === 'off') return 'PoweringOn';
  if (blade.pendingPower?.power === 'off' && blade.power === 'on') return 'PoweringOff';
  return blade.power === 'on' ? 'On' : 'Off';
}

const HEALTH = { ok: 'OK', warning: 'Warning', critical: 'Critical' } as const;

function status(blade: FakeBladeView): Json {
  const health = HEALTH[blade.health];
  return { State: blade.power === 'on' ? 'Enabled' : 'StandbyOffline', Health: health, HealthRollup: health };
}

const number = (blade: FakeBladeView, key: string): number | undefined => {
  const value = blade.resources[key];
  return typeof value === 'number' ? value : undefined;
};
const text = (blade: FakeBladeView, key: string): string | undefined => {
  const value = blade.resources[key];
  return typeof value === 'string' ? value : undefined;
};

/** Redfish's ProcessorArchitecture and InstructionSet for a Linux cpuArch. */
const ARCH: Readonly<Record<string, { architecture: string; instructionSet: string; model: string }>> = {
  x86_64: { architecture: 'x86', instructionSet: 'x86-64', model: 'Intel(R) Xeon(R) Gold 6338' },
  aarch64: { architecture: 'ARM', instructionSet: 'ARM-A64', model: 'Ampere(R) Altra(R) Q80-30' },
  ppc64le: { architecture: 'Power', instructionSet: 'PowerISA', model: 'IBM POWER9' },
};

/** `cpuCount` in the resources counts cores; big blades have two sockets. A blade with an arch but no count has one. */
function sockets(blade: FakeBladeView): number {
  const cores = number(blade, 'cpuCount');
  if (cores === undefined || cores <= 0) return text(blade, 'cpuArch') === undefined ? 0 : 1;
  return cores >= 32 && cores % 2 === 0 ? 2 : 1;
}

function cpuModel(blade: FakeBladeView): string | undefined {
  return text(blade, 'cpuModel') ?? ARCH[text(blade, 'cpuArch') ?? '']?.model;
}

export function computerSystem(blade: FakeBladeView): Json {
  const path = systemPath(blade.id);
  const cores = number(blade, 'cpuCount');
  const model = cpuModel(blade);
  const processorSummary: Json = { Status: { State: 'Enabled', Health: 'OK' } };
  const threads = number(blade, 'cpuThreads');
  // Threads only where the blade has them: what discovery reads back is exactly the blade's resources.
  if (cores !== undefined)
    Object.assign(processorSummary, {
      Count: sockets(blade),
      CoreCount: cores,
      ...(threads === undefined ? {} : { LogicalProcessorCount: threads }),
    });
  if (model !== undefined) processorSummary['Model'] = model;
  return {
    '@odata.id': path,
    '@odata.type': '#ComputerSystem.v1_20_0.ComputerSystem',
    Id: blade.id,
    // An emulated blade has no other name than its id (a real BMC's is often the host name).
    Name: blade.id,
    SystemType: 'Physical',
    Manufacturer: 'Cascade',
    Model: 'Emulated blade',
    SerialNumber: `EMU-${blade.id}`,
    UUID: uuidOf(`system:${blade.id}`),
    PowerState: powerStateOf(blade),
    Status: status(blade),
    ProcessorSummary: processorSummary,
    MemorySummary: {
      TotalSystemMemoryGiB: number(blade, 'memoryGiB') ?? 0,
      Status: { State: 'Enabled', Health: 'OK' },
    },
    // Blades boot from their SAN LUN (the emulated storage driver maps it); no one-time override.
    Boot: {
      BootSourceOverrideEnabled: 'Disabled',
      BootSourceOverrideTarget: 'None',
      'BootSourceOverrideTarget@Redfish.AllowableValues': ['None', 'Pxe', 'Hdd', 'RemoteDrive'],
    },
    Processors: ref(`${path}/Processors`),
    // A blade described without local storage has no storage controller to show.
    ...(number(blade, 'storageTB') === undefined ? {} : { Storage: ref(`${path}/Storage`) }),
    Links: { Chassis: [ref(bladeChassisPath(blade.id))] },
    Actions: {
      '#ComputerSystem.Reset': {
        target: `${path}/Actions/ComputerSystem.Reset`,
        'ResetType@Redfish.AllowableValues': [...RESET_TYPES],
      },
    },
  };
}

/** The CPUs, one per socket, then one Processor of type GPU per `gpuCount`. */
export function processorIds(blade: FakeBladeView): string[] {
  const gpus = Math.max(0, Math.floor(number(blade, 'gpuCount') ?? 0));
  return [
    ...Array.from({ length: sockets(blade) }, (_, i) => `CPU${i + 1}`),
    ...Array.from({ length: gpus }, (_, i) => `GPU${i + 1}`),
  ];
}

export function processor(blade: FakeBladeView, id: string): Json {
  if (id.startsWith('GPU')) {
    const path = `${systemPath(blade.id)}/Processors/${id}`;
    return {
      '@odata.id': path,
      '@odata.type': '#Processor.v1_18_0.Processor',
      Id: id,
      Name: `Accelerator ${id}`,
      ProcessorType: 'GPU',
      Status: { State: 'Enabled', Health: 'OK' },
    };
  }
  const cores = number(blade, 'cpuCount');
  const threads = number(blade, 'cpuThreads');
  const arch = ARCH[text(blade, 'cpuArch') ?? ''];
  const perSocket = cores === undefined ? undefined : Math.floor(cores / Math.max(1, sockets(blade)));
  const model = cpuModel(blade);
  return {
    '@odata.id': `${systemPath(blade.id)}/Processors/${id}`,
    '@odata.type': '#Processor.v1_18_0.Processor',
    Id: id,
    Name: `Processor ${id}`,
    ProcessorType: 'CPU',
    ...(arch ? { ProcessorArchitecture: arch.architecture, InstructionSet: arch.instructionSet } : {}),
    ...(model ? { Model: model } : {}),
    ...(perSocket === undefined ? {} : { TotalCores: perSocket }),
    ...(threads === undefined ? {} : { TotalThreads: Math.floor(threads / Math.max(1, sockets(blade))) }),
    Status: { State: 'Enabled', Health: 'OK' },
  };
}

/** One storage controller with one drive holding the blade's `storageTB`; none when it has no storage. */
export function storageIds(blade: FakeBladeView): string[] {
  return (number(blade, 'storageTB') ?? 0) > 0 ? ['1'] : [];
}

export function storage(blade: FakeBladeView): Json {
  const path = `${systemPath(blade.id)}/Storage/1`;
  return {
    '@odata.id': path,
    '@odata.type': '#Storage.v1_15_0.Storage',
    Id: '1',
    Name: 'Local storage',
    Drives: [ref(`${path}/Drives/0`)],
    'Drives@odata.count': 1,
    Status: { State: 'Enabled', Health: 'OK' },
  };
}

export function drive(blade: FakeBladeView): Json {
  return {
    '@odata.id': `${systemPath(blade.id)}/Storage/1/Drives/0`,
    '@odata.type': '#Drive.v1_17_0.Drive',
    Id: '0',
    Name: 'NVMe drive 0',
    MediaType: 'SSD',
    Protocol: 'NVMe',
    CapacityBytes: Math.round((number(blade, 'storageTB') ?? 0) * 1e12),
    Status: { State: 'Enabled', Health: 'OK' },
  };
}

export function enclosure(chassis: string, blades: readonly string[], power: 'On' | 'Off' = 'On'): Json {
  return {
    '@odata.id': enclosurePath(chassis),
    '@odata.type': '#Chassis.v1_23_0.Chassis',
    Id: chassis,
    Name: `Enclosure ${chassis}`,
    ChassisType: 'Enclosure',
    PowerState: power,
    Status: { State: 'Enabled', Health: 'OK' },
    Links: { Contains: blades.map((id) => ref(bladeChassisPath(id))) },
  };
}

export function bladeChassis(blade: FakeBladeView): Json {
  const location = blade.location;
  return {
    '@odata.id': bladeChassisPath(blade.id),
    '@odata.type': '#Chassis.v1_23_0.Chassis',
    Id: bladeChassisId(blade.id),
    Name: `Blade ${blade.id}`,
    ChassisType: 'Blade',
    PowerState: powerStateOf(blade),
    Status: status(blade),
    ...(location
      ? {
          Location: {
            PartLocation: {
              ServiceLabel: `Slot ${location.slot}`,
              LocationType: 'Slot',
              LocationOrdinalValue: location.slot,
            },
          },
        }
      : {}),
    Links: {
      ComputerSystems: [ref(systemPath(blade.id))],
      ...(location ? { ContainedBy: ref(enclosurePath(location.chassis)) } : {}),
    },
  };
}

/** A Redfish error body (DSP0266 section 9.6): one code and the message registry entry behind it. */
export function redfishError(messageId: string, message: string): Json {
  return {
    error: {
      code: `Base.1.16.0.${messageId}`,
      message,
      '@Message.ExtendedInfo': [{ MessageId: `Base.1.16.0.${messageId}`, Message: message, Severity: 'Critical' }],
    },
  };
}

/** Stable UUIDs, so a restarted emulator describes the same hardware. */
export function uuidOf(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
