// A second, independent Redfish implementation for tests: a static server over a DMTF-style mockup folder (one
// index.json per resource path), Basic auth only, a Reset action that answers 200, 202 or 204 as told, and
// per-path overrides for bad replies (an error status, a broken body, a connection that never answers).
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
  override(path: string, answer: Override | null): void;
  close(): Promise<void>;
}

const RESET = '/Actions/ComputerSystem.Reset';

export async function serveMockup(dir: string, credentials: { username: string; password: string }): Promise<MockupServer> {
  const resources = new Map<string, Record<string, unknown>>();
  const overrides = new Map<string, Override>();
  const sockets = new Set<Socket>();
  const basic = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const state: MockupServer = {
    url: '',
    requests: [],
    resetStatus: 204,
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
    const file = join(dir, normalize(path).replace(/^(\.\.[/\\])+/, ''), 'index.json');
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

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '') || '/';
    state.requests.push({ method: req.method ?? 'GET', path });
    if (path !== '/redfish/v1' && path !== '/redfish' && req.headers.authorization !== basic) {
      return send(res, 401, { error: { code: 'Base.1.0.GeneralError', message: 'authentication required' } }, { 'WWW-Authenticate': 'Basic realm="mockup"' });
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
      if (type === 'On' || type === 'ForceOn') system['PowerState'] = 'On';
      else if (type === 'ForceOff' || type === 'GracefulShutdown') system['PowerState'] = 'Off';
      else return send(res, 400, { error: { code: 'Base.1.0.ActionParameterNotSupported', message: `ResetType ${String(type)}` } });
      if (state.resetStatus === 204) return send(res, 204, undefined);
      if (state.resetStatus === 202) {
        return send(res, 202, { '@odata.id': '/redfish/v1/TaskService/Tasks/1', Id: '1', TaskState: 'Running' }, { Location: '/redfish/v1/TaskService/Tasks/1/Monitor' });
      }
      return send(res, 200, { '@Message.ExtendedInfo': [{ MessageId: 'Base.1.0.Success', Message: 'Successfully Completed Request' }] });
    }
    if (req.method !== 'GET') return send(res, 405, { error: { code: 'Base.1.0.GeneralError', message: 'method not allowed' } });
    const resource = await load(path);
    if (!resource) return send(res, 404, { error: { code: 'Base.1.0.ResourceMissingAtURI', message: path } });
    return send(res, 200, resource);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, { error: { code: 'Base.1.0.InternalError', message: 'mockup failed' } }));
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
