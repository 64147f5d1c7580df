// The one policy schema: scenario files, the site file and the API validate the policy through it, with the
// strictest bounds any of them had (the API's), so a policy one accepts the others accept too.
import { z } from 'zod';

const KEYS = [
  'weights', 'minImprovement', 'maxConcurrentTransfers', 'cooldownSeconds', 'replanSeconds', 'transferSeconds', 'requireApproval',
  'survivability', 'admission',
] as const;

/** A number from min to max; a value out of range says which side it missed. */
function between(min: number, max: number, integer = false) {
  const what = integer ? 'an integer' : 'a number';
  const low = `expected ${what} >= ${min}`;
  const base = z.number({ error: low });
  return (integer ? base.int({ error: low }) : base).min(min, { error: low }).max(max, { error: `expected ${what} <= ${max}` });
}

const resourceKey = z.string().min(1, { error: 'expected a non-empty key' }).max(64, { error: 'expected a key of at most 64 characters' });

const domainName = z.string({ error: 'expected a non-empty string' }).min(1, { error: 'expected a non-empty string' });
const domainNames = z
  .array(domainName, { error: 'expected a list of failure domains: blade, chassis or a location label' })
  .min(1, { error: 'expected at least one domain' });
const failureCount = (max: number) => {
  const message = `expected an integer from 0 to ${max}`;
  return z.number({ error: message }).int({ error: message }).min(0, { error: message }).max(max, { error: message });
};
const strictWith = <T extends z.ZodRawShape>(shape: T) => {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key; expected one of ${allowed}` : 'expected a mapping'),
  });
};

/** How many failures of which domains the survivability check covers (policy.survivability). */
export const survivabilitySchema = strictWith({ k: failureCount(4).default(2), domains: domainNames.default(['blade', 'chassis']) });

/** The level admission control protects, and whether it only warns or refuses (policy.admission). */
export const admissionSchema = strictWith({
  mode: z.enum(['off', 'warn', 'enforce'], { error: 'expected off, warn or enforce' }),
  k: failureCount(4).default(1),
  domains: domainNames.default(['blade', 'chassis']),
});

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
    survivability: survivabilitySchema.optional(),
    admission: admissionSchema.optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key; expected one of ${KEYS.join(', ')}` : 'expected a mapping') },
);

export type PolicyInput = z.infer<typeof policySchema>;
