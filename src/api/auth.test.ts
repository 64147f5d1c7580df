// Security through real HTTP: every route's roles (401, 403), failed-login limiting, TLS, and credentials never leaving.
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import type { TokenRole } from '../ports/store.js';
import { eventually } from '../orchestrator/testing/harness.js';
import { transfer } from '../store/store-contract-records.js';
import { apiHarness, FOUR_SERVERS, type ApiHarness } from './testing/api-harness.js';

let t: ApiHarness | null = null;
afterEach(async () => {
  await t?.stop();
  t = null;
});

const BELOW: Readonly<Record<TokenRole | 'public', readonly TokenRole[]>> = {
  public: [],
  viewer: [],
  operator: ['viewer'],
  admin: ['viewer', 'operator'],
};

/** A concrete URL for a route pattern: ids that need not exist, since the refusal comes first. */
function concrete(path: string): string {
  return path.replace(':id', path.startsWith('/api/v1/proposals') ? '1' : 'A');
}

describe('roles', () => {
  it('every route but /healthz answers 401 without a token or with a bad one, and 403 to each lower role; nothing changes', async () => {
    t = await apiHarness(FOUR_SERVERS, { emulator: true });
    await t.h.settle();
    const before = {
      events: await t.h.events(),
      blades: await t.h.store.blades(),
      workloads: await t.h.store.workloads(),
      policy: await t.h.store.policy(),
      tokens: await t.h.store.tokens(),
    };
    const body = { on: true, id: 'W9', requirements: { storageTB: 1 }, fail: ['A'], role: 'viewer', minImprovement: 1 };
    let checked = 0;
    for (const r of t.api.routes) {
      const url = concrete(r.path);
      const send = r.method === 'GET' || r.method === 'DELETE' ? {} : { body };
      if (r.access === 'public') {
        expect((await t.request(r.method, url, { as: null })).status, `${r.method} ${r.path}`).toBe(200);
        continue;
      }
      const none = await t.request(r.method, url, { as: null, ...send });
      expect(none.status, `${r.method} ${r.path} without a token`).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer');
      expect(none.body).toMatchObject({ error: { code: 'unauthenticated' } });
      for (const raw of [`cascade_${'x'.repeat(43)}`, 'not-a-token', '']) {
        const bad = await t.request(r.method, url, { as: { raw }, ...send });
        expect(bad.status, `${r.method} ${r.path} with token "${raw}"`).toBe(401);
      }
      const basic = await t.request(r.method, url, {
        as: null,
        headers: { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` },
        ...send,
      });
      expect(basic.status).toBe(401);
      for (const role of BELOW[r.access]) {
        const low = await t.request(r.method, url, { as: role, ...send });
        expect(low.status, `${r.method} ${r.path} as ${role}`).toBe(403);
        expect(low.body).toMatchObject({ error: { code: 'forbidden' } });
      }
      checked++;
    }
    expect(checked).toBe(t.api.routes.length - 1);
    expect(await t.h.events()).toEqual(before.events);
    expect({
      blades: await t.h.store.blades(),
      workloads: await t.h.store.workloads(),
      policy: await t.h.store.policy(),
      tokens: await t.h.store.tokens(),
    }).toEqual({ blades: before.blades, workloads: before.workloads, policy: before.policy, tokens: before.tokens });
    // The emulator hook was never reached: A still runs W1.
    expect(t.h.world.runningOn('W1')).toEqual(['A']);
  });

  it('hides unknown paths behind 401 without a token, 404 with one', async () => {
    t = await apiHarness(FOUR_SERVERS);
    expect((await t.request('GET', '/api/v1/secret-admin-page', { as: null })).status).toBe(401);
    const known = await t.request('GET', '/api/v1/secret-admin-page', { as: 'viewer' });
    expect(known.status).toBe(404);
    expect(known.body).toMatchObject({ error: { code: 'not-found' } });
  });

  it('records every change with the token that made it', async () => {
    t = await apiHarness(FOUR_SERVERS);
    await t.h.settle();
    t.h.world.addWorkload({ id: 'W2', requirements: { storageTB: 300 } });
    await t.request('POST', '/api/v1/workloads', {
      as: 'operator',
      body: { id: 'W2', requirements: { storageTB: 300 } },
    });
    await t.request('PUT', '/api/v1/blades/D/maintenance', { as: 'operator', body: { on: true } });
    await t.request('PATCH', '/api/v1/policy', { as: 'admin', body: { cooldownSeconds: 5 } });
    const byApi = (await t.h.events()).filter((e) =>
      ['workload.submitted', 'blade.maintenance', 'policy.changed'].includes(e.type),
    );
    expect(byApi.map((e) => [e.type, e.actor])).toEqual([
      ['workload.submitted', 'token:operator-1'],
      ['blade.maintenance', 'token:operator-1'],
      ['policy.changed', 'token:admin-1'],
    ]);
  });
});

describe('failed logins', () => {
  it('are limited per address (429 with Retry-After), while a valid token keeps working', async () => {
    t = await apiHarness(FOUR_SERVERS, { failedLogins: { max: 5, windowMs: 60_000 } });
    for (let i = 0; i < 5; i++)
      expect((await t.request('GET', '/api/v1/blades', { as: { raw: `cascade_${'y'.repeat(43)}` } })).status).toBe(401);
    const limited = await t.request('GET', '/api/v1/blades', { as: { raw: `cascade_${'y'.repeat(43)}` } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ error: { code: 'rate-limited' } });
    expect((await t.request('GET', '/api/v1/blades', { as: null })).status).toBe(429);
    expect((await t.request('GET', '/api/v1/blades', { as: 'viewer' })).status).toBe(200);
    expect((await t.request('GET', '/healthz', { as: null })).status).toBe(200);
  });
});

describe('TLS', () => {
  it('serves HTTPS with the given certificate and nothing in plain HTTP', async () => {
    const dir = join(import.meta.dirname, 'testing');
    const ca = readFileSync(join(dir, 'test-tls.crt'));
    t = await apiHarness(FOUR_SERVERS, { tls: { cert: ca, key: readFileSync(join(dir, 'test-tls.key')) } });
    expect(t.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const answer = await new Promise<{ status: number; body: string; protocol: string }>((resolve, reject) => {
      const req = httpsRequest(
        `${t!.url}/api/v1/blades/A`,
        { ca, headers: { authorization: `Bearer ${t!.tokens.viewer}` } },
        (res) => {
          const protocol = (res.socket as TLSSocket).getProtocol() ?? '';
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, protocol }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ id: 'A' });
    expect(answer.protocol).toMatch(/^TLSv1\.[23]$/);
    await expect(
      fetch(`${t.url.replace('https:', 'http:')}/healthz`, { signal: AbortSignal.timeout(5_000) }),
    ).rejects.toThrow();
  });
});

describe('driver credentials', () => {
  const SECRET = 'Rf-P@ss:w0rd/9!';

  it('never appear in an answer, the event stream or a log line, wherever they were planted', async () => {
    t = await apiHarness(FOUR_SERVERS, {
      secrets: [SECRET],
      emulator: {
        failBlade: () =>
          Promise.reject(
            new Error(`POST https://admin:${SECRET}@10.0.0.5/redfish/v1/Systems/A/Actions/ComputerSystem.Reset: 500`),
          ),
      },
    });
    await t.h.settle();
    // Planted where a careless driver could leave them: an endpoint URL, a step error, event data.
    const a = await t.h.store.blade('A');
    await t.h.store.commit({
      blades: [{ ...a!, endpoint: `redfish:https://admin:${SECRET}@10.0.0.5` }],
      transfers: [
        transfer('T-leak', {
          workload: 'W1',
          status: 'aborted',
          steps: [
            {
              name: 'fence',
              status: 'failed',
              attempt: 1,
              startedAt: 1,
              endedAt: 2,
              error: `basic auth admin:${SECRET} refused`,
              output: null,
            },
          ],
        }),
      ],
      events: [
        {
          at: Date.now(),
          actor: 'driver:redfish',
          type: 'transfer.step.failed',
          subject: 'T-leak',
          data: { error: `password=${SECRET}`, json: JSON.stringify({ password: SECRET }) },
        },
      ],
    });
    const answers: string[] = [];
    const get = async (path: string): Promise<void> => {
      answers.push((await t!.request('GET', path, { as: 'admin' })).text);
    };
    for (const path of [
      '/api/v1/blades',
      '/api/v1/blades/A',
      '/api/v1/pool',
      '/api/v1/transfers',
      '/api/v1/transfers/T-leak',
      '/api/v1/events?after=0&limit=1000',
      '/api/v1/workloads/W1',
      '/api/v1/candidates',
      '/metrics',
      '/openapi.json',
      '/readyz',
    ])
      await get(path);
    const failed = await t.request('POST', '/api/v1/blades/A/fail', { as: 'operator' });
    expect(failed.status).toBe(500);
    answers.push(failed.text);
    answers.push(await readStream(t, '/api/v1/events?after=0'));

    // The planted records were served, with the credentials taken out.
    expect(answers.join('\n')).toContain('redfish:https://10.0.0.5');
    expect(answers.some((a) => a.includes('[redacted]'))).toBe(true);
    for (const answer of answers) expect(answer).not.toContain(SECRET);
    for (const answer of answers) expect(answer).not.toContain('w0rd'); // not even a piece of it
    for (const answer of answers) expect(answer).not.toContain(encodeURIComponent(SECRET));
    await eventually(() => t!.logs.some((l) => l.includes('request failed')), 2000, 'the failure logged');
    const logs = t.logs.join('\n');
    expect(logs).toContain('[redacted]');
    expect(logs).not.toContain(SECRET);
    expect(logs).not.toContain('w0rd');
    for (const token of Object.values(t.tokens)) expect(logs).not.toContain(token);
  });
});

/** Reads an event stream until it has been quiet briefly, then hangs up. */
async function readStream(t: ApiHarness, path: string): Promise<string> {
  const controller = new AbortController();
  const response = await fetch(`${t.url}${path}`, {
    headers: { authorization: `Bearer ${t.tokens.viewer}`, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  let text = '';
  for (;;) {
    const next = await Promise.race([
      reader.read(),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 300)),
    ]);
    if (next === null || next.done) break;
    text += Buffer.from(next.value).toString();
  }
  controller.abort();
  return text;
}
