// Reads what virsh prints about a domain (dominfo, domblklist, domblkinfo, the arch, Cascade's metadata) into numbers.
// Pure: the tests feed it captured virsh output.
import { z } from 'zod';
import type { Resources } from '../../core/model.js';

/** The XML namespace of the requirements an operator adds to a domain's <metadata>. */
export const REQUIREMENTS_NS = 'urn:cascade:requirements:1';
/** The XML namespace of the driver's own bookkeeping of a run (see RunMark). */
export const RUN_NS = 'urn:cascade:run:1';

export interface DomainInfo {
  /** virsh's words: running, paused, shut off, crashed, ... */
  readonly state: string;
  readonly vcpus: number;
  readonly maxMemoryKiB: number;
  /** Guest CPU time; virsh prints it with 0.1 s resolution. */
  readonly cpuTimeMs: number;
  readonly persistent: boolean;
}

export function parseDominfo(text: string): DomainInfo {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    if (at > 0) fields.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  const number = (key: string, pattern: RegExp): number => {
    const match = pattern.exec(fields.get(key) ?? '');
    if (!match?.[1]) throw new Error(`dominfo: no ${key} in ${JSON.stringify(text.slice(0, 200))}`);
    return Number(match[1]);
  };
  return {
    state: fields.get('State') ?? 'unknown',
    vcpus: number('CPU(s)', /^(\d+)$/),
    maxMemoryKiB: number('Max memory', /^(\d+) KiB$/),
    cpuTimeMs: Math.round(number('CPU time', /^([\d.]+)s$/) * 1000),
    persistent: fields.get('Persistent') === 'yes',
  };
}

/** States in which the domain holds its blade: it runs, or it is paused where it is. */
export function isActive(state: string): boolean {
  return ['running', 'paused', 'idle', 'blocked', 'in shutdown', 'pmsuspended'].includes(state.trim());
}

/** `domblklist --details`: Type Device Target Source; the targets of real disks (not cdroms, floppies). */
export function parseDiskTargets(text: string): string[] {
  const targets: string[] = [];
  for (const line of text.split('\n')) {
    const [, device, target] = line.trim().split(/\s+/);
    if (device === 'disk' && target) targets.push(target);
  }
  return targets;
}

/** `domblkinfo --all`: Target Capacity Allocation Physical, in bytes. */
export function parseBlockCapacities(text: string): Map<string, number> {
  const capacities = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [target, capacity] = line.trim().split(/\s+/);
    if (target && capacity && /^\d+$/.test(capacity)) capacities.set(target, Number(capacity));
  }
  return capacities;
}

/** `dumpxml --xpath /domain/os/type/@arch` prints ` arch="x86_64"`. */
export function parseArch(text: string): string | null {
  return /arch="([^"]+)"/.exec(text)?.[1] ?? null;
}

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * The operator's requirements in <metadata>: `<quantity name="gpuCount">1</quantity>` (a number >= 0) and
 * `<attribute name="cpuModel">POWER9</attribute>` (a string that must be equal). Bad entries are an error naming them.
 */
export function parseRequirementsMetadata(
  text: string,
): { ok: true; resources: Resources } | { ok: false; message: string } {
  const resources: Record<string, number | string> = {};
  const entry = /<(?:[\w-]+:)?(quantity|attribute)\s+name="([^"]*)"\s*>([^<]*)<\/(?:[\w-]+:)?(?:quantity|attribute)>/g;
  for (const [, kind, rawName, rawValue] of text.matchAll(entry)) {
    const name = unescapeXml(rawName ?? '');
    const value = unescapeXml(rawValue ?? '').trim();
    if (!NAME.test(name))
      return { ok: false, message: `metadata ${kind} name ${JSON.stringify(name)}: expected a name like memoryGiB` };
    if (kind === 'attribute') {
      resources[name] = value;
      continue;
    }
    const quantity = Number(value);
    if (value === '' || !Number.isFinite(quantity) || quantity < 0) {
      return { ok: false, message: `metadata quantity ${name}: expected a number >= 0, got ${JSON.stringify(value)}` };
    }
    resources[name] = quantity;
  }
  return { ok: true, resources };
}

export interface DomainFacts {
  readonly info: DomainInfo;
  readonly arch: string | null;
  /** Capacity in bytes of each disk. */
  readonly diskBytes: readonly number[];
  /** From <metadata>; overrides what the domain XML says. */
  readonly declared: Resources;
}

/**
 * DESIGN's flat map: memoryGiB, the vCPUs, storageTB (decimal, as disks are sold), cpuArch, then the operator's own
 * keys. A vCPU is a hardware thread, so it is `cpuThreads` (what Redfish's LogicalProcessorCount gives a blade),
 * unless the site file says its vCPUs are pinned to whole cores (`vcpusAs: cpuCount`).
 */
export function requirementsOf(facts: DomainFacts, vcpusAs: 'cpuThreads' | 'cpuCount' = 'cpuThreads'): Resources {
  const resources: Record<string, number | string> = {
    memoryGiB: round3(facts.info.maxMemoryKiB / (1024 * 1024)),
    [vcpusAs]: facts.info.vcpus,
  };
  if (facts.diskBytes.length > 0) resources.storageTB = round3(facts.diskBytes.reduce((a, b) => a + b, 0) / 1e12);
  if (facts.arch !== null) resources.cpuArch = facts.arch;
  return { ...resources, ...facts.declared };
}

/**
 * The driver's bookkeeping of the current run, kept in the domain's live <metadata> so it travels with the
 * domain (save images and live migration carry it). A workload's sequence is the guest CPU time, in ms, that
 * its memory state embodies: `base` (what the state held when this run started) plus the CPU time used
 * since (`cpuTimeMs - origin`). A new hypervisor process restarts its CPU counter; base and origin keep the
 * sequence from going back.
 */
export interface RunMark {
  readonly base: number;
  readonly origin: number;
  /** The checkpoint's sequence this run started from: a second identical restore is then a no-op. */
  readonly start: number;
}

const runMarkSchema = z.object({
  base: z.number().int().min(0),
  origin: z.number().int().min(0),
  start: z.number().int().min(0),
});

export function formatRunMark(mark: RunMark): string {
  return `<run base="${mark.base}" origin="${mark.origin}" start="${mark.start}"/>`;
}

export function parseRunMark(text: string): RunMark | null {
  const attr = (name: string): number => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(text)?.[1] ?? NaN);
  const parsed = runMarkSchema.safeParse({ base: attr('base'), origin: attr('origin'), start: attr('start') });
  return parsed.success ? parsed.data : null;
}

/** Without a mark (a domain Cascade never started), the sequence is the hypervisor's CPU time itself. */
export function sequenceOf(mark: RunMark | null, cpuTimeMs: number): number {
  if (!mark) return cpuTimeMs;
  return mark.base + Math.max(0, cpuTimeMs - mark.origin);
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function unescapeXml(text: string): string {
  return text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');
}
