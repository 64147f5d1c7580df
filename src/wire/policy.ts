// The one policy schema: scenario files, the site file and the API validate the policy through it, with the
// strictest bounds any of them had (the API's), so a policy one accepts the others accept too.
import { z } from 'zod';

const KEYS = ['weights', 'minImprovement', 'maxConcurrentTransfers', 'cooldownSeconds', 'replanSeconds', 'transferSeconds', 'requireApproval'] as const;

/** A number from min to max; a value out of range says which side it missed. */
function between(min: number, max: number, integer = false) {
  const what = integer ? 'an integer' : 'a number';
  const low = `expected ${what} >= ${min}`;
  const base = z.number({ error: low });
  return (integer ? base.int({ error: low }) : base).min(min, { error: low }).max(max, { error: `expected ${what} <= ${max}` });
}

const resourceKey = z.string().min(1, { error: 'expected a non-empty key' }).max(64, { error: 'expected a key of at most 64 characters' });

/** Every field optional: a scenario or site file, or a PATCH, names only what it changes from the defaults. */
export const policySchema = z.strictObject(
  {
    weights: z.record(resourceKey, between(0, 1000), { error: 'expected a mapping of resource names to weights' }).optional(),
    minImprovement: between(0, 1e6).optional(),
    maxConcurrentTransfers: between(1, 1000, true).optional(),
    cooldownSeconds: between(0, 1e9).optional(),
    // A timer: above ~24 days Node's setTimeout would overflow and fire at once.
    replanSeconds: z
      .number({ error: 'expected a number > 0' })
      .gt(0, { error: 'expected a number > 0' })
      .min(1, { error: 'expected a number >= 1' })
      .max(86_400, { error: 'expected a number <= 86400' })
      .optional(),
    transferSeconds: between(0, 1e6).optional(),
    requireApproval: z.boolean({ error: 'expected true or false' }).optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key; expected one of ${KEYS.join(', ')}` : 'expected a mapping') },
);

export type PolicyInput = z.infer<typeof policySchema>;
