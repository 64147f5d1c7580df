// The emulated data center on 127.0.0.1: a FakeWorld served as a Redfish service, plus its JSON control API.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { FakeWorld } from '../adapters/fake/index.js';
import { CONTROL, controlRoutes, type ControlHooks } from './control-routes.js';
import { RedfishEventStream } from './event-stream.js';
import { EventSubscriptions } from './event-subscriptions.js';
import { FaultInjector } from './faults.js';
import { FenceFaults } from './fence-faults.js';
import { fencingRoutes } from './fencing-routes.js';
import { redfishError, uuidOf } from './redfish-view.js';
import { redfishRoutes } from './redfish-routes.js';
import { SessionTable, type Credentials } from './sessions.js';

export interface EmulatorOptions {
  readonly world: FakeWorld;
  /** Default 127.0.0.1: the emulator is a local stand-in, never exposed. */
  readonly host?: string;
  /** 0 (default): any free port. */
  readonly port?: number;
  /** Redfish user; default admin with a random password (read it from the returned handle). */
  readonly credentials?: Credentials;
  /** Bearer token for /emulator/v1; default random; null for none. */
  readonly controlToken?: string | null;
  readonly sessionTimeoutSeconds?: number;
  readonly heartbeatMs?: number;
  readonly hooks?: ControlHooks;
  /** Serve HTTPS, as a BMC does, with this key and certificate (PEM). */
  readonly tls?: { readonly key: string; readonly cert: string };
}

export interface Emulator {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly credentials: Credentials;
  readonly controlToken: string | null;
  readonly world: FakeWorld;
  readonly faults: FaultInjector;
  /** The SSE path: turned off, open streams end and new ones get 503, while push subscriptions go on. */
  readonly sse: { setEnabled(enabled: boolean): void; readonly clients: number };
  readonly subscriptions: EventSubscriptions;
  /** Faults of the enclosure managers, PDUs and SAN, apart from the blades' own. */
  readonly fencing: FenceFaults;
  close(): Promise<void>;
}

export async function startEmulator(o: EmulatorOptions): Promise<Emulator> {
  const credentials = o.credentials ?? { username: 'admin', password: randomBytes(12).toString('hex') };
  const controlToken = o.controlToken === undefined ? randomBytes(16).toString('hex') : o.controlToken;
  // forceCloseConnections: held connections (dead BMCs, event streams) must not keep close() waiting.
  const options = { logger: false, forceCloseConnections: true, routerOptions: { ignoreTrailingSlash: true } } as const;
  // The routes take the plain server's type; HTTPS changes only the transport.
  const app = (o.tls
    ? Fastify({ ...options, https: { key: o.tls.key, cert: o.tls.cert } })
    : Fastify(options)) as unknown as FastifyInstance;
  const events = new RedfishEventStream(o.world, o.heartbeatMs);
  const subscriptions = new EventSubscriptions();
  events.onPayload((payload) => subscriptions.publish(payload));
  const faults = new FaultInjector(o.world);
  const sessions = new SessionTable(credentials, o.sessionTimeoutSeconds);
  faults.service.bindPassword((password) => sessions.changePassword(password));

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    // Malformed JSON and the like: the client's mistake, said in the dialect of the API it called.
    const message = status === 500 ? 'internal error' : error.message;
    if (request.url.startsWith(CONTROL))
      return reply.code(status).send({ error: { code: status === 500 ? 'internal' : 'bad-request', message } });
    return reply.code(status).send(redfishError(status === 500 ? 'InternalError' : 'MalformedJSON', message));
  });
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith(CONTROL))
      return reply
        .code(404)
        .send({ error: { code: 'not-found', message: `no such endpoint: ${request.method} ${request.url}` } });
    return reply.code(404).send(redfishError('ResourceNotFound', `The resource at ${request.url} was not found.`));
  });

  const fencing = new FenceFaults();
  fencingRoutes(app, o.world, fencing);
  redfishRoutes(app, {
    world: o.world,
    sessions,
    events,
    subscriptions,
    uuid: uuidOf('service-root'),
    replies: faults.replies,
    service: faults.service,
  });
  controlRoutes(app, { world: o.world, faults, fencing, token: controlToken, hooks: o.hooks ?? {} });

  const address = await app.listen({ host: o.host ?? '127.0.0.1', port: o.port ?? 0 });
  return {
    url: address.replace('localhost', '127.0.0.1'),
    credentials,
    controlToken,
    world: o.world,
    faults,
    sse: {
      setEnabled: (enabled) => events.setEnabled(enabled),
      get clients() {
        return events.clients;
      },
    },
    subscriptions,
    fencing,
    async close() {
      faults.close();
      events.close();
      await app.close();
    },
  };
}
