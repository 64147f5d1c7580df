// The API's shapes as zod schemas: requests are parsed with them, and the OpenAPI document is made from them.
import { EXCLUSION_REASONS } from '../core/eligibility.js';
import { z } from 'zod';
import { fenceProofShape } from '../wire/fence-proof.js';
import { fitSchema } from '../wire/fit.js';
import { idSchema, withNumericQuantities } from '../wire/ids.js';
import { policySchema } from '../wire/policy.js';

// --- shared with the scenario files, tightened for a live controller ---
//
// Scenario files accept any number >= 0. A live controller takes requests from anyone with a token,
// and extreme values break the arithmetic of fit: a requirement of 5e-324 makes every surplus
// Infinity, which no store can hold, so the planner would fail on every round. The API therefore
// bounds quantities and weights to ranges no real data center leaves.

const QUANTITY = 'expected 0, or a number from 0.001 to 1e15';
const quantity = z.number({ error: QUANTITY }).refine((v) => v === 0 || (v >= 1e-3 && v <= 1e15), { error: QUANTITY });
const attribute = z
  .string({ error: 'expected a non-empty string' })
  .min(1, { error: 'expected a non-empty string' })
  .max(256, { error: 'expected at most 256 characters' });
const resourceKey = z
  .string()
  .min(1, { error: 'expected a non-empty key' })
  .max(64, { error: 'expected a key of at most 64 characters' });

/** Resources or requirements: a number is a quantity, a string an attribute (DESIGN section 2). */
export const resources = withNumericQuantities(
  z.record(resourceKey, z.union([quantity, attribute], { error: `${QUANTITY}, or a non-empty string` }), {
    error: 'expected a mapping of resource names to values',
  }),
).refine((r) => Object.keys(r).length <= 64, { error: 'expected at most 64 keys' });

/** The one policy schema (strict: a misspelt key names itself), shared with scenario and site files. */
export const policyPatch = policySchema;

/** An id (of a blade, a workload, a transfer): the shared rule, at most 256 letters, digits or `._:-`. */
export const id = idSchema;

/** In answers: whatever the drivers reported, unbounded. */
const resourcesView = z.record(z.string(), z.union([z.number(), z.string()]));

// --- requests ---

/** Blade and workload lists page by id: `after` is the last id of the previous page. */
const limit = z.coerce
  .number({ error: 'expected an integer from 1 to 1000' })
  .int({ error: 'expected an integer from 1 to 1000' })
  .min(1, { error: 'expected an integer from 1 to 1000' })
  .max(1000, { error: 'expected an integer from 1 to 1000' })
  .default(100);
const bool = z.enum(['true', 'false'], { error: 'expected true or false' });

export const bladeStates = ['active', 'standby', 'failed', 'maintenance'] as const;
export const healths = ['ok', 'warning', 'critical', 'unreachable'] as const;
export const workloadStates = ['running', 'pending', 'transferring', 'finished'] as const;
export const transferKinds = ['failover', 'cascade', 'place'] as const;
export const transferStatuses = ['running', 'waiting', 'done', 'aborted'] as const;
export const roles = ['viewer', 'operator', 'admin'] as const;
export const proposalStatuses = ['proposed', 'approved', 'rejected', 'started', 'expired'] as const;

export const idParams = z.strictObject({ id });

export const bladeQuery = z.strictObject({
  state: z.enum(bladeStates, { error: `expected one of ${bladeStates.join(', ')}` }).optional(),
  health: z.enum(healths, { error: `expected one of ${healths.join(', ')}` }).optional(),
  chassis: id.optional(),
  limit,
  after: id.optional(),
});

export const workloadQuery = z.strictObject({
  state: z.enum(workloadStates, { error: `expected one of ${workloadStates.join(', ')}` }).optional(),
  blade: id.optional(),
  limit,
  after: id.optional(),
});

export const transferQuery = z.strictObject({
  open: bool.optional(),
  workload: id.optional(),
  kind: z.enum(transferKinds, { error: `expected one of ${transferKinds.join(', ')}` }).optional(),
  status: z.enum(transferStatuses, { error: `expected one of ${transferStatuses.join(', ')}` }).optional(),
  /** asc: oldest first (the default); desc: newest first. */
  order: z.enum(['asc', 'desc'], { error: 'expected asc or desc' }).default('asc'),
  limit,
  /** The id of the last transfer of the previous page. */
  after: id.optional(),
});

export const eventQuery = z.strictObject({
  /** Events with a seq greater than this. */
  after: z.coerce
    .number({ error: 'expected an integer >= 0' })
    .int({ error: 'expected an integer >= 0' })
    .min(0, { error: 'expected an integer >= 0' })
    .default(0),
  limit: z.coerce
    .number({ error: 'expected an integer from 1 to 1000' })
    .int({ error: 'expected an integer from 1 to 1000' })
    .min(1, { error: 'expected an integer from 1 to 1000' })
    .max(1000, { error: 'expected an integer from 1 to 1000' })
    .default(100),
  /** Instead of `after`: the latest this many events (by seq), oldest first. */
  last: z.coerce
    .number({ error: 'expected an integer from 1 to 1000' })
    .int({ error: 'expected an integer from 1 to 1000' })
    .min(1, { error: 'expected an integer from 1 to 1000' })
    .max(1000, { error: 'expected an integer from 1 to 1000' })
    .optional(),
});

