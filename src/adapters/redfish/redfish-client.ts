// HTTP to one Redfish service over fetch: session or Basic auth (a fresh login on 401), `auto` choosing between them
// from what the service offers, a timeout on every call, retries of idempotent GETs, conditional GETs where the
// service gives ETags, optional TLS settings, and errors that name the blade and path but never a secret.
import type { About, AuthChoice, Json, RedfishEndpoint, Reply } from './redfish-endpoint.js';
import { RedfishAuth } from './redfish-auth.js';
import { RedfishError } from './redfish-error.js';
import { failure, httpError, readText, subject } from './redfish-failures.js';
import { dispatcherFor } from './tls.js';

export type { About, AuthChoice, AuthMode, Json, RedfishEndpoint, Reply } from './redfish-endpoint.js';

export const DEFAULT_TIMEOUT_MS = 10_000;

export class RedfishClient {
  readonly name: string;
  readonly #base: URL;
  readonly #timeoutMs: number;
  readonly #retries: number;
  #dispatcher: Promise<object | undefined>;
  readonly #auth: RedfishAuth;
  /** path -> the last body and its ETag, for If-None-Match. */
  readonly #tags = new Map<string, { etag: string | null; body: Json }>();

  constructor(endpoint: RedfishEndpoint) {
    this.#base = new URL(endpoint.url);
    if (this.#base.username || this.#base.password)
      throw new Error('redfish url: put credentials in username/password, not in the URL');
    this.name = endpoint.name ?? this.#base.origin;
    this.#timeoutMs = endpoint.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#retries = endpoint.retries ?? 2;
    this.#dispatcher = dispatcherFor(endpoint.tls);
    // A bad CA file must surface as a clear error on the first call, not as an unhandled rejection now.
    this.#dispatcher.catch(() => {});
    this.#auth = new RedfishAuth(endpoint, this.name, this.#base, this.#timeoutMs, (...call) => this.#fetch(...call));
  }

  /** GET a resource as a JSON object; retried on transient failures. */
  async get(path: string, about: About = {}): Promise<Json> {
    return (await this.#get(path, about, null)).body;
  }

  /**
   * GET that says whether the resource changed since the last read() of it: with `If-None-Match` where the
   * service gave an ETag (a 304 costs no body), else by comparing the bodies. Keeps the last body of each path.
   */
  async read(path: string, about: About = {}): Promise<{ body: Json; changed: boolean }> {
    const known = this.#tags.get(path) ?? null;
    const reply = await this.#get(path, about, known?.etag ?? null);
    if (reply.status === 304 && known) return { body: known.body, changed: false };
    const etag =
      reply.headers.get('etag') ?? (typeof reply.body['@odata.etag'] === 'string' ? reply.body['@odata.etag'] : null);
    this.#tags.set(path, { etag, body: reply.body });
    return { body: reply.body, changed: known === null || JSON.stringify(known.body) !== JSON.stringify(reply.body) };
  }

  async #get(
    path: string,
    about: About,
    etag: string | null,
  ): Promise<{ status: number; headers: Headers; body: Json }> {
    let last: RedfishError | null = null;
    for (let attempt = 0; attempt <= this.#retries; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** (attempt - 1)));
      try {
        const reply = await this.request('GET', path, undefined, about, etag ? { 'If-None-Match': etag } : {});
        if (reply.status === 304 && etag) return { ...reply, body: {} };
        if (reply.body === null)
          throw new RedfishError(
            'bad-reply',
            `${subject(this.name, about)}: ${path} answered ${reply.status} with no body`,
            about.blade ?? null,
            path,
          );
        return { ...reply, body: reply.body };
      } catch (error) {
        if (!(error instanceof RedfishError) || !error.transient) throw error;
        last = error;
      }
    }
    throw last!;
  }

  /**
   * One request, never retried (an action is not idempotent); a 401 on a session leads to one fresh login.
   * A success of a POST or DELETE whose body is no JSON object ("POST request completed") is a success with no body.
   */
  async request(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    body: Json | undefined,
    about: About = {},
    extra: Record<string, string> = {},
  ): Promise<Reply> {
    const response = await this.#auth.authorized(path, about, (headers) =>
      this.#fetch(method, path, { ...extra, ...headers }, body, about, null),
    );
    if (response.status === 304) {
      await response.body?.cancel();
      return { status: 304, headers: response.headers, body: null };
    }
    const text = await readText(response, path, this.name, about, this.#timeoutMs);
    let parsed: Json | null = null;
    if (text.trim() !== '') {
      try {
        const value = JSON.parse(text) as unknown;
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) parsed = value as Json;
        else throw new Error('not an object');
      } catch {
        if (response.ok && method === 'GET')
          throw new RedfishError(
            'bad-reply',
            `${subject(this.name, about)}: ${path} answered malformed JSON`,
            about.blade ?? null,
            path,
            response.status,
          );
      }
    }
    if (!response.ok) throw httpError(response.status, parsed, path, this.name, about);
    return { status: response.status, headers: response.headers, body: parsed };
  }

