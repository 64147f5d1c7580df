// Talks to a running controller's HTTP API: --url and --token, or CASCADE_URL and CASCADE_TOKEN.
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';

export const DEFAULT_URL = 'http://127.0.0.1:8080';

export interface RemoteFlags {
  readonly url?: string;
  readonly token?: string;
  readonly json?: boolean;
}

export interface Remote {
  readonly url: string;
  readonly token: string;
}

/** Adds --url, --token and --json to a command that talks to a controller. */
export function remoteOptions(command: Command): Command {
  return command
    .option('--url <url>', `the controller's API (default: $CASCADE_URL, else ${DEFAULT_URL})`)
    .option('--token <token>', 'a bearer token (default: $CASCADE_TOKEN; prefer the variable: arguments show in ps)')
    .option('--json', 'print JSON for scripts instead of tables');
}

export function remoteOf(flags: RemoteFlags, env: NodeJS.ProcessEnv = process.env): Remote {
  const url = (flags.url ?? env['CASCADE_URL'] ?? DEFAULT_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(url))
    throw new CliError(`--url: expected http://host:port or https://host:port, got "${url}"`, 2);
  const token = flags.token ?? env['CASCADE_TOKEN'];
  if (token === undefined || token === '') {
    throw new CliError(
      'a token is needed: set CASCADE_TOKEN (or --token); an admin makes one with `cascade token create --role viewer`',
      2,
    );
  }
  return { url, token };
}

interface ErrorBody {
  readonly error?: { readonly code?: string; readonly message?: string };
}

/**
 * One request; the answer's JSON, or a CliError with the server's message. Exit codes: 2 when the
 * request itself was wrong (400, 404, 409: fix the command), 1 when it could not be served (network,
 * refused token, too low a role, a server error).
 */
export async function call<T>(remote: Remote, method: string, path: string, body?: unknown): Promise<T> {
  const response = await send(remote, method, path, body, 'application/json');
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    /* not JSON: reported below when the status is an error */
  }
  if (response.ok) return parsed as T;
  const message = (parsed as ErrorBody | undefined)?.error?.message ?? `${response.status} ${response.statusText}`;
  if (response.status === 401) throw new CliError(`the controller refused the token: ${message}`, 1);
  if (response.status === 403) throw new CliError(message, 1);
  throw new CliError(message, response.status === 400 || response.status === 404 || response.status === 409 ? 2 : 1);
}

/** The raw response, for streams; connection failures become a CliError naming the URL. */
export async function send(
  remote: Remote,
  method: string,
  path: string,
  body: unknown,
  accept: string,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Response> {
  try {
    return await fetch(`${remote.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${remote.token}`,
        accept,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    const cause =
      error instanceof Error && error.cause instanceof Error
        ? error.cause.message
        : error instanceof Error
          ? error.message
          : String(error);
    throw new CliError(`cannot reach the controller at ${remote.url}: ${cause}`, 1);
  }
}

/** Every page of a list that pages by `next`. */
export async function all<T>(remote: Remote, path: string): Promise<T[]> {
  const items: T[] = [];
  let after: string | null = null;
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const page: { items: T[]; next: string | null } = await call(
      remote,
      'GET',
      `${path}${sep}limit=1000${after === null ? '' : `&after=${encodeURIComponent(after)}`}`,
    );
    items.push(...page.items);
    if (page.next === null || page.items.length === 0) return items;
    after = page.next;
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function query(params: Readonly<Record<string, string | undefined>>): string {
  const pairs = Object.entries(params).filter((p): p is [string, string] => p[1] !== undefined);
  return pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`;
}
