// The one policy schema: scenario files, the site file and the API validate the policy through it, with the
// strictest bounds any of them had (the API's), so a policy one accepts the others accept too.
import { z } from 'zod';
import { parseWindow, WINDOW_PATTERN } from '../core/cascade-windows.js';

const KEYS = [
  'weights',
  'minImprovement',
  'maxConcurrentTransfers',
  'cooldownSeconds',
  'replanSeconds',
  'transferSeconds',
  'requireApproval',
  'survivability',
  'admission',
  'hardKeys',
  'repairBurnInSeconds',
  'cascadeWindows',
] as const;

/** A number from min to max; a value out of range says which side it missed. */
function between(min: number, max: number, integer = false) {
  const what = integer ? 'an integer' : 'a number';
  const low = `expected ${what} >= ${min}`;
  const base = z.number({ error: low });
  return (integer ? base.int({ error: low }) : base)
    .min(min, { error: low })
    .max(max, { error: `expected ${what} <= ${max}` });
}

const resourceKey = z
  .string()
  .min(1, { error: 'expected a non-empty key' })
  .max(64, { error: 'expected a key of at most 64 characters' });

/** A day: longer cooldowns, burn-ins and transfers are typos, and Node's timers overflow past ~24 days. */
const DAY = 86_400;
const MAX_KEYS = 64;

const domainName = z
  .string({ error: 'expected a non-empty string' })
  .min(1, { error: 'expected a non-empty string' })
  .max(64, { error: 'expected at most 64 characters' });
const domainNames = z
  .array(domainName, { error: 'expected a list of failure domains: blade, chassis or a location label' })
  .min(1, { error: 'expected at least one domain' })
  .max(16, { error: 'expected at most 16 domains' });
const failureCount = (max: number) => {
  const message = `expected an integer from 0 to ${max}`;
  return z.number({ error: message }).int({ error: message }).min(0, { error: message }).max(max, { error: message });
};
const strictWith = <T extends z.ZodRawShape>(shape: T) => {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `unknown key; expected one of ${allowed}` : 'expected a mapping',
  });
};

/** How many failures of which domains the survivability check covers (policy.survivability). */
export const survivabilitySchema = strictWith({
  k: failureCount(4).default(2),
  domains: domainNames.default(['blade', 'chassis']),
});

/** The level admission control protects, and whether it only warns or refuses (policy.admission). */
export const admissionSchema = strictWith({
  mode: z.enum(['off', 'warn', 'enforce'], { error: 'expected off, warn or enforce' }),
  k: failureCount(4).default(1),
  domains: domainNames.default(['blade', 'chassis']),
});

const WINDOW_RULE = 'expected a window such as "mon-fri 22:00-06:00" or "* 01:00-05:00" (UTC)';
/** Checked by the same parser the planner runs (core/cascade-windows.ts), so a window that loads is one it reads. */
const cascadeWindow = z
  .string({ error: WINDOW_RULE })
  .max(64, { error: 'expected at most 64 characters' })
  .regex(WINDOW_PATTERN, { error: WINDOW_RULE })
  .refine((w) => parseWindow(w) !== null, { error: WINDOW_RULE });

/** Every field optional: a scenario or site file, or a PATCH, names only what it changes from the defaults. */
export const policySchema = z.strictObject(
  {
    weights: z
      .record(resourceKey, between(0, 1000), { error: 'expected a mapping of resource names to weights' })
      // Not as zod metadata (.meta({ maxProperties })): with it, `serve --ha` on PostgreSQL missed its first lease
      // deadline at start-up (test/serve/serve-ha.test.ts), every time; the count is checked, not documented.
      .refine((w) => Object.keys(w).length <= MAX_KEYS, { error: `expected at most ${MAX_KEYS} weights` })
      .optional(),
    minImprovement: between(0, 1e6).optional(),
    maxConcurrentTransfers: between(1, 1000, true).optional(),
    cooldownSeconds: between(0, DAY).optional(),
    // A timer: above ~24 days Node's setTimeout would overflow and fire at once.
    replanSeconds: z
      .number({ error: 'expected a number > 0' })
      .gt(0, { error: 'expected a number > 0' })
      .min(1, { error: 'expected a number >= 1' })
      .max(86_400, { error: 'expected a number <= 86400' })
      .optional(),
    transferSeconds: between(0, DAY).optional(),
    requireApproval: z.boolean({ error: 'expected true or false' }).optional(),
    survivability: survivabilitySchema.optional(),
    admission: admissionSchema.optional(),
    /** Requirement keys that are floors: a blade offering less is infeasible, not a deficit. */
    hardKeys: z
      .array(resourceKey, { error: 'expected a list of resource names' })
      .max(MAX_KEYS, { error: `expected at most ${MAX_KEYS} keys` })
      .optional(),
    /** A repaired or added blade enters the pool only after staying healthy this long. */
    repairBurnInSeconds: between(0, DAY).optional(),
    /** When cascades run (UTC); outside every window they are proposed, not run. None: always. */
    cascadeWindows: z
      .array(cascadeWindow, { error: 'expected a list of windows such as "mon-fri 22:00-06:00"' })
      .max(16, { error: 'expected at most 16 windows' })
      .optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `unknown key; expected one of ${KEYS.join(', ')}` : 'expected a mapping',
  },
);

export type PolicyInput = z.infer<typeof policySchema>;
