// HTTP to the emulator's JSON control API (/emulator/v1): a timeout on every call, and its error bodies turned
// into EmulatorErrors that keep the code and the message (which names the blade or workload).
export interface EmulatorEndpoint {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** The bearer token from serve.json; null when the emulator takes none. */
  readonly token: string | null;
  /** Per call; default 10 s. A hung blade's hypervisor never answers, so this is how a call to it ends. */
  readonly timeoutMs?: number;
}

/** Errors of the calling process's own resources, not of the far end. */
const LOCAL_SHORTAGES = new Set(['EMFILE', 'ENFILE', 'ENOBUFS', 'ENOMEM', 'EADDRNOTAVAIL']);

export class EmulatorError extends Error {
  constructor(
    /**
     * The emulator's code (unknown-blade, unreachable, running-elsewhere, ...), or timeout / unreachable / bad-reply,
     * or local-resource (this process ran out of file descriptors or sockets).
     */
    readonly code: string,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'EmulatorError';
  }
}

export class EmulatorClient {
  constructor(private readonly endpoint: EmulatorEndpoint) {}

  async call<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, about = path): Promise<T | null> {
    const timeoutMs = this.endpoint.timeoutMs ?? 10_000;
    let response: Response;
    try {
      response = await fetch(new URL(`/emulator/v1${path}`, this.endpoint.url), {
        method,
        headers: {
          ...(this.endpoint.token === null ? {} : { Authorization: `Bearer ${this.endpoint.token}` }),
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError')
        throw new EmulatorError('timeout', `${about}: no answer within ${timeoutMs} ms`);
      const cause = error instanceof Error ? (error.cause as { code?: string } | undefined)?.code : undefined;
      // Out of file descriptors or sockets here: this process's trouble, which says nothing of the workload.
      const code = cause !== undefined && LOCAL_SHORTAGES.has(cause) ? 'local-resource' : 'unreachable';
      throw new EmulatorError(code, `${about}: emulator not reachable (${cause ?? 'connection failed'})`);
    }
    const text = await response.text().catch(() => '');
    let parsed: unknown = null;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      throw new EmulatorError(
        'bad-reply',
        `${about}: emulator answered ${response.status} with malformed JSON`,
        response.status,
      );
    }
    if (!response.ok) {
      const error = (parsed as { error?: { code?: unknown; message?: unknown } } | null)?.error;
      const code = typeof error?.code === 'string' ? error.code : `http-${response.status}`;
      const message =
        typeof error?.message === 'string' ? error.message : `${about}: emulator answered ${response.status}`;
      throw new EmulatorError(code, message, response.status);
    }
    return parsed as T | null;
  }
}
