// The HTTP API: builds the Fastify app (routes, tokens and roles, the failed-login limiter, TLS,
// redaction, metrics, the OpenAPI document) around a running Controller. The composition root listens.
import rateLimit from '@fastify/rate-limit';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { Controller } from '../orchestrator/controller.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { CommitFeed } from '../ports/commit-feed.js';
import type { Store } from '../ports/store.js';
import type { DomainLabels } from '../core/survivability-domains.js';
import { stateReader, type ApiContext, type EmulatorHooks } from './context.js';
import { ApiError, toErrorReply } from './errors.js';
import { parseJsonBody } from './json-body.js';
import { LogTail } from './log-tail.js';
import { ControllerMetrics } from './metrics.js';
import { openApiDocument } from './openapi.js';
import { secretRedactor } from './redact.js';
import { registerSurvivabilityGauges } from './survivability-metrics.js';
import { SurvivabilityMonitor } from './survivability-monitor.js';
import { survivabilityRoutes } from './routes/survivability.js';
import { mount, type AnyRoute } from './route-kit.js';
import { bladeRoutes } from './routes/blades.js';
import { eventRoutes } from './routes/events.js';
import { planningRoutes } from './routes/planning.js';
import { systemRoutes } from './routes/system.js';
import { tokenRoutes } from './routes/tokens.js';
import { transferRoutes } from './routes/transfers.js';
import { workloadRoutes } from './routes/workloads.js';
// What the dashboard needs beyond the routes above (who am I, "why this blade?", the emulator's actions).
import { decisionRoutes } from './routes/decisions.js';
import { emulatorRoutes } from './routes/emulator.js';
import { sessionRoutes } from './routes/session.js';
import { actorOf, bearerOf, TokenVerifier } from './tokens.js';
import { AlarmMonitor } from '../alarms/alarm-monitor.js';
import type { LeaseView } from '../ports/lease.js';
import { registerAlarmGauges } from './alarm-metrics.js';
import { alarmRoutes } from './routes/alarms.js';

export const API_VERSION = '1.0.0';

export interface ApiOptions {
  readonly controller: Controller;
  /** The same store the controller writes. */
  readonly store: Store;
  readonly clock?: Clock;
  /** observeCommits(store), so the event stream and metrics wake on commits; without it they poll every 200 ms. */
  readonly commits?: CommitFeed;
  /** A pino logger; make it with redactingLogger({ secrets }) so no credential reaches a log line. None: silent. */
  readonly logger?: FastifyBaseLogger;
  /** Driver credentials and other secrets: replaced by [redacted] in every answer and stream. */
  readonly secrets?: readonly string[];
  /** PEM certificate and key: the API speaks HTTPS only. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** Requests without a valid token allowed per address and window before 429 (default 10 a minute). */
  readonly failedLogins?: { readonly max: number; readonly windowMs: number };
  /** Fault injection when the data center is emulated: adds POST /api/v1/blades/:id/fail. */
  readonly emulator?: EmulatorHooks;
  /** Comment lines on idle event streams (default 15 s). */
  readonly heartbeatMs?: number;
  /** Per hardware endpoint, for /readyz: `ok`, `warning: ...` (shown, still ready), or why it fails. */
  readonly endpoints?: () => Readonly<Record<string, string>>;
  /** How stale reads may be while the controller commits (default 1 s); changes made through the API show at once. */
  readonly readStaleMs?: number;
  /** How long a valid token is trusted before the store is asked again (default 5 s). */
  readonly tokenCacheMs?: number;
  /**
   * Survivability: failure-domain labels from the site file, and `watch` to recompute after every commit (and
   * record a worse verdict in the audit log); without `watch` a read computes when the store changed.
   */
  readonly survivability?: { readonly labels?: DomainLabels; readonly watch?: boolean };
  /**
   * Alarm records: a transfer on one step longer than `stuckAfterMs` is stuck (default 5 min); with several
   * controllers, `lease` reads the leadership lease so a standby can say that no one leads.
   */
  readonly alarms?: {
    readonly stuckAfterMs?: number;
    readonly everyMs?: number;
    readonly lease?: () => Promise<LeaseView | null>;
  };
}

export interface Api {
  readonly app: FastifyInstance;
  readonly routes: readonly AnyRoute[];
  readonly metrics: ControllerMetrics;
  /** The head of the audit log as this process follows it. */
  readonly tail: LogTail;
  readonly alarms: AlarmMonitor;
}

export function buildApi(options: ApiOptions): FastifyInstance {
  return createApi(options).app;
}

