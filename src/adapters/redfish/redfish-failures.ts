// What a failed Redfish call becomes: a RedfishError naming the blade (or endpoint) and path, from codes and the
// service's own message only, never a URL with credentials or a header.
import type { About, Json } from './redfish-endpoint.js';
import { RedfishError } from './redfish-error.js';

export function subject(endpoint: string, about: About): string {
  return about.blade !== undefined ? `blade ${about.blade}` : endpoint;
}

export async function readText(
  response: Response,
  path: string,
  endpoint: string,
  about: About,
  timeoutMs: number,
): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    throw failure(error, path, endpoint, about, timeoutMs);
  }
}

export async function refused(response: Response, path: string, endpoint: string, about: About): Promise<RedfishError> {
  await response.body?.cancel();
  return new RedfishError(
    'auth',
    `${subject(endpoint, about)}: ${path} refused the credentials (401)`,
    about.blade ?? null,
    path,
    401,
  );
}

export function httpError(
  status: number,
  body: Json | null,
  path: string,
  endpoint: string,
  about: About,
): RedfishError {
  const error = body?.['error'];
  const message =
    typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string'
      ? `: ${error.message.slice(0, 200)}`
      : '';
  const what = status === 404 ? 'not found' : `HTTP ${status}`;
  return new RedfishError(
    'http',
    `${subject(endpoint, about)}: ${path} answered ${what}${message}`,
    about.blade ?? null,
    path,
    status,
  );
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|ERR_SSL/;

/** Turns what fetch throws into a RedfishError that says what happened, from codes only (no URL, no header). */
export function failure(error: unknown, path: string, endpoint: string, about: About, timeoutMs: number): RedfishError {
  if (error instanceof RedfishError) return error;
  const who = subject(endpoint, about);
  const blade = about.blade ?? null;
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError')
    return new RedfishError('timeout', `${who}: ${path}: no answer within ${timeoutMs} ms`, blade, path);
  if (name === 'AbortError') return new RedfishError('unreachable', `${who}: ${path}: request aborted`, blade, path);
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : '';
  if (TLS_CODES.test(code)) {
    return new RedfishError(
      'tls',
      `${endpoint}: TLS certificate not trusted (${code}); set tls.caFile to the service's CA, or tls.insecure in a lab`,
      blade,
      path,
    );
  }
  const detail =
    code ||
    (typeof cause?.message === 'string' ? cause.message : error instanceof Error ? error.message : 'connection failed');
  return new RedfishError('unreachable', `${who}: not reachable (${detail}) at ${path}`, blade, path);
}
