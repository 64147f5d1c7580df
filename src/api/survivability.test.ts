// Survivability over real HTTP: the report kept current, the metrics, the audit event, the maintenance what-if,
// and admission control on submits, maintenance and policy changes (never on failovers).
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../orchestrator/testing/harness.js';
import { apiHarness, FOUR_SERVERS, type ApiHarness } from './testing/api-harness.js';

interface Report {
  readonly verdict: string;
  readonly kinds: { kind: string; survives: number }[];
}

let t: ApiHarness | null = null;
afterEach(async () => {
  await t?.stop();
  t = null;
});

async function fourServers(): Promise<ApiHarness> {
  const made = await apiHarness(FOUR_SERVERS, {
    emulator: true,
    survivability: { watch: true, labels: { powerFeed: { c1: 'A', c2: 'B' } } },
  });
  await made.h.settle();
  return made;
}

const report = async (h: ApiHarness): Promise<Report> =>
  ((await h.request('GET', '/api/v1/survivability', { as: 'viewer' })).body as { report: Report }).report;
const events = async (h: ApiHarness, type: string) =>
  (
    (await h.request('GET', '/api/v1/events?after=0&limit=1000', { as: 'viewer' })).body as {
      items: { type: string; data: Record<string, unknown> }[];
    }
  ).items.filter((e) => e.type === type);
const admission = (mode: string) => ({ admission: { mode, k: 1, domains: ['blade'] } });

describe('GET /api/v1/survivability', () => {
  it('reports what is survived, at another level on request, and the drain what-if', async () => {
    t = await fourServers();
    expect(await report(t)).toMatchObject({
      verdict:
        'survives any 2 blade failures and any 1 chassis failure; does not survive chassis c1 + chassis c2 (W1 priority 0 has no standby blade left)',
      kinds: [
        { kind: 'blade', survives: 2 },
        { kind: 'chassis', survives: 1 },
      ],
    });
    const feeds = await t.request('GET', '/api/v1/survivability?domain=powerFeed&k=1', { as: 'viewer' });
    expect((feeds.body as { report: Report }).report.kinds).toMatchObject([{ kind: 'powerFeed', survives: 1 }]);
    const drained = await t.request('GET', '/api/v1/survivability?maintenance=c2', { as: 'viewer' });
    expect(drained.status).toBe(200);
    expect(drained.body).toMatchObject({
      drain: { blades: ['C', 'D'], moves: [], stuck: [] },
      after: {
        kinds: [
          { kind: 'blade', survives: 1 },
          { kind: 'chassis', survives: 0 },
        ],
      },
    });
    const unknown = await t.request('GET', '/api/v1/survivability?maintenance=nope', { as: 'viewer' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: { field: 'query.maintenance' } });
  });

  it('follows pool changes: the gauges are scraped, and a worse verdict is an audit event', async () => {
    t = await fourServers();
    const scrape = async (): Promise<string> => (await t!.request('GET', '/metrics', { as: 'viewer' })).text;
    const metrics = await scrape();
    expect(metrics).toMatch(/^cascade_survivable_failures\{domain="blade"\} 2$/m);
    expect(metrics).toMatch(/^cascade_survivable_failures\{domain="chassis"\} 1$/m);
    expect(metrics).toMatch(/^cascade_unprotected_workloads 0$/m);
    for (const blade of ['D', 'C'])
      expect(
        (await t.request('PUT', `/api/v1/blades/${blade}/maintenance`, { as: 'operator', body: { on: true } })).status,
      ).toBe(200);
    await eventually(
      async () => (await report(t!)).kinds[0]!.survives === 1,
      5000,
      'the report after two blades left the pool',
    );
    await eventually(
      async () => (await events(t!, 'survivability.worse')).length > 0,
      5000,
      'a survivability.worse event',
    );
    const worse = (await events(t, 'survivability.worse')).at(-1)!;
    expect(worse.data['after']).toMatch(
      /^survives any 1 blade failure; does not survive chassis c1 \(W1 priority 0 has no standby blade left\)/,
    );
    expect(await scrape()).toMatch(/^cascade_survivable_failures\{domain="chassis"\} 0$/m);
  });
});

describe('admission control', () => {
  it('enforce refuses maintenance and submits that break the protected level, naming the combination', async () => {
    t = await fourServers();
    expect((await t.request('PATCH', '/api/v1/policy', { body: admission('enforce') })).status).toBe(200);
    for (const blade of ['D', 'C'])
      expect(
        (await t.request('PUT', `/api/v1/blades/${blade}/maintenance`, { as: 'operator', body: { on: true } })).status,
      ).toBe(200);
    const refused = await t.request('PUT', '/api/v1/blades/B/maintenance', { as: 'operator', body: { on: true } });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: { code: 'survivability' } });
    expect((refused.body as { error: { message: string } }).error.message).toBe(
      'refused by admission control: maintenance of B would no longer survive blade A (W1 priority 0 has no standby blade left), below the protected level: any 1 failure of blade',
    );
    expect((await t.h.store.blade('B'))!.state).toBe('standby');
    const submit = await t.request('POST', '/api/v1/workloads', {
      as: 'operator',
      body: { id: 'W2', requirements: { storageTB: 100 } },
    });
    expect(submit.status).toBe(409);
    expect(await t.h.store.workload('W2')).toBeNull();
    expect((await events(t, 'admission.refused')).map((e) => e.data['action'])).toEqual(['maintenance', 'submit']);
  });

  it('warn accepts what breaks the level, with an audit event naming it', async () => {
    t = await fourServers();
    expect((await t.request('PATCH', '/api/v1/policy', { body: admission('warn') })).status).toBe(200);
    for (const blade of ['D', 'C', 'B'])
      expect(
        (await t.request('PUT', `/api/v1/blades/${blade}/maintenance`, { as: 'operator', body: { on: true } })).status,
      ).toBe(200);
    expect((await events(t, 'admission.warned')).map((e) => e.data['message'])).toEqual([
      expect.stringMatching(/^would no longer survive blade A /),
    ]);
  });

  it('never refuses a failover, even with enforce and the last spare', async () => {
    t = await fourServers();
    expect((await t.request('PATCH', '/api/v1/policy', { body: admission('enforce') })).status).toBe(200);
    for (const blade of ['D', 'C'])
      expect(
        (await t.request('PUT', `/api/v1/blades/${blade}/maintenance`, { as: 'operator', body: { on: true } })).status,
      ).toBe(200);
    expect((await t.request('POST', '/api/v1/blades/A/fail', { as: 'operator' })).status).toBeLessThan(300);
    await eventually(async () => (await t!.h.store.workload('W1'))?.blade === 'B', 5000, 'W1 failing over to B');
  });
});
