// The `libvirt:` section of a site that runs its workloads as libvirt domains, validated into the driver's options.
import { z } from 'zod';
import { nonEmpty, oneLine, parseConfig, positiveInt, strict, type ConfigResult } from '../driver-config.js';
import type { LibvirtWorkloadsOptions } from './libvirt-workloads.js';

const hostSchema = strict({
  blade: nonEmpty,
  uri: oneLine,
  migration: strict({ group: nonEmpty, uri: oneLine.optional() }).optional(),
});

export const libvirtConfigSchema = strict({
  virsh: oneLine.optional(),
  stateDir: oneLine,
  callTimeoutMs: positiveInt.optional(),
  vcpusAs: z.enum(['cpuThreads', 'cpuCount']).optional(),
  hosts: z.array(hostSchema, { error: 'expected a list of hosts' }).min(1, { error: 'expected at least one host' }),
}).superRefine((config, ctx) => {
  const seen = new Set<string>();
  for (const [index, host] of config.hosts.entries()) {
    if (seen.has(host.blade))
      ctx.addIssue({ code: 'custom', path: ['hosts', index, 'blade'], message: `blade ${host.blade} is listed twice` });
    seen.add(host.blade);
  }
});

export type LibvirtConfig = z.infer<typeof libvirtConfigSchema>;

/** `prefix` names where the section sits in the site file, for the error path. */
export function parseLibvirtConfig(
  input: unknown,
  prefix: readonly PropertyKey[] = ['libvirt'],
): ConfigResult<LibvirtWorkloadsOptions> {
  const parsed = parseConfig(libvirtConfigSchema, input, prefix);
  if (!parsed.ok) return parsed;
  const c = parsed.value;
  return {
    ok: true,
    value: {
      stateDir: c.stateDir,
      hosts: c.hosts.map((h) => ({ blade: h.blade, uri: h.uri, ...(h.migration ? { migration: h.migration } : {}) })),
      ...(c.virsh ? { virsh: c.virsh } : {}),
      ...(c.callTimeoutMs ? { callTimeoutMs: c.callTimeoutMs } : {}),
      ...(c.vcpusAs ? { vcpusAs: c.vcpusAs } : {}),
    },
  };
}
