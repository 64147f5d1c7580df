// The one id rule and the one rule for quantity keys: API bodies and params, scenario files, site files and chaos
// schedules all check ids and requirements through these, so an id one accepts the others accept too.
import { z } from 'zod';

export const ID_MAX = 256;
/** Letters, digits and `._:-`: no control characters or escapes reach a terminal, a log line or a URL unquoted. */
export const ID_PATTERN = /^[A-Za-z0-9._:-]+$/;
const ID_RULE = `expected 1 to ${ID_MAX} letters, digits, or . _ : -`;

/** Plain check for loaders that skip zod on the common path; idSchema says why when this says no. */
export function isValidId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= ID_MAX && ID_PATTERN.test(value);
}

/** YAML reads `id: 7` as a number; the hint saves a round trip. */
export const idSchema = z
  .string({
    error: (issue) => (typeof issue.input === 'number' ? `${ID_RULE}; quote it: "${String(issue.input)}"` : ID_RULE),
  })
  .min(1, { error: ID_RULE })
  .max(ID_MAX, { error: `expected at most ${ID_MAX} characters` })
  .regex(ID_PATTERN, { error: ID_RULE });

/** Keys every driver and planner reads as amounts: a string there is a typo, never an attribute to match. */
export const QUANTITY_KEYS: readonly string[] = Object.freeze([
  'memoryGiB',
  'cpuCount',
  'cpuThreads',
  'storageTB',
  'gpuCount',
]);
const quantityKeys: ReadonlySet<string> = new Set(QUANTITY_KEYS);

export function isQuantityKey(key: string): boolean {
  return quantityKeys.has(key);
}

/** The first quantity key of a resource map whose value is not a number, or null. */
export function nonNumericQuantity(resources: Readonly<Record<string, unknown>>): string | null {
  for (const key in resources) if (quantityKeys.has(key) && typeof resources[key] !== 'number') return key;
  return null;
}

/**
 * Adds an issue at the offending key for a quantity key given as a string (`memoryGiB: "NaN"`), to a record
 * schema of resources or requirements.
 */
export function withNumericQuantities<T extends z.ZodType<Record<string, number | string>>>(schema: T) {
  return schema.superRefine((resources, ctx) => {
    for (const key in resources) {
      if (quantityKeys.has(key) && typeof resources[key] !== 'number') {
        ctx.addIssue({ code: 'custom', path: [key], message: `expected a number: ${key} is a quantity` });
      }
    }
  });
}
