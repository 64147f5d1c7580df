// `cascade serve` with its HTTP API, as an operator uses it: a token made in the data directory, then the CLI
// client over real HTTP: the blades, a failure injected, the failover in the transfers and the audit log.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'cascade');
const run = promisify(execFile);

const SCENARIO = `
name: api-e2e
blades:
  - { id: A, resources: { memoryGiB: 256, storageTB: 200 }, state: active, location: { chassis: c1, slot: 1 } }
  - { id: B, resources: { memoryGiB: 256, storageTB: 500 }, state: standby, location: { chassis: c1, slot: 2 } }
workloads:
  - { id: W1, requirements: { memoryGiB: 256, storageTB: 200 }, blade: A }
`;
const CONFIG = `
emulator: { scenario: ./dc.yaml, powerDelayMs: 50, tickMs: 5, unreachableDelayMs: 100 }
controller: { pollMs: 300, checkpointMs: 1000, callMs: 3000, powerPollMs: 25 }
policy: { cooldownSeconds: 0 }
log: { level: info, format: json }
`;

let dir = '';
let serve: ChildProcess | null = null;
let url = '';
let token = '';

async function cascade(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, CASCADE_URL: url, CASCADE_TOKEN: token },
  });
  return stdout;
}

async function eventually(check: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cascade-api-e2e-'));
  writeFileSync(join(dir, 'dc.yaml'), SCENARIO);
  writeFileSync(join(dir, 'cascade.yaml'), CONFIG);
  serve = spawn(
    process.execPath,
    [
      BIN,
      'serve',
      '--config',
      join(dir, 'cascade.yaml'),
      '--data',
      join(dir, 'data'),
      '--emulator-port',
      '0',
      '--port',
      '0',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('serve did not say where its API listens')), 30_000);
    createInterface({ input: serve!.stdout! }).on('line', (text) => {
      const found = /"url":"(http:\/\/127\.0\.0\.1:\d+)","openapi"/.exec(text);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    });
  });
  token = (await cascade('token', 'create', '--role', 'operator', '--name', 'e2e', '--data', join(dir, 'data'))).trim();
}, 60_000);

afterAll(async () => {
  if (serve && serve.exitCode === null) {
    const exited = new Promise((resolve) => serve!.once('exit', resolve));
    serve.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('cascade serve with its HTTP API', () => {
  it('refuses a request without a token, and answers the CLI client with one', async () => {
    expect((await fetch(`${url}/api/v1/blades`)).status).toBe(401);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    await eventually(async () => /W1/.test(await cascade('blades')), 'the blades with W1 on A');
    expect(await cascade('blades')).toMatch(/\nA\s+active\s+ok\s+on\s+c1\/1\s+W1\s/);
  });

  it('shows a failover caused through the emulator in the transfers and the audit log, with who asked', async () => {
    const failed = await fetch(`${url}/api/v1/blades/A/fail`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(failed.status).toBe(202);
    await eventually(async () => /failover\s+W1\s+A\s+B\s+done/.test(await cascade('transfers')), 'the failover to B');
    const events = (await cascade('events', '--after', '0', '--json'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; actor: string; subject: string });
    expect(events.find((e) => e.type === 'emulator.fail')).toMatchObject({ actor: 'token:e2e', subject: 'A' });
    expect(events.some((e) => e.type === 'blade.failed' && e.subject === 'A')).toBe(true);
    const metrics = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    expect(metrics).toMatch(/cascade_failovers_total 1/);
  });
});
