// A second, independent Redfish implementation for tests: a static server over a DMTF-style mockup folder (one
// index.json per resource path), Basic auth and, where told, sessions from the root's Links.Sessions (or a login
// that fails), ETags with 304s, a Reset action that answers 200, 202 (a Task monitor) or 204 as told, and per-path
// overrides for bad replies (an error status, a broken body, a connection that never answers).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { join, normalize } from 'node:path';

export interface Override {
  readonly status?: number;
  /** Raw body text, sent as is (malformed JSON included). */
  readonly body?: string;
  /** Never answer. */
  readonly hang?: boolean;
}

export interface MockupServer {
  readonly url: string;
  /** Every request: method and path. */
  readonly requests: { method: string; path: string }[];
  /** How the Reset action answers: 204 (default), 202 with a task, or 200 with a message. */
  resetStatus: 200 | 202 | 204;
  /** The body of a 200 Reset, raw: a JSON object by default. */
  resetBody: string | null;
  /** A 202 Reset's task: how many reads of its monitor answer Running, then how it ends. */
  task: { running: number; end: 'Completed' | 'Exception' };
  /** How a session login answers: `ok` (201 with a token), an error status, or `none` (no Links.Sessions, 404). */
  login: 'ok' | 'none' | number;
  /** ETag on every GET, and 304 for a matching If-None-Match. */
  etags: boolean;
  /** Push subscriptions made by clients, by id: forgotten all at once by a BMC that reboots. */
  readonly subscriptions: Map<
    string,
    { Destination: string; Context?: string; HttpHeaders?: Record<string, string>[] }
  >;
  /** Changes a resource in place (a BMC whose hardware changed). */
  patch(path: string, change: Record<string, unknown>): Promise<void>;
  override(path: string, answer: Override | null): void;
  close(): Promise<void>;
}

const RESET = '/Actions/ComputerSystem.Reset';

/** The service root as a service without a SessionService shows it. */
function withoutSessions(root: Record<string, unknown>): Record<string, unknown> {
  const { Links: _links, SessionService: _service, ...rest } = root;
  return rest;
}

