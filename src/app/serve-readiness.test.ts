// /readyz of a real serve over Redfish endpoints: an endpoint that refuses the credentials makes it answer 503 and
// name that endpoint; one that lists no System is a warning there and in the log, and serve is still ready.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeWorld } from '../adapters/fake/index.js';
import { serveMockup, type MockupServer } from '../adapters/redfish/testing/mockup-server.js';
import { newToken } from '../api/tokens.js';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { parseConfig } from './config.js';
import { createLogger } from './logging.js';
import { startServe, type ServeHandles } from './serve.js';

const QUIRKS = join(import.meta.dirname, '..', 'adapters', 'redfish', 'testing', 'quirks-mockup');

let dir: string;
let emulator: Emulator;
let mockup: MockupServer;
let serve: ServeHandles | null;
let lines: string[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cascade-readyz-'));
  emulator = await startEmulator({ world: new FakeWorld({ blades: [{ id: 'e1', resources: { memoryGiB: 64 } }] }) });
  mockup = await serveMockup(QUIRKS, { username: 'ops', password: 'right-7b2c' });
  serve = null;
  lines = [];
});
afterEach(async () => {
  await serve?.close();
  await mockup.close();
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(mockupPassword: string): Promise<{ status: number; checks: Record<string, string> }> {
  const db = join(dir, 'cascade.db');
  const store = SqliteStore.open(db);
  await store.migrate();
  const token = newToken('viewer', 'readyz', Date.now());
  await store.commit({ tokens: [token.record] });
  await store.close();
  const config = parseConfig(
    {
      db,
      listen: { api: { port: 0 } },
      redfish: [
        { name: 'emulator', url: emulator.url, ...emulator.credentials, timeoutMs: 1_000 },
        { name: 'rack-7', url: mockup.url, username: 'ops', password: mockupPassword, timeoutMs: 1_000, retries: 0 },
      ],
      workloads: { emulatorUrl: emulator.url, token: emulator.controlToken },
      controller: { discoverMs: 0 },
    },
    'test',
  );
  const logger = createLogger({
    level: 'info',
    format: 'json',
    stream: new Writable({
      write: (chunk, _e, done) => {
        lines.push(String(chunk));
        done();
      },
    }),
  });
  serve = await startServe({ config, dataDir: join(dir, 'data'), logger });
  const reply = await fetch(`${serve.api.url}/readyz`, { headers: { authorization: `Bearer ${token.secret}` } });
  return { status: reply.status, checks: ((await reply.json()) as { checks: Record<string, string> }).checks };
}

describe('serve /readyz with Redfish endpoints', () => {
  it('answers 503 and names the endpoint that refuses the credentials', async () => {
    const { status, checks } = await start('wrong-0000');
    expect(status).toBe(503);
    expect(checks['endpoint:emulator']).toBe('ok');
    expect(checks['endpoint:rack-7']).toMatch(/refused the credentials \(401\)/);
  });

  it('an endpoint with 0 Systems is a warning, in /readyz and in the log, and serve is ready', async () => {
    mockup.override('/redfish/v1/Systems', { body: JSON.stringify({ Members: [] }) });
    const { status, checks } = await start('right-7b2c');
    expect(status).toBe(200);
    expect(checks['endpoint:rack-7']).toBe('warning: lists 0 Systems: no blade to manage here');
    expect(lines.filter((l) => l.includes('lists 0 Systems') && l.includes('"level":40'))).toHaveLength(1);
  });
});
