// The site file's `fencing:` section: fencing devices (Redfish services that manage enclosures, PDUs or a SAN; tgt
// iSCSI targets) and each blade's ordered levels, as Pacemaker's fencing topology orders a node's devices. Checked
// with zod naming the field; the devices are built only when serve or `drivers check` needs them.
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { formatConfigError, parseConfig as parseSection, strict, nonEmpty } from '../adapters/driver-config.js';
import { RedfishEnclosureFence, RedfishPduFence, RedfishSanFence } from '../adapters/fencing/redfish-fences.js';
import { TgtSan } from '../adapters/fencing/tgt-san.js';
import { RedfishClient } from '../adapters/redfish/redfish-client.js';
import { BmcFence } from '../orchestrator/bmc-fence.js';
import type { BladeFenceLevel, FencingTopology } from '../orchestrator/fence-levels.js';
import type { FenceDevice, FenceLevel } from '../ports/fencing.js';
import type { HardwarePort } from '../ports/hardware.js';
import { ConfigError, secretOf } from './config.js';
import { redfishEndpoint } from './config-sections.js';

const iqn = nonEmpty.regex(/^(iqn\.\d{4}-\d{2}\.[^\s]+|eui\.[0-9A-Fa-f]{16})$/, {
  error: 'expected an iSCSI name (iqn.YYYY-MM.domain:name)',
});

const tgtDevice = strict({
  /** tgtd's control port (tgtd -C); it names a local socket, so tgtadm runs on the SAN's own host. */
  controlPort: z.number().int().min(0).max(32_767),
  tgtadm: nonEmpty.optional(),
  /** blade -> its initiator name: the hosts this SAN knows. */
  initiators: z.record(nonEmpty, iqn),
  /** workload -> tid of the target holding its boot LUN; with it, boot storage moves through this SAN. */
  targets: z.record(nonEmpty, z.number().int().min(1)).optional(),
});

const device = strict({
  name: nonEmpty,
  // Lazy: config.ts, which defines the endpoint's schema, reads this section's schema too.
  redfish: z.lazy(() => redfishEndpoint.omit({ name: true })).optional(),
  tgt: tgtDevice.optional(),
}).refine((d) => (d.redfish === undefined) !== (d.tgt === undefined), { error: 'give exactly one of redfish or tgt' });

const level = z.discriminatedUnion(
  'level',
  [
    strict({ level: z.literal('bmc') }),
    strict({ level: z.literal('enclosure'), device: nonEmpty, chassis: nonEmpty }),
    strict({
      level: z.literal('pdu'),
      device: nonEmpty,
      outlet: nonEmpty.regex(/^[^/\s]+\/[^/\s]+$/, { error: 'expected PDU/OUTLET, e.g. pdu-a/3' }),
    }),
    strict({ level: z.literal('storage'), device: nonEmpty, initiator: iqn }),
  ],
  { error: 'expected a level: bmc, enclosure, pdu or storage' },
);

export const fencingSchema = strict({
  devices: z.array(device).default([]),
  blades: z.record(nonEmpty, z.array(level).min(1, { error: 'expected at least one level' })).default({}),
  /** The tgt device whose targets carry the boot LUNs: attach binds the new blade's initiator, unbinds the old. */
  bootStorage: nonEmpty.optional(),
});

export type FencingSection = z.infer<typeof fencingSchema>;
export type LevelConfig = FencingSection['blades'][string][number];

/**
 * Validates the section and its cross references (a level's device, its kind, a storage initiator the SAN knows); a
 * device's relative tls.caFile is taken from `baseDir`, the site file's folder, like every other path.
 */
export function checkFencing(
  raw: unknown,
  baseDir?: string,
): { ok: true; value: FencingSection } | { ok: false; message: string } {
  const parsed = parseSection(fencingSchema, raw, ['fencing']);
  if (!parsed.ok) return { ok: false, message: formatConfigError(parsed.error) };
  const section = withCaPaths(parsed.value, baseDir);
  const devices = new Map<string, FencingSection['devices'][number]>();
  for (const [i, d] of section.devices.entries()) {
    if (devices.has(d.name)) return { ok: false, message: `fencing.devices[${i}].name: ${d.name} is named twice` };
    devices.set(d.name, d);
  }
  for (const [blade, levels] of Object.entries(section.blades)) {
    const seen = new Set<string>();
    for (const [i, l] of levels.entries()) {
      const where = `fencing.blades.${blade}[${i}]`;
      const key = l.level === 'bmc' ? 'bmc' : `${l.level}/${l.device}`;
      if (seen.has(key)) return { ok: false, message: `${where}: the same level twice` };
      seen.add(key);
      if (l.level === 'bmc') continue;
      const d = devices.get(l.device);
      if (!d) return { ok: false, message: `${where}.device: no device named ${l.device} in fencing.devices` };
      if (d.tgt && l.level !== 'storage')
        return { ok: false, message: `${where}.device: ${l.device} is a tgt SAN: it can only be a storage level` };
      if (l.level === 'storage' && d.tgt && !Object.values(d.tgt.initiators).includes(l.initiator)) {
        return {
          ok: false,
          message: `${where}.initiator: ${l.initiator} is not in fencing.devices[${l.device}].tgt.initiators`,
        };
      }
    }
  }
  if (section.bootStorage !== undefined && !devices.get(section.bootStorage)?.tgt?.targets) {
    return { ok: false, message: `fencing.bootStorage: ${section.bootStorage} is not a tgt device with targets` };
  }
  return { ok: true, value: section };
}

