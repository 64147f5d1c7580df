// The listener Redfish services push their events to: HTTP or HTTPS on its own port, one path per endpoint
// (`<path>/<endpoint name>`), and a shared secret in the event's Context or a header, so a forged event is refused.
import { timingSafeEqual } from 'node:crypto';
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { Socket } from 'node:net';
import { SECRET_HEADER } from './redfish-push.js';

export interface PushReceiverOptions {
  readonly host: string;
  readonly port: number;
  /** Events for endpoint E arrive at `<path>/E`. */
  readonly path: string;
  readonly secret: string;
  /** Serve HTTPS with this key and certificate (PEM). */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** How services reach us, when it is not http(s)://host:port (a NAT, a name in the certificate). */
  readonly publicUrl?: string;
  readonly log?: (level: 'info' | 'warn', msg: string) => void;
}

export interface PushReceiver {
  /** Where endpoint `name`'s service must send its events. */
  destinationOf(name: string): string;
  /** Sends what arrives for `name` to `deliver`; returns the function that stops it. */
  route(name: string, deliver: (payload: unknown) => void): () => void;
  readonly url: string;
  /** Events refused for a wrong or missing secret, since start. */
  readonly refused: number;
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;

export async function startPushReceiver(o: PushReceiverOptions): Promise<PushReceiver> {
  const routes = new Map<string, (payload: unknown) => void>();
  const sockets = new Set<Socket>();
  const base = o.path.replace(/\/+$/, '');
  let refused = 0;
  let lastWarning = 0;

  const answer = (res: ServerResponse, status: number): void => {
    res.writeHead(status);
    res.end();
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = decodeURIComponent((req.url ?? '').split('?')[0] ?? '');
    if (req.method !== 'POST' || !path.startsWith(`${base}/`)) return answer(res, 404);
    const deliver = routes.get(path.slice(base.length + 1));
    if (!deliver) return answer(res, 404);
    let text = '';
    for await (const chunk of req) {
      text += String(chunk);
      if (text.length > MAX_BODY) return answer(res, 413);
    }
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      return answer(res, 400);
    }
    const header = req.headers[SECRET_HEADER.toLowerCase()];
    const context =
      typeof payload === 'object' && payload !== null ? (payload as { Context?: unknown }).Context : undefined;
    if (
      !matches(typeof header === 'string' ? header : undefined, o.secret) &&
      !matches(typeof context === 'string' ? context : undefined, o.secret)
    ) {
      refused++;
      // Said at most once a minute: a misconfigured or hostile sender must not flood the log.
      if (Date.now() - lastWarning > 60_000) {
        lastWarning = Date.now();
        o.log?.(
          'warn',
          `push events: refused an event for ${path} without the right secret (from ${req.socket.remoteAddress ?? 'unknown'})`,
        );
      }
      return answer(res, 401);
    }
    answer(res, 204);
    deliver(payload);
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch(() => {
      if (!res.headersSent) answer(res, 500);
    });
  };
  const server: Server = o.tls ? createHttps({ key: o.tls.key, cert: o.tls.cert }, listener) : createHttp(listener);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('push receiver has no port');
  const url = (
    o.publicUrl ?? `${o.tls ? 'https' : 'http'}://${o.host.includes(':') ? `[${o.host}]` : o.host}:${address.port}`
  ).replace(/\/+$/, '');
  return {
    url,
    destinationOf: (name) => `${url}${base}/${encodeURIComponent(name)}`,
    route(name, deliver) {
      routes.set(name, deliver);
      return () => {
        if (routes.get(name) === deliver) routes.delete(name);
      };
    },
    get refused() {
      return refused;
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function matches(given: string | undefined, secret: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}
