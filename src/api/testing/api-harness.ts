// The API over a controller on fakes, listening on 127.0.0.1:0, with one token per role and captured log lines.
import { worldApiHooks } from '../../app/emulator-hooks.js';
import type { TokenRole } from '../../ports/store.js';
import { harness, type Harness } from '../../orchestrator/testing/harness.js';
import { observeCommits } from '../../store/commit-feed.js';
import type { EmulatorHooks } from '../context.js';
import { redactingLogger } from '../redact.js';
import { errorView } from '../schemas.js';
import { createApi, type Api, type ApiOptions } from '../server.js';
import { newToken } from '../tokens.js';

export type HarnessSpec = Parameters<typeof harness>[0];

export interface HttpReply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  readonly body: unknown;
}

export interface RequestOptions {
  /** A role's token, a literal token string, or null for none. Default: admin. */
  readonly as?: TokenRole | null | { readonly raw: string };
  readonly body?: unknown;
  /** Sent as is, instead of JSON.stringify(body). */
  readonly rawBody?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ApiHarness {
  readonly h: Harness;
  readonly api: Api;
  readonly url: string;
  readonly tokens: Readonly<Record<TokenRole, string>>;
  /** Every log line the API wrote, as written (after redaction). */
  readonly logs: string[];
  /** "GET /api/v1/blades/:id" for every route that answered 2xx at least once. */
  readonly hits: Set<string>;
  request(method: string, path: string, options?: RequestOptions): Promise<HttpReply>;
  /**
   * Waits until nothing writes on its own: the controller idle, then an alarm evaluation that began after it (the
   * monitor raises and clears on a debounce after each commit, which would otherwise land during the next request).
   */
  quiet(): Promise<void>;
  stop(): Promise<void>;
}

export interface ApiHarnessOptions {
  readonly secrets?: readonly string[];
  readonly failedLogins?: ApiOptions['failedLogins'];
  /** true: the fake world behind the API's emulator hooks (fail, faults, repair); or hooks of the test's own. */
  readonly emulator?: boolean | EmulatorHooks;
  /** Leave out the commit feed: the tail polls. */
  readonly poll?: boolean;
  readonly heartbeatMs?: number;
  readonly tls?: ApiOptions['tls'];
  readonly readStaleMs?: number;
  readonly tokenCacheMs?: number;
  readonly survivability?: ApiOptions['survivability'];
}

export async function apiHarness(spec: HarnessSpec, options: ApiHarnessOptions = {}): Promise<ApiHarness> {
  const h = await harness(spec);
  const commits = options.poll ? undefined : observeCommits(h.store);
  const logs: string[] = [];
  const logger = redactingLogger({
    secrets: options.secrets ?? [],
    level: 'debug',
    destination: { write: (line: string) => void logs.push(line) },
  });
  const tokens = {} as Record<TokenRole, string>;
  for (const role of ['viewer', 'operator', 'admin'] as const) {
    const made = newToken(role, `${role}-1`, Date.now());
    await h.store.commit({ tokens: [made.record] });
    tokens[role] = made.secret;
  }
  const api = createApi({
    controller: h.controller,
    store: h.store,
    ...(commits ? { commits } : {}),
    logger,
    secrets: options.secrets ?? [],
    failedLogins: options.failedLogins ?? { max: 100_000, windowMs: 60_000 },
    // The same hooks `cascade serve` gives the API (fault injection, hardware repair), over the fake world.
    ...(options.emulator === true
      ? { emulator: worldApiHooks(h.world, h.controller) }
      : options.emulator
        ? { emulator: options.emulator }
        : {}),
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
    ...(options.tls ? { tls: options.tls } : {}),
    // Tests read right after the controller acted; the production default trades up to 1 s of staleness for throughput.
    readStaleMs: options.readStaleMs ?? 0,
    ...(options.tokenCacheMs === undefined ? {} : { tokenCacheMs: options.tokenCacheMs }),
    ...(options.survivability ? { survivability: options.survivability } : {}),
  });
  const url = await api.app.listen({ host: '127.0.0.1', port: 0 });
  const hits = new Set<string>();
  return {
    hits,
    h,
    api,
    url,
    tokens,
    logs,
    async request(method, path, o = {}) {
      const headers: Record<string, string> = { ...(o.headers ?? {}) };
      const as = o.as === undefined ? 'admin' : o.as;
      if (as !== null) headers['authorization'] = `Bearer ${typeof as === 'string' ? tokens[as] : as.raw}`;
      let body: string | undefined = o.rawBody;
      if (body === undefined && o.body !== undefined) {
        body = JSON.stringify(o.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      const reply = { status: response.status, headers: response.headers, text, body: parsed };
      conform(api, method, path, reply, hits);
      return reply;
    },
    async quiet() {
      await h.controller.idle();
      await api.alarms.evaluate();
      await api.alarms.evaluate();
    },
    async stop() {
      await api.app.close();
      await h.stop();
    },
  };
}

/**
 * Every answer is checked against the route's documented schema (the one the OpenAPI document shows),
 * so the tests prove the document tells the truth; error answers against the shared error shape.
 */
function conform(api: Api, method: string, path: string, reply: HttpReply, hits: Set<string>): void {
  const bare = path.split('?')[0]!;
  const spec = api.routes.find(
    (r) => r.method === method && new RegExp(`^${r.path.replace(/:[^/]+/g, '[^/]+')}$`).test(bare),
  );
  if (!spec) return;
  const json = (reply.headers.get('content-type') ?? '').includes('application/json');
  const schema = reply.status >= 400 ? errorView : spec.responses[reply.status]?.schema;
  if (reply.status < 300 && reply.status >= 200) hits.add(`${spec.method} ${spec.path}`);
  if (!json || !schema) return;
  const checked = schema.safeParse(reply.body);
  if (!checked.success)
    throw new Error(
      `${method} ${path} answered ${reply.status} with a body that breaks its documented schema: ${checked.error.message}\n${reply.text.slice(0, 500)}`,
    );
}

/** The four-server example of DESIGN section 1, with two more blades in a chassis for filters and pages. */
export const FOUR_SERVERS: HarnessSpec = {
  blades: [
    { id: 'A', resources: { storageTB: 200 }, location: { chassis: 'c1', slot: 1 } },
    { id: 'B', resources: { storageTB: 500 }, power: 'off', location: { chassis: 'c1', slot: 2 } },
    { id: 'C', resources: { storageTB: 300 }, power: 'off', location: { chassis: 'c2', slot: 1 } },
    { id: 'D', resources: { storageTB: 1000 }, power: 'off', location: { chassis: 'c2', slot: 2 } },
  ],
  workloads: [{ id: 'W1', requirements: { storageTB: 200 }, blade: 'A' }],
};