export async function serveMockup(
  dir: string,
  credentials: { username: string; password: string },
): Promise<MockupServer> {
  const resources = new Map<string, Record<string, unknown>>();
  const flat = !existsSync(join(dir, 'redfish'));
  const overrides = new Map<string, Override>();
  const sockets = new Set<Socket>();
  const basic = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const state: MockupServer = {
    url: '',
    requests: [],
    resetStatus: 204,
    resetBody: null,
    task: { running: 2, end: 'Completed' },
    login: 'none',
    etags: false,
    subscriptions: new Map(),
    patch: async (path, change) => {
      const resource = await load(path);
      if (!resource) throw new Error(`mockup: no resource at ${path}`);
      Object.assign(resource, change);
    },
    override: (path, answer) => (answer ? overrides.set(path, answer) : overrides.delete(path)),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };

  const load = async (path: string): Promise<Record<string, unknown> | null> => {
    const cached = resources.get(path);
    if (cached) return cached;
    // DMTF publishes mockups without the /redfish/v1 folders: the tree starts at the service root.
    const relative = flat ? path.replace(/^\/redfish\/v1/, '') : path;
    const file = join(dir, normalize(relative).replace(/^(\.\.[/\\])+/, ''), 'index.json');
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      resources.set(path, parsed);
      return parsed;
    } catch {
      return null;
    }
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { ...(text ? { 'Content-Type': 'application/json' } : {}), ...headers });
    res.end(text);
  };
  const tokens = new Set<string>();
  let taskReads = 0;
  const SESSIONS = '/redfish/v1/SessionService/Sessions';
  const SUBSCRIPTIONS = '/redfish/v1/EventService/Subscriptions';
  let nextSubscription = 100;
  let nextEvent = 1;
  const push = (origin: string, key: string): void => {
    for (const s of state.subscriptions.values()) {
      const id = String(nextEvent++);
      const event = {
        Id: id,
        Context: s.Context,
        Events: [
          {
            EventId: id,
            EventTimestamp: new Date().toISOString(),
            MessageId: `ResourceEvent.1.0.${key}`,
            OriginOfCondition: { '@odata.id': origin },
          },
        ],
      };
      const headers = Object.assign({ 'Content-Type': 'application/json' }, ...(s.HttpHeaders ?? [])) as Record<
        string,
        string
      >;
      // Delivered as a BMC does: fire and forget, a failure is the subscriber's loss.
      fetch(s.Destination, {
        method: 'POST',
        headers,
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(2_000),
      }).then(
        (r) => r.body?.cancel(),
        () => {},
      );
    }
  };
  const MONITOR = '/redfish/v1/TaskService/Tasks/1/Monitor';
  const authorized = (req: IncomingMessage): boolean =>
    req.headers.authorization === basic ||
    (typeof req.headers['x-auth-token'] === 'string' && tokens.has(req.headers['x-auth-token']));

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '') || '/';
    state.requests.push({ method: req.method ?? 'GET', path });
    if (req.method === 'POST' && path === SESSIONS) {
      if (state.login === 'none')
        return send(res, 404, { error: { code: 'Base.1.0.ResourceMissingAtURI', message: path } });
      if (state.login !== 'ok')
        return send(res, state.login, { error: { code: 'Base.1.0.InternalError', message: 'login failed' } });
      let text = '';
      for await (const chunk of req) text += String(chunk);
      const given = JSON.parse(text || '{}') as { UserName?: string; Password?: string };
      if (given.UserName !== credentials.username || given.Password !== credentials.password)
        return send(res, 401, undefined);
      const token = randomBytes(12).toString('hex');
      tokens.add(token);
      return send(res, 201, { Id: '1' }, { 'X-Auth-Token': token, Location: `${SESSIONS}/1` });
    }
    if (path !== '/redfish/v1' && path !== '/redfish' && !authorized(req)) {
      return send(
        res,
        401,
        { error: { code: 'Base.1.0.GeneralError', message: 'authentication required' } },
        { 'WWW-Authenticate': 'Basic realm="mockup"' },
      );
    }
    if (path === SUBSCRIPTIONS && req.method === 'POST') {
      let text = '';
      for await (const chunk of req) text += String(chunk);
      const given = JSON.parse(text || '{}') as {
        Destination?: string;
        Context?: string;
        HttpHeaders?: Record<string, string>[];
      };
      if (typeof given.Destination !== 'string')
        return send(res, 400, { error: { code: 'Base.1.0.PropertyMissing', message: 'Destination' } });
      const id = String(nextSubscription++);
      state.subscriptions.set(id, {
        Destination: given.Destination,
        ...(given.Context ? { Context: given.Context } : {}),
        ...(given.HttpHeaders ? { HttpHeaders: given.HttpHeaders } : {}),
      });
      return send(
        res,
        201,
        { '@odata.id': `${SUBSCRIPTIONS}/${id}`, Id: id, Destination: given.Destination },
        { Location: `${SUBSCRIPTIONS}/${id}` },
      );
    }
    if (path.startsWith(`${SUBSCRIPTIONS}/`) && state.subscriptions.has(path.slice(SUBSCRIPTIONS.length + 1))) {
      const id = path.slice(SUBSCRIPTIONS.length + 1);
      if (req.method === 'DELETE') {
        state.subscriptions.delete(id);
        return send(res, 204, undefined);
      }
      const s = state.subscriptions.get(id)!;
      return send(res, 200, { '@odata.id': path, Id: id, Destination: s.Destination, Protocol: 'Redfish' });
    }
    if (path === SUBSCRIPTIONS && req.method === 'GET') {
      const stored = (await load(path)) ?? { Members: [] };
      const ours = [...state.subscriptions.keys()].map((id) => ({ '@odata.id': `${SUBSCRIPTIONS}/${id}` }));
      const members = [...((stored['Members'] as unknown[] | undefined) ?? []), ...ours];
      return send(res, 200, { ...stored, Members: members, 'Members@odata.count': members.length });
    }
    const override = overrides.get(path);
    if (override?.hang) return;
    if (override) {
      res.writeHead(override.status ?? 200, { 'Content-Type': 'application/json' });
      res.end(override.body ?? '');
      return;
    }
    if (req.method === 'POST' && path.endsWith(RESET)) {
      const system = await load(path.slice(0, -RESET.length));
      if (!system) return send(res, 404, { error: { code: 'Base.1.0.ResourceMissingAtURI', message: path } });
      let body = '';
      for await (const chunk of req) body += String(chunk);
      const type = (JSON.parse(body || '{}') as { ResetType?: string }).ResetType;
      const before = system['PowerState'];
      if (type === 'On' || type === 'ForceOn') system['PowerState'] = 'On';
      else if (type === 'ForceOff' || type === 'GracefulShutdown') system['PowerState'] = 'Off';
      else
        return send(res, 400, {
          error: { code: 'Base.1.0.ActionParameterNotSupported', message: `ResetType ${String(type)}` },
        });
      const origin = path.slice(0, -RESET.length);
      if (system['PowerState'] !== before)
        push(origin, system['PowerState'] === 'On' ? 'ResourcePoweredOn' : 'ResourcePoweredOff');
      if (state.resetStatus === 204) return send(res, 204, undefined);
      if (state.resetStatus === 202) {
        taskReads = 0;
        return send(
          res,
          202,
          { '@odata.id': '/redfish/v1/TaskService/Tasks/1', Id: '1', TaskState: 'Running' },
          { Location: MONITOR },
        );
      }
      if (state.resetBody !== null) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(state.resetBody);
        return;
      }
      return send(res, 200, {
        '@Message.ExtendedInfo': [{ MessageId: 'Base.1.0.Success', Message: 'Successfully Completed Request' }],
      });
    }
    if (req.method === 'GET' && path === MONITOR) {
      const done = ++taskReads > state.task.running;
      const task = {
        '@odata.id': '/redfish/v1/TaskService/Tasks/1',
        Id: '1',
        TaskState: done ? state.task.end : 'Running',
      };
      const messages =
        done && state.task.end === 'Exception'
          ? { Messages: [{ MessageId: 'Base.1.0.GeneralError', Message: 'power controller fault' }] }
          : {};
      return send(res, done ? 200 : 202, { ...task, ...messages }, done ? {} : { Location: MONITOR });
    }
    if (req.method !== 'GET')
      return send(res, 405, { error: { code: 'Base.1.0.GeneralError', message: 'method not allowed' } });
    const loaded = await load(path);
    if (!loaded) return send(res, 404, { error: { code: 'Base.1.0.ResourceMissingAtURI', message: path } });
    const resource = path === '/redfish/v1' && state.login === 'none' ? withoutSessions(loaded) : loaded;
    if (!state.etags) return send(res, 200, resource);
    const etag = `W/"${createHash('sha256').update(JSON.stringify(resource)).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { ETag: etag });
      return void res.end();
    }
    return send(res, 200, resource, { ETag: etag });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() =>
      send(res, 500, { error: { code: 'Base.1.0.InternalError', message: 'mockup failed' } }),
    );
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('mockup server has no port');
  return Object.assign(state, { url: `http://127.0.0.1:${address.port}` });
}