export const proposalQuery = z.strictObject({
  status: z.enum(proposalStatuses, { error: `expected one of ${proposalStatuses.join(', ')}` }).optional(),
});

export const proposalParams = z.strictObject({
  id: z.coerce
    .number({ error: 'expected a proposal id (an integer)' })
    .int({ error: 'expected a proposal id (an integer)' })
    .min(1, { error: 'expected a proposal id (an integer)' }),
});

export const maintenanceBody = z.strictObject({ on: z.boolean({ error: 'expected true or false' }) });
/** fence confirm and blade clear: why the operator vouches for it, recorded in the audit log. */
export const overrideBody = z.strictObject({
  reason: z.string({ error: 'expected a reason' }).trim().min(1, 'expected a reason').max(500),
});

/** transfer abort: the reason is optional (the audit log then says none was given). */
export const abortBody = z.strictObject({
  reason: z.string({ error: 'expected a reason' }).trim().min(1, 'expected a reason').max(500).optional(),
});

export const submitBody = z.strictObject({
  id,
  /** Left out: the workload's driver supplies them (VM metadata, then measurements). */
  requirements: resources.optional(),
  priority: z.number({ error: 'expected a number' }).optional(),
  /** Hard floors of its own: a blade offering less of a key is infeasible for it. */
  minimum: z
    .record(resourceKey, quantity, { error: 'expected a mapping of resource names to quantities' })
    .refine((r) => Object.keys(r).length <= 64, { error: 'expected at most 64 keys' })
    .optional(),
  /** Never cascaded; still failed over. */
  pinned: z.boolean({ error: 'expected true or false' }).optional(),
});

export const requirementsBody = z.strictObject({ requirements: resources });

export const planBody = z.strictObject({
  fail: z
    .array(id, { error: 'expected a list of blade ids' })
    .min(1, { error: 'expected at least one blade id' })
    .max(10_000, { error: 'expected at most 10000 blade ids' }),
});

export const rejectBody = z.strictObject({
  reason: z.string({ error: 'expected a string' }).max(500, { error: 'expected at most 500 characters' }).optional(),
});

export const tokenBody = z.strictObject({
  role: z.enum(roles, { error: `expected one of ${roles.join(', ')}` }),
  name: z
    .string({ error: 'expected a name' })
    .regex(/^[A-Za-z0-9._@-]{1,64}$/, { error: 'expected 1 to 64 letters, digits, or . _ @ -' })
    .optional(),
});

/** Actions without a body accept none, or an empty JSON object. */
export const noBody = z.strictObject({}).optional();

// --- responses ---

export const fit = fitSchema;

/** `label`: the slot as the enclosure prints it ("Blade 1"), when the driver knows it. */
const location = z.object({ chassis: z.string(), slot: z.number(), label: z.string().optional() }).nullable();

export const bladeView = z.object({
  id: z.string(),
  resources: resourcesView,
  state: z.enum(bladeStates),
  power: z.enum(['on', 'off', 'unknown']),
  health: z.enum(healths),
  location,
  /** What the BMC calls it (the Redfish System Name), when that says more than the id. */
  name: z.string().optional(),
  /** The driver that manages it, with any user:password removed. */
  endpoint: z.string(),
  /** The workload running on it or moving onto it. */
  workload: z.string().nullable(),
  /** The failure detector's verdict and its reason, once the blade was observed. */
  verdict: z.enum(['healthy', 'degraded', 'suspect', 'failed', 'credentials']).optional(),
  verdictReason: z.string().optional(),
  /** When it was last repaired or added: its burn-in (policy.repairBurnInSeconds) counts from here. */
  burnInSince: z.number().optional(),
});

export const workloadView = z.object({
  id: z.string(),
  requirements: resourcesView,
  source: z.enum(['declared', 'vm-metadata', 'measured', 'host']),
  priority: z.number(),
  blade: z.string().nullable(),
  state: z.enum(workloadStates),
  movedAt: z.number().nullable(),
  pendingReason: z.string().nullable(),
  minimum: z.record(z.string(), z.number()).optional(),
  pinned: z.boolean().optional(),
  /** Its fit on its blade; null without one. */
  fit: fit.nullable(),
});

export const stepView = z.object({
  name: z.string(),
  attempt: z.number(),
  status: z.enum(['started', 'succeeded', 'failed']),
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  durationMs: z.number().nullable(),
  error: z.string().nullable(),
  /** A fence that confirmed: the level, its device, what it answered and read, and every level tried before it. */
  fence: z.object(fenceProofShape).optional(),
});

export const transferView = z.object({
  id: z.string(),
  kind: z.enum(transferKinds),
  workload: z.string(),
  from: z.string().nullable(),
  to: z.string(),
  before: fit.nullable(),
  after: fit,
  status: z.enum(transferStatuses),
  reason: z.string().nullable(),
  drain: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** updatedAt - createdAt once it ended; time so far while open. */
  durationMs: z.number(),
  /** The step in progress or the last one that ran. */
  step: z.string().nullable(),
});

