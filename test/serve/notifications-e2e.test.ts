// Notifications end to end: a real `cascade serve` child whose site file names a webhook (an HTTP receiver this test
// runs on 127.0.0.1, which answers 500, then refuses connections, then takes them) and an alert script. A failed
// blade empties the pool: the alarm reaches both, after retries that the audit log records, and so does its clear.
// An alarm still open across a restart that the receiver never got is sent after it, once (and not again to the
// script, which had it).
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, ServeChild } from './serve-child.js';

const run = promisify(execFile);

const SCENARIO = `
name: notify
blades:
  - { id: A, resources: { memoryGiB: 256, cpuCount: 32 }, state: active, location: { chassis: c1, slot: 1 } }
  - { id: B, resources: { memoryGiB: 256, cpuCount: 32 }, state: standby, location: { chassis: c1, slot: 2 } }
  - { id: C, resources: { memoryGiB: 128, cpuCount: 16 }, state: active, location: { chassis: c1, slot: 3 } }
workloads:
  - { id: W1, requirements: { memoryGiB: 256, cpuCount: 32 }, blade: A, priority: 1 }
  - { id: W2, requirements: { memoryGiB: 128, cpuCount: 16 }, blade: C }
`;

interface Body {
  readonly status: string;
  readonly event: { readonly seq: number; readonly type: string; readonly subject: string };
  readonly alarm: { readonly id: string; readonly kind: string; readonly severity: string } | null;
}

interface LogEvent {
  readonly seq: number;
  readonly type: string;
  readonly subject: string;
  readonly data: Record<string, unknown>;
}

/** The webhook receiver: `mode` says how it answers now (500, no listener at all, or 200 keeping the body). */
class Receiver {
  readonly bodies: Body[] = [];
  mode: 'fail' | 'take' = 'fail';
  port = 0;
  #server: Server | null = null;

