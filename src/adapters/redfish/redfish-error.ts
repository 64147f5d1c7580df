// The Redfish driver's errors: a code for programs, a message naming the blade (or endpoint) and path for people,
// and never a credential: messages are built from paths and status codes only, not from URLs or headers.

export type RedfishErrorCode =
  /** The connection failed or was dropped: a dead BMC, a cut network. */
  | 'unreachable'
  /** No answer within the per-call timeout: a hung BMC. */
  | 'timeout'
  /** The certificate is not trusted: configure tls.caFile (or tls.insecure in a lab). */
  | 'tls'
  /** Login refused, or a request refused after a fresh login. */
  | 'auth'
  | 'unknown-blade'
  /** The service answered an error status. */
  | 'http'
  /** The service answered, but not with what Redfish promises (malformed JSON, a missing required property). */
  | 'bad-reply';

export class RedfishError extends Error {
  constructor(
    readonly code: RedfishErrorCode,
    message: string,
    readonly blade: string | null = null,
    readonly path: string | null = null,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'RedfishError';
  }

  /** Worth retrying for an idempotent request: the service may answer next time. */
  get transient(): boolean {
    return (
      this.code === 'unreachable' || this.code === 'timeout' || (this.code === 'http' && (this.status ?? 0) >= 500)
    );
  }
}
