// One Redfish endpoint's settings, and the shapes a call to it takes and gives back.
import type { TlsOptions } from './tls.js';

export interface RedfishEndpoint {
  /** The service's base URL, e.g. https://10.0.0.5 (no path, no credentials). */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /**
   * `auto` (default): a session where the service root links one (Links.Sessions), else, or when that login
   * fails, Basic; `session`: always a session; `basic`: credentials on every call.
   */
  readonly auth?: AuthMode;
  /** Per call, including reading the body; default 10 s (real BMCs take seconds to log in). */
  readonly timeoutMs?: number;
  /** Extra tries of a GET after a network error, a timeout or a 5xx; default 2. */
  readonly retries?: number;
  readonly tls?: TlsOptions;
  /** How the endpoint is named in messages; default its origin. */
  readonly name?: string;
  /** Where `auto` says which authentication it chose and why. */
  readonly log?: (entry: {
    readonly level: 'info' | 'warn' | 'error';
    readonly msg: string;
    readonly [key: string]: unknown;
  }) => void;
}

export type AuthMode = 'auto' | 'session' | 'basic';

/** The authentication in use, and why: `drivers check` and the log show it. */
export interface AuthChoice {
  readonly mode: 'session' | 'basic';
  readonly why: string;
}

export type Json = Record<string, unknown>;

/** Whom a call is about, for error messages: a blade, or the endpoint itself. */
export interface About {
  readonly blade?: string;
}

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Json | null;
}
