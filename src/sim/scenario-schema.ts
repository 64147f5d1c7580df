// The zod shape of a scenario file (DESIGN section 9); every message is written for the person editing the YAML.
import { z } from 'zod';
import { idSchema, withNumericQuantities } from '../wire/ids.js';
import { detectionSchema } from '../wire/detection.js';
import { policySchema } from '../wire/policy.js';

const NON_EMPTY = 'expected a non-empty string';
const NON_NEGATIVE = 'expected a number >= 0';

/** Strict: a misspelt key is an error that names the key and the keys allowed there. */
function strict<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `unknown key; expected one of ${allowed}` : 'expected a mapping',
  });
}

/** The shared id rule (src/wire/ids.ts): at most 256 letters, digits or `._:-`. */
export const id = idSchema;
const nonNegative = z.number({ error: NON_NEGATIVE }).min(0, { error: NON_NEGATIVE });

// A tiny requirement makes every surplus overflow to Infinity (5e-324 did, found by the API's fuzz
// test), and no real data center counts below a thousandth or above a quadrillion of anything.
const QUANTITY_RANGE = 'expected 0, or a number from 0.001 to 1e15';
const quantity = nonNegative.refine((v) => v === 0 || (v >= 1e-3 && v <= 1e15), { error: QUANTITY_RANGE });

const resourceValue = z.union([quantity, z.string().min(1, { error: NON_EMPTY })], {
  error: 'expected a number >= 0 or a non-empty string',
});
const resources = withNumericQuantities(
  z.record(z.string().min(1, { error: 'expected a non-empty key' }), resourceValue, {
    error: 'expected a mapping of resource names to values',
  }),
);

/** A workload's hard floors: quantities a blade must offer at least (DESIGN section 3). */
export const minimumSchema = z.record(z.string().min(1, { error: 'expected a non-empty key' }), quantity, {
  error: 'expected a mapping of resource names to quantities',
});

export const bladeStates = ['active', 'standby', 'failed', 'maintenance'] as const;
export const requirementSources = ['declared', 'vm-metadata', 'measured', 'host'] as const;

export const FENCING_LEVELS = ['bmc', 'enclosure', 'pdu', 'storage'] as const;
// A blade's fencing levels in the order they are tried; the emulator serves each one (a scenario names no devices).
const fencingLevels = z
  .array(z.enum(FENCING_LEVELS, { error: `expected one of ${FENCING_LEVELS.join(', ')}` }), {
    error: 'expected a list of fencing levels',
  })
  .min(1, { error: 'expected at least one level' })
  .refine((levels) => new Set(levels).size === levels.length, { error: 'a level is listed twice' });

export const bladeSchema = strict({
  id,
  resources,
  state: z.enum(bladeStates, { error: `expected one of ${bladeStates.join(', ')}` }).optional(),
  // Keys beside chassis and slot are failure-domain labels (powerFeed: A, rack: r12), checked by survivability.
  location: z
    .object(
      {
        chassis: id,
        slot: z
          .number({ error: 'expected an integer >= 1' })
          .int({ error: 'expected an integer >= 1' })
          .min(1, { error: 'expected an integer >= 1' }),
      },
      { error: 'expected a mapping' },
    )
    .catchall(z.string({ error: 'expected a string: a label such as powerFeed: A' }).min(1, { error: NON_EMPTY }))
    .optional(),
  fencing: fencingLevels.optional(),
});

export const workloadSchema = strict({
  id,
  requirements: resources,
  blade: id.nullable().optional(),
  priority: z.number({ error: 'expected a number' }).optional(),
  source: z.enum(requirementSources, { error: `expected one of ${requirementSources.join(', ')}` }).optional(),
  minimum: minimumSchema.optional(),
  pinned: z.boolean({ error: 'expected true or false' }).optional(),
});

export { admissionSchema, policySchema, survivabilitySchema } from '../wire/policy.js';

const list = (message: string) => z.array(z.unknown(), { error: message }).nullish();

/** Events are checked one by one afterwards (eventSchemas), so a bad event gets one clear message instead of a union's. */
export const scenarioSchema = strict({
  name: id.optional(),
  policy: policySchema.nullish(),
  blades: z.array(bladeSchema, { error: 'expected a list of blades' }).nullish(),
  workloads: z.array(workloadSchema, { error: 'expected a list of workloads' }).nullish(),
  events: list('expected a list of events'),
  /** Failure detection for `cascade serve` on this scenario's emulated world; the site file's wins. */
  detection: detectionSchema.nullish(),
});

const at = nonNegative;

export const EVENT_KINDS = ['fail', 'repair', 'maintenance', 'add', 'submit', 'finish'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const eventSchemas = {
  fail: strict({ at, fail: id }),
  repair: strict({ at, repair: id }),
  maintenance: strict({ at, maintenance: id }),
  add: strict({ at, add: bladeSchema }),
  submit: strict({ at, submit: workloadSchema }),
  finish: strict({ at, finish: id }),
} as const;

export type BladeInput = z.infer<typeof bladeSchema>;
export type WorkloadInput = z.infer<typeof workloadSchema>;
export type { PolicyInput } from '../wire/policy.js';