/** The app with its route specs and metrics, for tests and tools that need them. */
export function createApi(options: ApiOptions): Api {
  const clock = options.clock ?? systemClock;
  const redact = secretRedactor(options.secrets ?? []);
  const tail = new LogTail(options.store, options.commits);
  const survivability = new SurvivabilityMonitor({
    store: options.store,
    clock,
    policy: () => options.controller.currentPolicy(),
    leads: () => options.controller.isRunning(),
    ...(options.commits ? { commits: options.commits } : {}),
    ...(options.survivability?.labels ? { labels: options.survivability.labels } : {}),
    watch: options.survivability?.watch === true,
  });
  const ctx: ApiContext = {
    controller: options.controller,
    store: options.store,
    clock,
    tokens: new TokenVerifier(options.store, clock, options.tokenCacheMs),
    tail,
    emulator: options.emulator,
    state: stateReader(options.store, options.commits, clock, options.readStaleMs),
    policy: () => options.controller.currentPolicy(),
    survivability,
    streams: new Set(),
    redact,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    endpoints: options.endpoints ?? (() => ({})),
  };
  // A token revoked by another process (`cascade token revoke`) must not live on in this one's cache.
  tail.onEvents((events, overflow) => {
    if (overflow || events.some((e) => e.type === 'token.revoked')) ctx.tokens.forget();
  });
  const metrics = new ControllerMetrics(options.store, options.controller, tail, ctx.state);
  registerSurvivabilityGauges(metrics.registry, survivability);
  const alarms = new AlarmMonitor({
    store: options.store,
    clock,
    tail,
    policy: () => options.controller.currentPolicy(),
    leads: () => options.controller.isRunning(),
    ...(options.commits ? { commits: options.commits } : {}),
    ...(options.alarms?.stuckAfterMs === undefined ? {} : { stuckAfterMs: options.alarms.stuckAfterMs }),
    ...(options.alarms?.everyMs === undefined ? {} : { everyMs: options.alarms.everyMs }),
    ...(options.alarms?.lease ? { lease: options.alarms.lease } : {}),
  });
  registerAlarmGauges(metrics.registry, options.store);

  const base = {
    // One line per change is logged by the onResponse hook below; a line per read would drown it.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { maxParamLength: 256 },
    bodyLimit: 1024 * 1024,
    return503OnClosing: false,
    forceCloseConnections: true,
    // Errors Fastify raises before routing (a malformed URL, a bad header) get the same error shape.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      const status =
        typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500
          ? error.statusCode
          : 400;
      void reply.code(status).send({ error: { code: 'invalid', message: `path: ${error.message}`, field: 'path' } });
    },
  };
  const logging = options.logger ? { loggerInstance: options.logger } : { logger: false };
  const app = (options.tls
    ? Fastify({ ...base, ...logging, https: { cert: options.tls.cert, key: options.tls.key } })
    : Fastify({ ...base, ...logging })) as unknown as FastifyInstance;

  const routes: AnyRoute[] = [];
  const document = (): unknown => openApiDocument(routes, API_VERSION);
  routes.push(
    ...systemRoutes(ctx, metrics, document),
    ...bladeRoutes(ctx),
    ...workloadRoutes(ctx),
    ...transferRoutes(ctx),
    ...planningRoutes(ctx),
    ...eventRoutes(ctx),
    ...tokenRoutes(ctx),
    ...sessionRoutes(ctx),
    ...decisionRoutes(ctx),
    ...emulatorRoutes(ctx),
    ...survivabilityRoutes(ctx, survivability),
    ...alarmRoutes(ctx, alarms),
  );

  // JSON is the only body the API reads: text/plain (which Fastify parses by default) gets 415 like any other type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  app.decorateRequest('principal', null);
  app.decorateRequest('badToken', false);
  // Authentication only identifies the caller; the failed-login limiter and then each route's
  // preParsing hook decide (401, 403, 429), so a rejected request never reaches its body.
  app.addHook('onRequest', async (request) => {
    request.principal = null;
    request.badToken = false;
    const header = request.headers.authorization;
    if (header === undefined) return;
    const secret = bearerOf(header);
    const token = secret === null ? null : await ctx.tokens.verify(secret);
    if (token) request.principal = { token, actor: actorOf(token) };
    else request.badToken = true;
  });

  const failed = options.failedLogins ?? { max: 10, windowMs: 60_000 };
  void app.register(rateLimit, {
    global: true,
    max: failed.max,
    timeWindow: failed.windowMs,
    // Only requests without a valid token count: the limiter meters failed logins, not traffic.
    allowList: (request) => request.principal !== null || request.routeOptions.config.access === 'public',
    errorResponseBuilder: (_request, context) =>
      new ApiError(
        429,
        'rate-limited',
        `too many requests without a valid token from this address; retry in ${context.after}`,
      ),
  });

  void app.register(async (api) => {
    mount(api, routes, () => ctx.state.invalidate());
    api.setNotFoundHandler({ preHandler: api.rateLimit() }, async (request) => {
      // Unknown paths reveal nothing to a caller without a token.
      if (!request.principal)
        throw new ApiError(401, 'unauthenticated', 'a bearer token is required (Authorization: Bearer <token>)');
      throw new ApiError(404, 'not-found', `no route ${request.method} ${request.url.split('?')[0]}`);
    });
  });

  app.setErrorHandler(async (error, request, reply) => {
    const { status, body, unexpected } = toErrorReply(error);
    if (unexpected) request.log.error({ err: error }, 'request failed');
    if (status === 401) void reply.header('www-authenticate', 'Bearer');
    return reply.code(status).send(body);
  });

  app.addHook('onSend', async (_request, _reply, payload) => (typeof payload === 'string' ? redact(payload) : payload));

  app.addHook('onResponse', async (request, reply) => {
    const changes = request.method !== 'GET' && request.method !== 'HEAD';
    if (changes || reply.statusCode >= 500) {
      request.log.info(
        {
          actor: request.principal?.actor ?? 'anonymous',
          method: request.method,
          route: request.routeOptions.url ?? 'unknown',
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        'api request',
      );
    }
  });

  app.addHook('onReady', async () => {
    await tail.start();
    metrics.start();
    survivability.start();
    alarms.start();
  });
  app.addHook('preClose', async () => {
    survivability.stop();
    alarms.stop();
    metrics.stop();
    tail.stop();
    for (const stream of ctx.streams) stream.end();
    ctx.streams.clear();
  });

  return { app, routes, metrics, tail, alarms };
}
