// The API's field rules that requests and answers share: bounded quantities and attributes, ids, the state lists.
import { z } from 'zod';
import { idSchema, withNumericQuantities } from '../wire/ids.js';
import { policySchema } from '../wire/policy.js';

// --- shared with the scenario files, tightened for a live controller ---
//
// Scenario files accept any number >= 0. A live controller takes requests from anyone with a token,
// and extreme values break the arithmetic of fit: a requirement of 5e-324 makes every surplus
// Infinity, which no store can hold, so the planner would fail on every round. The API therefore
// bounds quantities and weights to ranges no real data center leaves.

const QUANTITY = 'expected 0, or a number from 0.001 to 1e15';
export const quantity = z
  .number({ error: QUANTITY })
  .refine((v) => v === 0 || (v >= 1e-3 && v <= 1e15), { error: QUANTITY });
const attribute = z
  .string({ error: 'expected a non-empty string' })
  .min(1, { error: 'expected a non-empty string' })
  .max(256, { error: 'expected at most 256 characters' });
export const resourceKey = z
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

export const bladeStates = ['active', 'standby', 'failed', 'maintenance'] as const;
export const healths = ['ok', 'warning', 'critical', 'unreachable'] as const;
export const workloadStates = ['running', 'pending', 'transferring', 'finished'] as const;
export const transferKinds = ['failover', 'cascade', 'place'] as const;
export const transferStatuses = ['running', 'waiting', 'done', 'aborted'] as const;
export const roles = ['viewer', 'operator', 'admin'] as const;
export const proposalStatuses = ['proposed', 'approved', 'rejected', 'started', 'expired'] as const;