  async open(): Promise<void> {
    const server = createServer((request, response) => {
      let text = '';
      request.on('data', (c: Buffer) => (text += c.toString()));
      request.on('end', () => {
        if (this.mode === 'fail') {
          response.writeHead(500, { connection: 'close' }).end('not now');
          return;
        }
        this.bodies.push(JSON.parse(text) as Body);
        response.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** No listener on the port: the next attempt's connection is refused. */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  of(id: string): string[] {
    return this.bodies.filter((b) => b.alarm?.id === id).map((b) => b.status);
  }
}

let dir = '';
let data = '';
let serve: ServeChild;
let api = '';
let token = '';
const hook = new Receiver();

function start(): ServeChild {
  return new ServeChild('serve', ['--config', join(dir, 'site.yaml'), '--data', data, '--port', '0']);
}

async function ready(child: ServeChild): Promise<string> {
  const line = await child.waitFor((l) => l.msg.startsWith('API listening on '), 'the API listening', 90_000);
  await child.waitFor((l) => l.msg === 'ready', 'serve ready', 90_000);
  return String(line['url']);
}

async function cascade(...args: string[]): Promise<string> {
  return (await run(process.execPath, [BIN, ...args], { cwd: ROOT })).stdout;
}

/** The whole audit log, page by page (checkpoints fill it fast). */
async function events(): Promise<LogEvent[]> {
  const all: LogEvent[] = [];
  for (;;) {
    const reply = await fetch(`${api}/api/v1/events?after=${all.at(-1)?.seq ?? 0}&limit=1000`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(reply.status).toBe(200);
    const page = ((await reply.json()) as { items: LogEvent[] }).items;
    all.push(...page);
    if (page.length < 1000) return all;
  }
}

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
  }
  const got = hook.bodies.map((b) => `${b.alarm?.id ?? b.event.type}:${b.status}`).join(' ');
  throw new Error(`timed out waiting for ${what} (the receiver got: ${got})`);
}

const seen = (): string[] => readFileSync(join(dir, 'seen'), { encoding: 'utf8', flag: 'a+' }).split('---\n');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cascade-notify-e2e-'));
  data = join(dir, 'data');
  writeFileSync(join(dir, 'dc.yaml'), SCENARIO);
  const script = join(dir, 'alert.sh');
  writeFileSync(script, `#!/bin/sh\n{ env | grep '^CASCADE_alert_' | sort; echo ---; } >> "${join(dir, 'seen')}"\n`);
  chmodSync(script, 0o755);
  await hook.open();
  writeFileSync(
    join(dir, 'site.yaml'),
    `
emulator: { scenario: ${join(dir, 'dc.yaml')}, powerDelayMs: 100, tickMs: 5, unreachableDelayMs: 100 }
controller: { pollMs: 300, checkpointMs: 500, callMs: 3000, powerPollMs: 25 }
policy: { cooldownSeconds: 0, replanSeconds: 2 }
log: { level: info, format: json }
notifications:
  webhooks: [{ name: ops, url: "http://127.0.0.1:${hook.port}/hook" }]
  scripts: [{ name: pager, path: ${script}, recipient: oncall@example.org }]
  retry: { attempts: 8, backoffMs: 500, maxBackoffMs: 4000 }
`,
  );
  serve = start();
  api = await ready(serve);
  token = (await cascade('token', 'create', '--role', 'admin', '--name', 'e2e', '--data', data)).trim();
}, 120_000);

afterAll(async () => {
  await serve?.stop();
  await hook.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('notifications through cascade serve', () => {
  it('brings a failed blade’s empty pool to the webhook after a 500 and a refused connection, and to the script', async () => {
    await cascade('fail', 'A', '--data', data);
    // The first delivery answered 500; with the receiver gone, the next one is refused; then it listens again.
    const first = await until('a retry after a 500', async () =>
      (await events()).find((e) => e.type === 'notification.retry' && e.subject === 'ops'),
    );
    expect(first.data['error']).toMatch(/answered 500$/);
    await hook.close();
    const refused = await until('a retry after a refused connection', async () =>
      (await events()).find(
        (e) =>
          e.type === 'notification.retry' &&
          e.data['seq'] === first.data['seq'] &&
          /ECONNREFUSED/.test(String(e.data['error'])),
      ),
    );
    expect(refused.data['attempt']).toBeGreaterThanOrEqual(2);
    hook.mode = 'take';
    await hook.open();

    await until('pool.empty at the webhook', async () => hook.of('pool.empty/pool').includes('firing'));
    expect(hook.bodies.find((b) => b.alarm?.id === 'pool.empty/pool')).toMatchObject({
      source: 'cascade',
      status: 'firing',
      event: { type: 'alarm.raised', subject: 'pool' },
      alarm: { id: 'pool.empty/pool', kind: 'pool.empty', severity: 'warning' },
    });
    const log = await events();
    const delivered = log.find(
      (e) => e.type === 'notification.delivered' && e.subject === 'ops' && e.data['seq'] === first.data['seq'],
    );
    expect(delivered?.data['attempt']).toBeGreaterThanOrEqual(3);
    const attempts = log
      .filter((e) => e.subject === 'ops' && e.data['seq'] === first.data['seq'])
      .map((e) => `${e.type}:${String(e.data['attempt'])}`);
    expect(attempts.slice(0, 2)).toStrictEqual(['notification.retry:1', 'notification.retry:2']);

    await until('pool.empty at the script', async () =>
      seen().some((s) => s.includes('CASCADE_alert_alarm=pool.empty/pool\n')),
    );
    const fired = seen().find((s) => s.includes('CASCADE_alert_alarm=pool.empty/pool\n'))!;
    expect(fired).toContain('CASCADE_alert_kind=alarm.raised\n');
    expect(fired).toContain('CASCADE_alert_status=firing\n');
    expect(fired).toContain('CASCADE_alert_recipient=oncall@example.org\n');
    expect(fired).toContain('CASCADE_alert_subject=pool\n');
  }, 240_000);

  it('sends the clear when the blade is repaired', async () => {
    expect(await cascade('repair', 'A', '--data', data)).toContain('controller: repaired');
    await until('the clear at the webhook', async () => hook.of('pool.empty/pool').includes('resolved'));
    await until('the clear at the script', async () =>
      seen().some((s) => s.includes('CASCADE_alert_alarm=pool.empty/pool\n') && s.includes('=resolved\n')),
    );
    expect(hook.of('pool.empty/pool')).toStrictEqual(['firing', 'resolved']);
  }, 240_000);

  it('sends after a restart an alarm still open that the receiver never got, once, and then its clear', async () => {
    // A is back in the pool: the receiver fails again, C fails, W2 takes the spare and the pool is empty once more.
    await until('no transfer open', async () => {
      const reply = await fetch(`${api}/api/v1/transfers?open=true`, { headers: { authorization: `Bearer ${token}` } });
      return ((await reply.json()) as { items: unknown[] }).items.length === 0;
    });
    const id = 'pool.empty/pool';
    const before = hook.of(id).length;
    const scriptBefore = seen().filter((s) => s.includes(`CASCADE_alert_alarm=${id}\n`)).length;
    hook.mode = 'fail';
    const mark = (await events()).at(-1)!.seq;
    await cascade('fail', 'C', '--data', data);
    const raised = await until('pool.empty raised again', async () =>
      (await events()).find((e) => e.type === 'alarm.raised' && e.subject === 'pool' && e.seq > mark),
    );
    await until('a retry of a notice to the receiver', async () =>
      (await events()).some((e) => e.type === 'notification.retry' && e.seq > raised.seq),
    );
    await until(
      'the script told',
      async () => seen().filter((s) => s.includes(`CASCADE_alert_alarm=${id}\n`)).length > scriptBefore,
    );
    // Stopped while the webhook still retries: the next start owes it the open alarm, and only that destination.
    await serve.stop();
    hook.mode = 'take';
    serve = start();
    api = await ready(serve);
    await until('the open alarm after the restart', async () => hook.of(id).length > before);
    expect(hook.bodies.filter((b) => b.alarm?.id === id).at(-1)).toMatchObject({
      status: 'firing',
      event: { seq: raised.seq },
    });
    await cascade('repair', 'C', '--data', data);
    await until('the clear after the restart', async () => hook.of(id).length > before + 1);
    expect(hook.of(id).slice(before, before + 2)).toStrictEqual(['firing', 'resolved']);
    const seqs = hook.bodies.map((b) => b.event.seq);
    expect(new Set(seqs).size, `sent twice: ${seqs.join(' ')}`).toBe(seqs.length);
    await until(
      'the script ran for the clear',
      async () => seen().filter((s) => s.includes(`CASCADE_alert_alarm=${id}\n`)).length > scriptBefore + 1,
    );
    const scriptSeqs = seen().flatMap((s) => /CASCADE_alert_seq=(\d+)/.exec(s)?.[1] ?? []);
    expect(new Set(scriptSeqs).size, `run twice: ${scriptSeqs.join(' ')}`).toBe(scriptSeqs.length);
  }, 240_000);
});
