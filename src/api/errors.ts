// Errors at the API's edge: values with an HTTP status, a code and the offending field, never a stack.
import type { FastifyError } from 'fastify';
import type { z } from 'zod';
import { ActionError } from '../orchestrator/action-error.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly field?: string };
}

export type InputPart = 'params' | 'query' | 'body' | 'headers';

/** "body.requirements.memoryGiB", "body.fail[2]": the path a person would look for. */
export function fieldPath(part: InputPart, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : `${out}.${String(key)}`),
    part,
  );
}

/** The first issue names the field; a request is fixed one field at a time anyway. */
export function invalidInput(part: InputPart, error: z.ZodError): ApiError {
  const issue = error.issues[0];
  if (!issue) return new ApiError(400, 'invalid', `${part}: invalid`, part);
  let path = issue.path;
  let message = issue.message;
  // An unknown key is named by its own path, not its parent's.
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) {
    path = [...issue.path, issue.keys[0]!];
    message = 'unknown key';
  }
  const field = fieldPath(part, path);
  return new ApiError(400, 'invalid', `${field}: ${message}`, field);
}

/** Maps whatever a handler or Fastify threw to a status and a body; unknown errors are 500s without detail. */
export function toErrorReply(error: unknown): { status: number; body: ErrorBody; unexpected: boolean } {
  if (error instanceof ApiError) return reply(error.status, error.code, error.message, error.field);
  if (error instanceof ActionError) {
    if (error.code === 'unknown-to-driver')
      return reply(422, 'unknown-workload', `body.id: ${error.message}`, 'body.id');
    const status = error.code === 'not-found' ? 404 : error.code === 'conflict' ? 409 : 400;
    return reply(status, error.code, error.message);
  }
  const fastify = error as Partial<FastifyError> | null;
  const status = typeof fastify?.statusCode === 'number' ? fastify.statusCode : 500;
  if (status >= 400 && status < 500) {
    // Fastify's own refusals: bad JSON, an unsupported media type, a body too large.
    const code =
      fastify?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? 'unsupported-media-type'
        : fastify?.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? 'too-large'
          : 'invalid';
    return reply(status, code, `body: ${fastify?.message ?? 'invalid request'}`, status === 400 ? 'body' : undefined);
  }
  return { ...reply(500, 'internal', 'internal error; the controller log has the details'), unexpected: true };
}

function reply(
  status: number,
  code: string,
  message: string,
  field?: string,
): { status: number; body: ErrorBody; unexpected: boolean } {
  return { status, body: { error: { code, message, ...(field === undefined ? {} : { field }) } }, unexpected: false };
}
