// The serve configuration's `ipmi:` and `libvirt:` sections, validated with the drivers' own schemas,
// and the ports built from them (IPMI for hardware, libvirt for workloads, storage that stays where the disks are).
import { isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { formatConfigError, parseConfig as parseSection } from '../adapters/driver-config.js';
import { IpmiHardware, ipmiConfigSchema, parseIpmiConfig } from '../adapters/ipmi/index.js';
import { LibvirtWorkloads, libvirtConfigSchema, parseLibvirtConfig } from '../adapters/libvirt/index.js';
import type { StoragePort } from '../ports/storage.js';

export type IpmiSection = z.infer<typeof ipmiConfigSchema>;
export type LibvirtSection = z.infer<typeof libvirtConfigSchema>;

export interface DriverSections {
  readonly ipmi?: IpmiSection;
  readonly libvirt?: LibvirtSection;
}

/**
 * Checks both sections (absent is fine) and takes relative paths (passwordFile, stateDir) from the config's folder.
 * Passwords are not read here: only when serve builds the driver, so a config can be checked without them.
 * Returns one line naming the field, or the sections.
 */
export function checkDriverSections(
  raw: { ipmi?: unknown; libvirt?: unknown },
  baseDir?: string,
): { ok: true; value: DriverSections } | { ok: false; message: string } {
  const at = (path: string): string => (isAbsolute(path) || !baseDir ? path : resolve(baseDir, path));
  let ipmi: IpmiSection | undefined;
  let libvirt: LibvirtSection | undefined;
  if (raw.ipmi !== undefined) {
    const parsed = parseSection(ipmiConfigSchema, raw.ipmi, ['ipmi']);
    if (!parsed.ok) return { ok: false, message: formatConfigError(parsed.error) };
    const file = <T extends { passwordFile?: string | undefined }>(c: T): T =>
      c.passwordFile ? { ...c, passwordFile: at(c.passwordFile) } : c;
    const v = parsed.value;
    ipmi = {
      ...v,
      ...(v.credentials ? { credentials: file(v.credentials) } : {}),
      blades: v.blades.map((b) => (b.credentials ? { ...b, credentials: file(b.credentials) } : b)),
    };
  }
  if (raw.libvirt !== undefined) {
    const parsed = parseSection(libvirtConfigSchema, raw.libvirt, ['libvirt']);
    if (!parsed.ok) return { ok: false, message: formatConfigError(parsed.error) };
    libvirt = { ...parsed.value, stateDir: at(parsed.value.stateDir) };
  }
  return { ok: true, value: { ...(ipmi ? { ipmi } : {}), ...(libvirt ? { libvirt } : {}) } };
}

/** The blades' BMCs over IPMI; the password is read now (environment or a 0600 file) and never logged. */
export function ipmiHardware(section: IpmiSection): { ok: true; value: IpmiHardware } | { ok: false; message: string } {
  const parsed = parseIpmiConfig(section);
  return parsed.ok
    ? { ok: true, value: new IpmiHardware(parsed.value) }
    : { ok: false, message: formatConfigError(parsed.error) };
}

export function libvirtWorkloads(
  section: LibvirtSection,
): { ok: true; value: LibvirtWorkloads } | { ok: false; message: string } {
  const parsed = parseLibvirtConfig(section);
  return parsed.ok
    ? { ok: true, value: new LibvirtWorkloads(parsed.value) }
    : { ok: false, message: formatConfigError(parsed.error) };
}

/**
 * Storage when no SAN API is configured: a libvirt site keeps its disks on storage every host mounts (as any libvirt
 * migration needs), so a workload's disks need no mapping; this records where each was last attached, in memory.
 */
export class SharedDiskStorage implements StoragePort {
  readonly #attached = new Map<string, string>();
  readonly #blades: ReadonlySet<string>;

  /** `blades`: the blades with a hypervisor host (libvirt.hosts); any other is refused, as a SAN refuses an unknown host. */
  constructor(blades: readonly string[]) {
    this.#blades = new Set(blades);
  }

  async attach(workload: string, blade: string): Promise<void> {
    if (!this.#blades.has(blade)) throw new Error(`storage: blade ${blade} has no libvirt host (libvirt.hosts)`);
    this.#attached.set(workload, blade);
  }

  async attachedTo(workload: string): Promise<string | null> {
    return this.#attached.get(workload) ?? null;
  }
}