export const transferDetail = transferView.extend({ steps: z.array(stepView) });

const transferBrief = transferView.pick({ id: true, kind: true, from: true, to: true, status: true, createdAt: true });

export const bladeDetail = bladeView.extend({ fit: fit.nullable(), transfers: z.array(transferBrief) });

export const workloadDetail = workloadView.extend({
  checkpoint: z.object({ blade: z.string(), sequence: z.number(), takenAt: z.number() }).nullable(),
  transfers: z.array(transferBrief),
});

const runnerUp = z.object({
  blade: z.string(),
  fit,
  lost: z.enum(['infeasible', 'worse-fit', 'tie-break', 'taken', 'not-worthwhile']),
  takenBy: z.string().optional(),
});

export const placement = z.object({
  workload: z.string(),
  kind: z.enum(transferKinds),
  from: z.string().nullable(),
  to: z.string(),
  before: fit.nullable(),
  after: fit,
  runnersUp: z.array(runnerUp),
});

export const cascadeMove = placement.extend({ saving: z.number() });

export const candidateView = z.object({
  workload: z.string(),
  blade: z.string(),
  fit,
  /** Cooling down after its last move, or in a transfer now. */
  frozen: z.boolean(),
  /** The move the cascade optimum has for it now, if any. */
  move: z.object({ to: z.string(), after: fit, saving: z.number() }).nullable(),
});

export const candidatesView = z.object({
  items: z.array(candidateView),
  totals: z.object({ surplus: z.number(), deficit: z.number(), running: z.number() }),
});

export const poolView = z.object({ items: z.array(bladeView), size: z.number() });

/** The blades a what-if left out as targets: counts per reason, and each one not simply active, in words. */
export const exclusionsView = z.object({
  counts: z.array(z.object({ reason: z.enum(EXCLUSION_REASONS), count: z.number().int() })),
  blades: z.array(z.object({ blade: z.string(), reason: z.enum(EXCLUSION_REASONS), text: z.string() })),
});

export const planView = z.object({
  fail: z.array(z.string()),
  placements: z.array(placement),
  pending: z.array(
    z.object({
      workload: z.string(),
      from: z.string().nullable(),
      reason: z.enum(['no-standby', 'no-feasible-standby', 'lower-priority']),
      detail: z.string(),
    }),
  ),
  rounds: z.array(z.array(cascadeMove)),
  truncated: z.boolean(),
  /** The standby pool once everything above happened. */
  pool: z.array(z.string()),
  placementsAfter: z.record(z.string(), z.string().nullable()),
  /** The blades left out as the failovers' targets, with the eligibility rule's reasons. */
  excluded: exclusionsView,
});

export const policyView = z.object({
  weights: z.record(z.string(), z.number()),
  minImprovement: z.number(),
  maxConcurrentTransfers: z.number(),
  cooldownSeconds: z.number(),
  replanSeconds: z.number(),
  transferSeconds: z.number(),
  requireApproval: z.boolean(),
  survivability: z.object({ k: z.number(), domains: z.array(z.string()) }).optional(),
  admission: z
    .object({ mode: z.enum(['off', 'warn', 'enforce']), k: z.number(), domains: z.array(z.string()) })
    .optional(),
  hardKeys: z.array(z.string()).optional(),
  repairBurnInSeconds: z.number().optional(),
  cascadeWindows: z.array(z.string()).optional(),
  /** Whether cascades may run now (inside a cascade window, or no windows set). */
  cascadesOpen: z.boolean().optional(),
});

export const eventView = z.object({
  seq: z.number(),
  at: z.number(),
  actor: z.string(),
  type: z.string(),
  subject: z.string(),
  data: z.record(z.string(), z.unknown()),
});

export const eventPage = z.object({
  items: z.array(eventView),
  /** Pass as `after` for the next page. */
  next: z.number(),
  more: z.boolean(),
});

export const proposalView = z.object({
  id: z.number(),
  workload: z.string(),
  from: z.string(),
  to: z.string(),
  before: fit.nullable(),
  after: fit.nullable(),
  saving: z.number(),
  proposedAt: z.number(),
  status: z.enum(proposalStatuses),
  decidedBy: z.string().nullable(),
  decidedAt: z.number().nullable(),
  transfer: z.string().nullable(),
  reason: z.string().nullable(),
});

export const tokenView = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(roles),
  createdAt: z.number(),
  revokedAt: z.number().nullable(),
});
export const newTokenView = tokenView.extend({ token: z.string() });

export function page<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    /** Pass as `after` for the next page; null on the last page. */
    next: z.string().nullable(),
    /** How many match the filters, on every page. */
    total: z.number(),
  });
}

export const errorView = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** Where the problem is, e.g. "body.requirements.memoryGiB" or "query.limit". */
    field: z.string().optional(),
  }),
});

export const healthView = z.object({ status: z.enum(['ok', 'stopped']) });
export const readyView = z.object({ status: z.enum(['ready', 'not-ready']), checks: z.record(z.string(), z.string()) });
