// The API's requests as zod schemas: query strings, path parameters and bodies, each field's error in words.
import { z } from 'zod';
import {
  bladeStates,
  healths,
  id,
  proposalStatuses,
  quantity,
  resourceKey,
  resources,
  roles,
  transferKinds,
  transferStatuses,
  workloadStates,
} from './field-schemas.js';

// --- requests ---

/** Blade and workload lists page by id: `after` is the last id of the previous page. */
const limit = z.coerce
  .number({ error: 'expected an integer from 1 to 1000' })
  .int({ error: 'expected an integer from 1 to 1000' })
  .min(1, { error: 'expected an integer from 1 to 1000' })
  .max(1000, { error: 'expected an integer from 1 to 1000' })
  .default(100);
const bool = z.enum(['true', 'false'], { error: 'expected true or false' });

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
