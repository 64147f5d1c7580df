// The emulator's JSON control API (not Redfish): request bodies, validated with zod, and how a bad one is answered.
import { z } from 'zod';

const id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected an id of letters, digits, ".", "_" or "-" (at most 64)');
const resources = z.record(z.string().min(1), z.union([z.number().min(0), z.string()]));

export const bladeBody = z.object({ blade: id });
export const moveBody = z.object({ from: id, to: id });
export const checkpointBody = z.object({
  workload: id,
  blade: z.string(),
  sequence: z.number().int().min(0),
  data: z.string(),
});
export const restoreBody = z.object({ blade: id, checkpoint: checkpointBody });

export const addBladeBody = z.object({
  id,
  resources: resources.refine((r) => Object.keys(r).length > 0, 'expected at least one resource'),
  location: z.object({ chassis: id, slot: z.number().int().min(1) }).optional(),
  /** New hardware arrives powered off. */
  power: z.enum(['on', 'off']).default('off'),
  powerDelayMs: z.number().int().min(0).max(600_000).optional(),
});

export const addWorkloadBody = z.object({
  id,
  requirements: resources,
  source: z.enum(['declared', 'vm-metadata']).nullable().optional(),
  samples: z.array(z.record(z.string(), z.number())).optional(),
  blade: id.optional(),
});

export const faultBody = z.discriminatedUnion('kind', [
  /** The blade dies: power off at once, health critical. */
  z.object({ kind: z.literal('fail') }),
  /** Power gone (its PSU): off at once, cannot power on until repaired. */
  z.object({ kind: z.literal('power-loss') }),
  /** What runs on the blade crashes; the blade stays on, its BMC reports nothing (only the heartbeat stops). */
  z.object({ kind: z.literal('workload-crash') }),
  /** Uncorrectable memory errors: health critical, still on and answering. */
  z.object({ kind: z.literal('memory-fault') }),
  /** The blade's BMC and hypervisor agent stop answering: connections dropped, or held open with `hang`. */
  z.object({ kind: z.literal('network-loss'), hang: z.boolean().default(false) }),
  /** Health goes bad and back `times` times, every `periodMs`, ending healthy. */
  z.object({
    kind: z.literal('flap'),
    health: z.enum(['warning', 'critical']).default('critical'),
    times: z.number().int().min(1).max(100).default(4),
    periodMs: z.number().int().min(10).max(600_000).default(1_000),
  }),
  /** The BMC answers Redfish `delayMs` late, for `forMs` (a congested management network). */
  z.object({
    kind: z.literal('slow'),
    delayMs: z.number().int().min(1).max(600_000).default(500),
    forMs: z.number().int().min(1).max(3_600_000).default(10_000),
  }),
  /** The BMC answers Redfish with garbage (cut-off JSON, wrong types, an HTML error page), for `forMs`. */
  z.object({ kind: z.literal('malformed'), forMs: z.number().int().min(1).max(3_600_000).default(10_000) }),
  /** The System's Status.State: Absent (pulled: it loses power too), UnavailableOffline, or back to Enabled. */
  z.object({
    kind: z.literal('state'),
    state: z.enum(['Enabled', 'Absent', 'UnavailableOffline', 'StandbyOffline']),
    /** Keep PowerState On with it: a BMC whose reply contradicts itself (the blade runs on). */
    contradictory: z.boolean().default(false),
  }),
]);
export type Fault = z.infer<typeof faultBody>;

/** A whole Redfish service's outage, and a changed BMC password. */
export const outageBody = z.object({ forMs: z.number().int().min(0).max(3_600_000) }).strict();
export const passwordBody = z.object({ password: z.string().min(1).max(256) }).strict();

export const repairBody = z.object({
  actor: z
    .string()
    .regex(/^operator(:[\w.@-]{1,64})?$/, 'expected "operator" or "operator:NAME"')
    .default('operator:cli'),
});

export const migrationQuery = z.object({ from: id, to: id });

/** The first problem in a body, naming the field: what an operator needs to fix the request. */
export function describeIssue(error: z.ZodError, where: string): { field: string; message: string } {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : where;
  return { field, message: `${field}: ${issue?.message ?? 'invalid'}` };
}
