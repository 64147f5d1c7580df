// The API's one request body type: JSON, parsed here so that a refusal names the field like every other.
import { ApiError } from './errors.js';

/** Keys that would reach Object.prototype in code that copies the body; refused by name, not silently dropped. */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** Parses a JSON body; a syntax error names `body`, a forbidden key names its own path (`body.requirements.__proto__`). */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '')
    throw new ApiError(400, 'invalid', 'body: empty, but content-type is application/json', 'body');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ApiError(
      400,
      'invalid',
      `body: not valid JSON (${error instanceof Error ? error.message : String(error)})`,
      'body',
    );
  }
  const forbidden = forbiddenKey(value, 'body');
  if (forbidden !== null) throw new ApiError(400, 'invalid', `${forbidden}: this key is not allowed`, forbidden);
  return value;
}

function forbiddenKey(value: unknown, path: string): string | null {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = forbiddenKey(item, `${path}[${i}]`);
      if (found !== null) return found;
    }
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, item] of Object.entries(value)) {
    if (FORBIDDEN.has(key)) return `${path}.${key}`;
    const found = forbiddenKey(item, `${path}.${key}`);
    if (found !== null) return found;
  }
  return null;
}