  /** Opens a long-lived response (the event stream); no timeout once the headers are in, `signal` ends it. */
  async open(path: string, headers: Record<string, string>, signal: AbortSignal): Promise<Response> {
    const response = await this.#auth.authorized(path, {}, (auth) =>
      this.#fetch('GET', path, { ...auth, ...headers, Accept: 'text/event-stream' }, undefined, {}, signal, true),
    );
    if (!response.ok) {
      await response.body?.cancel();
      throw httpError(response.status, null, path, this.name, {});
    }
    return response;
  }

  /** Logs the session out, if there is one; errors are ignored: the service expires it anyway. */
  close(): Promise<void> {
    return this.#auth.logout();
  }

  /** Which authentication this service gets, deciding it on first use (`auto`: one log line says why). */
  auth(): Promise<AuthChoice> {
    return this.#auth.auth();
  }

  async #fetch(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: Json | undefined,
    about: About,
    signal: AbortSignal | null,
    headersOnly = false,
  ): Promise<Response> {
    const url = new URL(path, this.#base);
    // A stream's timeout covers only the wait for its headers; a plain call's covers reading the body too.
    const timer = new AbortController();
    // A timer that fires more than half a timeout late says the process itself was not running (a long GC pause, a
    // starved CPU), and the reply may already wait in the event loop behind it: the service gets its timeout once
    // more, counted from when the process ran again, so the controller's own lateness never reads as its silence.
    let waiting = true;
    let timeout: NodeJS.Timeout | undefined;
    const arm = (again: boolean): void => {
      const due = Date.now() + this.#timeoutMs;
      timeout = setTimeout(() => {
        if (!again && Date.now() - due > this.#timeoutMs / 2) arm(true);
        else if (waiting) timer.abort(new DOMException('timeout', 'TimeoutError'));
      }, this.#timeoutMs);
      // Left to fire after a body was read, where it changes nothing; it must not keep the process alive.
      timeout.unref();
    };
    arm(false);
    const dispatcher = await this.#dispatcher.catch((error: unknown) => {
      throw new RedfishError('tls', `${this.name}: ${error instanceof Error ? error.message : String(error)}`);
    });
    try {
      return await fetch(url, {
        method,
        headers: { Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
        ...(body ? { body: JSON.stringify(body) } : {}),
        // A long-lived stream has its own signal; the timeout covers only waiting for the headers.
        signal: signal ? AbortSignal.any([signal, timer.signal]) : timer.signal,
        redirect: 'error',
        ...(dispatcher ? { dispatcher } : {}),
      } as RequestInit);
    } catch (error) {
      waiting = false;
      clearTimeout(timeout);
      throw failure(timer.signal.aborted ? timer.signal.reason : error, path, this.name, about, this.#timeoutMs);
    } finally {
      if (headersOnly) {
        waiting = false;
        clearTimeout(timeout);
      }
    }
  }
}
