// Calls to the controller's API with the session's bearer token. A 401 means the token is no longer good:
// the caller is told once (onUnauthorized) and returns to the login page.
import type { Page } from './api-types.js';

/** An answer other than 2xx, with the API's error code and the field it names. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null,
  ) {
    super(message);
  }
}

export class ApiClient {
  constructor(
    private readonly token: string,
    private readonly onUnauthorized: () => void,
  ) {}

  get bearer(): string {
    return `Bearer ${this.token}`;
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: this.bearer, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers,
        cache: 'no-store',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiFailure(0, 'unreachable', 'the controller does not answer', null);
    }
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      parsed = null;
    }
    if (response.status === 401) {
      this.onUnauthorized();
      throw new ApiFailure(401, 'unauthenticated', 'the token is unknown, revoked or malformed', null);
    }
    if (!response.ok) {
      const error = errorOf(parsed);
      throw new ApiFailure(
        response.status,
        error?.code ?? 'http',
        error?.message ?? `HTTP ${response.status}`,
        error?.field ?? null,
      );
    }
    return parsed as T;
  }

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  /** Every item of a paged list (blades, workloads), following `next`. */
  async all<T>(path: string): Promise<T[]> {
    const out: T[] = [];
    let after: string | null = null;
    do {
      const separator = path.includes('?') ? '&' : '?';
      const page: Page<T> = await this.get<Page<T>>(
        `${path}${separator}limit=1000${after === null ? '' : `&after=${encodeURIComponent(after)}`}`,
      );
      out.push(...page.items);
      after = page.next;
    } while (after !== null);
    return out;
  }
}

function errorOf(body: unknown): { code: string; message: string; field?: string } | null {
  if (body === null || typeof body !== 'object' || !('error' in body)) return null;
  const error = (body as { error: unknown }).error;
  if (error === null || typeof error !== 'object') return null;
  const e = error as Record<string, unknown>;
  return typeof e['code'] === 'string' && typeof e['message'] === 'string'
    ? { code: e['code'], message: e['message'], ...(typeof e['field'] === 'string' ? { field: e['field'] } : {}) }
    : null;
}
