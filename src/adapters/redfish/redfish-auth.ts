// Authentication to one Redfish service: a session (logged in once, again on a 401) or Basic, and `auto` choosing
// between them from what the service root offers; one log line says which and why.
import type { About, AuthChoice, Json, RedfishEndpoint } from './redfish-endpoint.js';
import { RedfishError } from './redfish-error.js';
import { httpError, readText, refused } from './redfish-failures.js';

const STANDARD_SESSIONS = '/redfish/v1/SessionService/Sessions';

/** The client's one raw call, with its timeout and TLS settings: the login and logout go through it too. */
export type RawFetch = (
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Json | undefined,
  about: About,
  signal: AbortSignal | null,
) => Promise<Response>;

export class RedfishAuth {
  #session: Promise<{ token: string; location: string | null }> | null = null;
  #choice: Promise<AuthChoice & { sessions: string }> | null = null;
  #sessionsPath = STANDARD_SESSIONS;

  constructor(
    private readonly endpoint: RedfishEndpoint,
    private readonly name: string,
    private readonly base: URL,
    private readonly timeoutMs: number,
    private readonly fetch: RawFetch,
  ) {}

  /** Logs the session out, if there is one; errors are ignored: the service expires it anyway. */
  async logout(): Promise<void> {
    const session = this.#session;
    this.#session = null;
    if (!session) return;
    try {
      const { token, location } = await session;
      if (location)
        await this.fetch('DELETE', location, { 'X-Auth-Token': token }, undefined, {}, null).then((r) =>
          r.body?.cancel(),
        );
    } catch {
      // Nothing to do: a session we cannot delete times out on the service.
    }
  }

  /** Which authentication this service gets, deciding it on first use (`auto`: one log line says why). */
  async auth(): Promise<AuthChoice> {
    const { mode, why } = await this.#chosen();
    return { mode, why };
  }

  #chosen(): Promise<AuthChoice & { sessions: string }> {
    if (this.#choice) return this.#choice;
    const attempt = this.#choose();
    this.#choice = attempt;
    attempt.catch(() => {
      if (this.#choice === attempt) this.#choice = null;
    });
    return attempt;
  }

  async #choose(): Promise<AuthChoice & { sessions: string }> {
    const mode = this.endpoint.auth ?? 'auto';
    if (mode === 'basic')
      return { mode: 'basic', why: 'auth: basic in the configuration', sessions: STANDARD_SESSIONS };
    const root = await this.fetch('GET', '/redfish/v1/', {}, undefined, {}, null);
    const text = await readText(root, '/redfish/v1/', this.name, {}, this.timeoutMs);
    if (!root.ok) throw httpError(root.status, null, '/redfish/v1/', this.name, {});
    const sessions = sessionsLink(text);
    if (mode === 'session')
      return { mode: 'session', why: 'auth: session in the configuration', sessions: sessions ?? STANDARD_SESSIONS };
    if (sessions === null) return this.#basic('the service root links no Sessions collection');
    this.#sessionsPath = sessions;
    try {
      await this.#login();
    } catch (error) {
      // Wrong credentials stay wrong over Basic, and a service that does not answer is asked again next time.
      if (error instanceof RedfishError && (error.status === 401 || error.status === 403 || error.code !== 'auth'))
        throw error;
      const message = error instanceof Error ? error.message : String(error);
      return this.#basic(
        `the session login failed (${message.startsWith(`${this.name}: `) ? message.slice(this.name.length + 2) : message})`,
      );
    }
    const choice = { mode: 'session' as const, why: `a session from ${sessions}`, sessions };
    this.endpoint.log?.({
      level: 'info',
      msg: `${this.name}: using session authentication (${choice.why})`,
      endpoint: this.name,
    });
    return choice;
  }

  #basic(why: string): AuthChoice & { sessions: string } {
    this.endpoint.log?.({
      level: 'warn',
      msg: `${this.name}: using Basic authentication: ${why}`,
      endpoint: this.name,
    });
    return { mode: 'basic', why, sessions: STANDARD_SESSIONS };
  }

  async authorized(
    path: string,
    about: About,
    send: (headers: Record<string, string>) => Promise<Response>,
  ): Promise<Response> {
    const choice = await this.#chosen();
    this.#sessionsPath = choice.sessions;
    if (choice.mode === 'basic') {
      const basic = Buffer.from(`${this.endpoint.username}:${this.endpoint.password}`).toString('base64');
      const response = await send({ Authorization: `Basic ${basic}` });
      if (response.status === 401) throw await refused(response, path, this.name, about);
      return response;
    }
    for (let fresh = false; ; fresh = true) {
      const session = this.#login();
      const { token } = await session;
      const response = await send({ 'X-Auth-Token': token });
      if (response.status !== 401) return response;
      if (fresh) throw await refused(response, path, this.name, about);
      // The session expired or was deleted: log in again once, unless another call already did.
      await response.body?.cancel();
      if (this.#session === session) this.#session = null;
    }
  }

  #login(): Promise<{ token: string; location: string | null }> {
    if (this.#session) return this.#session;
    const path = this.#sessionsPath;
    const attempt = (async () => {
      const response = await this.fetch(
        'POST',
        path,
        {},
        { UserName: this.endpoint.username, Password: this.endpoint.password },
        {},
        null,
      );
      await response.body?.cancel();
      if (response.status === 401 || response.status === 403) {
        throw new RedfishError(
          'auth',
          `${this.name}: login refused (${response.status}); check the user name and password`,
          null,
          path,
          response.status,
        );
      }
      const token = response.headers.get('x-auth-token');
      if (!response.ok || !token) {
        throw new RedfishError(
          'auth',
          `${this.name}: login failed (${response.status}${token ? '' : ', no X-Auth-Token'})`,
          null,
          path,
          response.status,
        );
      }
      const location = response.headers.get('location');
      return { token, location: location ? new URL(location, this.base).pathname : null };
    })();
    this.#session = attempt;
    attempt.catch(() => {
      if (this.#session === attempt) this.#session = null;
    });
    return attempt;
  }
}

/** The service root's Links.Sessions, or null when it has none (or is no JSON). */
function sessionsLink(text: string): string | null {
  try {
    const root = JSON.parse(text) as { Links?: { Sessions?: { '@odata.id'?: unknown } } } | null;
    const link = root?.Links?.Sessions?.['@odata.id'];
    return typeof link === 'string' && link !== '' ? link : null;
  } catch {
    return null;
  }
}