function withCaPaths(section: FencingSection, baseDir: string | undefined): FencingSection {
  if (!baseDir) return section;
  const devices = section.devices.map((d) => {
    const ca = d.redfish?.tls?.caFile;
    if (!d.redfish?.tls || ca === undefined || isAbsolute(ca)) return d;
    return { ...d, redfish: { ...d.redfish, tls: { ...d.redfish.tls, caFile: resolve(baseDir, ca) } } };
  });
  return { ...section, devices };
}

/** The TLS options a Redfish endpoint takes: the CA's PEM text read from tls.caFile, and the lab's tls.insecure. */
function tlsOf(tls: { caFile?: string | undefined; insecure: boolean } | undefined, where: string) {
  if (!tls) return {};
  let ca: string | undefined;
  if (tls.caFile !== undefined) {
    try {
      ca = readFileSync(tls.caFile, 'utf8');
    } catch {
      throw new ConfigError(`${where}.tls.caFile: cannot read ${tls.caFile}`);
    }
  }
  return { tls: { ...(ca === undefined ? {} : { ca }), insecure: tls.insecure } };
}

export interface FencingDevices {
  readonly byName: ReadonlyMap<string, { readonly client?: RedfishClient; readonly tgt?: TgtSan }>;
  close(): Promise<void>;
}

/** One client per device; the passwords and CA files are read now (environment or file), never logged. */
export function fencingDevices(section: FencingSection): FencingDevices {
  const byName = new Map<string, { client?: RedfishClient; tgt?: TgtSan }>();
  for (const [i, d] of section.devices.entries()) {
    if (d.redfish) {
      const where = `fencing.devices[${i}].redfish`;
      const r = d.redfish;
      const client = new RedfishClient({
        url: r.url,
        name: d.name,
        username: secretOf(r, 'username', where),
        password: secretOf(r, 'password', where),
        auth: r.auth,
        timeoutMs: r.timeoutMs,
        retries: r.retries,
        ...tlsOf(r.tls, where),
      });
      byName.set(d.name, { client });
    }
    if (d.tgt) {
      const t = d.tgt;
      byName.set(d.name, {
        tgt: new TgtSan({
          name: d.name,
          controlPort: t.controlPort,
          initiators: t.initiators,
          ...(t.tgtadm ? { tgtadm: t.tgtadm } : {}),
          ...(t.targets ? { targets: t.targets } : {}),
        }),
      });
    }
  }
  return {
    byName,
    close: async () => {
      for (const d of byName.values()) await d.client?.close();
    },
  };
}

/** The device and address of one configured level. */
export function levelOf(
  l: LevelConfig,
  blade: string,
  devices: FencingDevices,
  hardware: HardwarePort,
): BladeFenceLevel {
  if (l.level === 'bmc') return { device: new BmcFence(hardware), address: blade };
  const d = devices.byName.get(l.device)!;
  const device = deviceFor(l.level, l.device, d);
  const address = l.level === 'enclosure' ? l.chassis : l.level === 'pdu' ? l.outlet : l.initiator;
  return { device, address };
}

const made = new WeakMap<object, Map<FenceLevel, FenceDevice>>();
function deviceFor(
  kind: Exclude<FenceLevel, 'bmc'>,
  name: string,
  d: { client?: RedfishClient; tgt?: TgtSan },
): FenceDevice {
  if (d.tgt) return d.tgt;
  const client = d.client!;
  const cache = made.get(client) ?? new Map<FenceLevel, FenceDevice>();
  made.set(client, cache);
  let device = cache.get(kind);
  if (!device) {
    device =
      kind === 'enclosure'
        ? new RedfishEnclosureFence(`enclosure ${name}`, client)
        : kind === 'pdu'
          ? new RedfishPduFence(`pdu ${name}`, client)
          : new RedfishSanFence(`san ${name}`, client);
    cache.set(kind, device);
  }
  return device;
}

/** The topology serve hands the controller: the configured levels of a blade, or none (its BMC alone). */
export function fencingTopology(
  section: FencingSection,
  devices: FencingDevices,
  hardware: HardwarePort,
): FencingTopology {
  const levels = new Map(
    Object.entries(section.blades).map(([blade, ls]) => [blade, ls.map((l) => levelOf(l, blade, devices, hardware))]),
  );
  return (blade) => levels.get(blade) ?? [];
}
