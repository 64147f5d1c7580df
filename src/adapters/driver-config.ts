// Shared by the real drivers' configuration schemas: strict mappings, and the first problem as one line naming the field.
import { formatPath } from '../core/field-path.js';

import { z } from 'zod';

export { formatPath };

export interface ConfigError {
  /** Where, e.g. "blades[2].credentials.passwordEnv"; "" for the document as a whole. */
  readonly path: string;
  readonly message: string;
}

export type ConfigResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: ConfigError };

export const NON_EMPTY = 'expected a non-empty string';

/** Strict: a misspelt key is an error naming the key and the keys allowed there. */
export function strict<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `unknown key; expected one of ${allowed}` : 'expected a mapping',
  });
}

export const nonEmpty = z.string({ error: NON_EMPTY }).min(1, { error: NON_EMPTY });

/** A value spawned as one argument or written as one virsh word: no line breaks. */
export const oneLine = nonEmpty.refine((s) => !/[\r\n\0]/.test(s), { error: 'expected one line' });

export const positiveInt = z
  .number({ error: 'expected an integer >= 1' })
  .int({ error: 'expected an integer >= 1' })
  .min(1, { error: 'expected an integer >= 1' });

/** Validates `input` against `schema`; `prefix` names where the section sits in a larger file (e.g. ["hardware"]). */
export function parseConfig<T>(
  schema: z.ZodType<T>,
  input: unknown,
  prefix: readonly PropertyKey[] = [],
): ConfigResult<T> {
  const parsed = schema.safeParse(input, { reportInput: true });
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  if (!issue) return { ok: false, error: { path: formatPath(prefix), message: 'invalid' } };
  const path = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys')
    return { ok: false, error: { path: formatPath([...path, issue.keys[0] ?? '']), message: issue.message } };
  if (issue.code === 'invalid_type' && issue.input === undefined)
    return { ok: false, error: { path: formatPath(path), message: 'required' } };
  return { ok: false, error: { path: formatPath(path), message: issue.message } };
}

/** `hardware.blades[2].host: expected a non-empty string` */
export function formatConfigError(error: ConfigError): string {
  return error.path === '' ? error.message : `${error.path}: ${error.message}`;
}
