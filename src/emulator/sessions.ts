// Redfish authentication for the emulator: HTTP Basic, or a session token (X-Auth-Token) from POST .../Sessions
// that expires after SessionTimeout seconds without use, as on a real BMC.
import { randomBytes, timingSafeEqual } from 'node:crypto';

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

interface Session {
  readonly id: string;
  readonly token: string;
  readonly user: string;
  lastUsed: number;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class SessionTable {
  readonly #sessions = new Map<string, Session>();
  #next = 1;

  constructor(
    private credentials: Credentials,
    readonly timeoutSeconds = 1_800,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new session for the right user name and password, else null. */
  login(user: unknown, password: unknown): { id: string; token: string; user: string } | null {
    if (typeof user !== 'string' || typeof password !== 'string') return null;
    if (!same(user, this.credentials.username) || !same(password, this.credentials.password)) return null;
    const session: Session = {
      id: String(this.#next++),
      token: randomBytes(24).toString('hex'),
      user,
      lastUsed: this.now(),
    };
    this.#sessions.set(session.id, session);
    return session;
  }

  /** The BMC's password changed: every session ends and only the new password logs in. */
  changePassword(password: string): void {
    this.credentials = { ...this.credentials, password };
    this.#sessions.clear();
  }

  logout(id: string): boolean {
    return this.#sessions.delete(id);
  }

  ids(): string[] {
    this.#expire();
    return [...this.#sessions.keys()];
  }

  user(id: string): string | null {
    this.#expire();
    return this.#sessions.get(id)?.user ?? null;
  }

  /** Whether the request's headers carry a live session token or the right Basic credentials. */
  authorized(headers: { readonly [name: string]: string | string[] | undefined }): boolean {
    const token = headers['x-auth-token'];
    if (typeof token === 'string') {
      this.#expire();
      for (const session of this.#sessions.values()) {
        if (same(session.token, token)) {
          session.lastUsed = this.now();
          return true;
        }
      }
      return false;
    }
    const authorization = headers['authorization'];
    if (typeof authorization !== 'string' || !authorization.startsWith('Basic ')) return false;
    const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    return (
      same(decoded.slice(0, colon), this.credentials.username) &&
      same(decoded.slice(colon + 1), this.credentials.password)
    );
  }

  #expire(): void {
    const limit = this.now() - this.timeoutSeconds * 1000;
    for (const [id, session] of this.#sessions) if (session.lastUsed < limit) this.#sessions.delete(id);
  }
}
