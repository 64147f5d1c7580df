// Every route of the API through real HTTP on 127.0.0.1, against a controller on fakes.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../orchestrator/testing/harness.js';
import { apiHarness, FOUR_SERVERS, type ApiHarness } from './testing/api-harness.js';

type Json = Record<string, unknown>;
const items = (body: unknown): Json[] => (body as { items: Json[] }).items;

let t: ApiHarness | null = null;
/** Routes that answered 2xx in any test of this file: every route must be among them. */
const covered = new Set<string>();
const allRoutes = new Set<string>();

afterEach(async () => {
  if (t) {
    for (const hit of t.hits) covered.add(hit);
    for (const r of t.api.routes) allRoutes.add(`${r.method} ${r.path}`);
    await t.stop();
  }
  t = null;
});

afterAll(() => {
  expect([...allRoutes].filter((r) => !covered.has(r))).toEqual([]);
});

async function fourServers(options: Parameters<typeof apiHarness>[1] = {}): Promise<ApiHarness> {
  const made = await apiHarness(FOUR_SERVERS, options);
  await made.h.settle();
  return made;
}

describe('blades', () => {
  it('lists with filters and pages by id', async () => {
    t = await fourServers();
    const all = await t.request('GET', '/api/v1/blades', { as: 'viewer' });
    expect(all.status).toBe(200);
    expect(items(all.body).map((b) => [b['id'], b['state'], b['workload']])).toEqual([
      ['A', 'active', 'W1'],
      ['B', 'standby', null],
      ['C', 'standby', null],
      ['D', 'standby', null],
    ]);
    expect(all.body).toMatchObject({ total: 4, next: null });
    expect(items(all.body)[0]).toMatchObject({
      location: { chassis: 'c1', slot: 1 },
      resources: { storageTB: 200 },
      power: 'on',
      health: 'ok',
    });

    const standby = await t.request('GET', '/api/v1/blades?state=standby&chassis=c2', { as: 'viewer' });
    expect(items(standby.body).map((b) => b['id'])).toEqual(['C', 'D']);

    const first = await t.request('GET', '/api/v1/blades?limit=3', { as: 'viewer' });
    expect(first.body).toMatchObject({ next: 'C', total: 4 });
    const second = await t.request('GET', '/api/v1/blades?limit=3&after=C', { as: 'viewer' });
    expect(items(second.body).map((b) => b['id'])).toEqual(['D']);
    expect(second.body).toMatchObject({ next: null, total: 4 });
  });

  it('shows one blade with its workload’s fit; 404 for an unknown one', async () => {
    t = await fourServers();
    const a = await t.request('GET', '/api/v1/blades/A', { as: 'viewer' });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({
      id: 'A',
      workload: 'W1',
      fit: { deficit: 0, surplus: 0, feasible: true },
      transfers: [],
    });
    const missing = await t.request('GET', '/api/v1/blades/nope', { as: 'viewer' });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: { code: 'not-found', field: 'params.id' } });
  });

  it('puts a blade into maintenance and out, repairs it, and refuses what does not apply with 409', async () => {
    t = await fourServers();
    const on = await t.request('PUT', '/api/v1/blades/B/maintenance', { as: 'operator', body: { on: true } });
    expect(on.status).toBe(200);
    expect(on.body).toMatchObject({ id: 'B', state: 'maintenance' });
    const pool = await t.request('GET', '/api/v1/pool', { as: 'viewer' });
    expect(items(pool.body).map((b) => b['id'])).toEqual(['C', 'D']);
    const off = await t.request('PUT', '/api/v1/blades/B/maintenance', { as: 'operator', body: { on: false } });
    expect(off.body).toMatchObject({ id: 'B', state: 'standby' });
    const again = await t.request('PUT', '/api/v1/blades/B/maintenance', { as: 'operator', body: { on: false } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'conflict' } });

    await t.request('PUT', '/api/v1/blades/C/maintenance', { as: 'operator', body: { on: true } });
    const repaired = await t.request('POST', '/api/v1/blades/C/repair', { as: 'operator' });
    expect(repaired.status).toBe(200);
    expect(repaired.body).toMatchObject({ id: 'C', state: 'standby' });
    expect((await t.request('POST', '/api/v1/blades/A/repair', { as: 'operator' })).status).toBe(409);
    expect((await t.request('POST', '/api/v1/blades/zz/repair', { as: 'operator' })).status).toBe(404);
    const actors = (await t.h.events())
      .filter((e) => e.type === 'blade.maintenance' || e.type === 'blade.repaired')
      .map((e) => e.actor);
    expect(new Set(actors)).toEqual(new Set(['token:operator-1']));
  });

  it('injects a failure in the emulator; the workload fails over and the transfer shows its steps and timings', async () => {
    t = await fourServers({ emulator: true });
    const failed = await t.request('POST', '/api/v1/blades/A/fail', { as: 'operator' });
    expect(failed.status).toBe(202);
    await eventually(async () => (await t!.h.store.workload('W1'))?.blade === 'C', 5000, 'failover to C');
    await t.h.settle();

    const list = await t.request('GET', '/api/v1/transfers', { as: 'viewer' });
    expect(items(list.body).map((x) => [x['kind'], x['from'], x['to'], x['status']])).toEqual([
      ['failover', 'A', 'C', 'done'],
    ]);
    const id = String(items(list.body)[0]!['id']);
    const one = await t.request('GET', `/api/v1/transfers/${id}`, { as: 'viewer' });
    expect(one.status).toBe(200);
    const steps = (one.body as { steps: Json[] }).steps;
    expect(steps.map((s) => [s['name'], s['status']])).toEqual(
      ['capture', 'fence', 'attach', 'start', 'restore', 'verify'].map((n) => [n, 'succeeded']),
    );
    for (const s of steps) expect(s['durationMs']).toBeGreaterThanOrEqual(0);
    expect((one.body as Json)['durationMs']).toBeGreaterThanOrEqual(0);
    expect((await t.request('GET', '/api/v1/transfers/nope', { as: 'viewer' })).status).toBe(404);
    const injected = (await t.h.events()).find((e) => e.type === 'emulator.fail');
    expect(injected).toMatchObject({ actor: 'token:operator-1', subject: 'A' });
  });
});

describe('workloads', () => {
  it('lists, shows one, submits (201), sets requirements and finishes', async () => {
    t = await fourServers();
    const list = await t.request('GET', '/api/v1/workloads', { as: 'viewer' });
    expect(items(list.body)).toMatchObject([{ id: 'W1', blade: 'A', state: 'running', fit: { surplus: 0 } }]);

    t.h.world.addWorkload({ id: 'W2', requirements: { storageTB: 300 } }); // the fake hypervisor knows it, not yet Cascade
    const submitted = await t.request('POST', '/api/v1/workloads', {
      as: 'operator',
      body: { id: 'W2', requirements: { storageTB: 300 }, priority: 5 },
    });
    expect(submitted.status).toBe(201);
    expect(submitted.headers.get('location')).toBe('/api/v1/workloads/W2');
    expect(submitted.body).toMatchObject({ id: 'W2', state: 'pending', priority: 5, source: 'declared' });
    expect(
      (
        await t.request('POST', '/api/v1/workloads', {
          as: 'operator',
          body: { id: 'W2', requirements: { storageTB: 1 } },
        })
      ).status,
    ).toBe(409);
    await eventually(async () => (await t!.h.store.workload('W2'))?.blade === 'C', 5000, 'W2 placed on C');
    await t.h.settle();

    const one = await t.request('GET', '/api/v1/workloads/W2', { as: 'viewer' });
    expect(one.body).toMatchObject({ id: 'W2', blade: 'C', state: 'running', fit: { deficit: 0, surplus: 0 } });
    expect(((one.body as Json)['transfers'] as Json[]).map((x) => x['kind'])).toEqual(['place']);
    const onC = await t.request('GET', '/api/v1/workloads?blade=C', { as: 'viewer' });
    expect(items(onC.body).map((w) => w['id'])).toEqual(['W2']);

    const bigger = await t.request('PUT', '/api/v1/workloads/W2/requirements', {
      as: 'operator',
      body: { requirements: { storageTB: 1000 } },
    });
    expect(bigger.status).toBe(200);
    expect(bigger.body).toMatchObject({ requirements: { storageTB: 1000 }, source: 'declared' });
    await eventually(async () => (await t!.h.store.workload('W2'))?.blade === 'D', 5000, 'W2 cascades to D');
    await t.h.settle();

    const finished = await t.request('POST', '/api/v1/workloads/W2/finish', { as: 'operator' });
    expect(finished.status).toBe(200);
    expect(finished.body).toMatchObject({ state: 'finished', blade: null });
    expect((await t.request('GET', '/api/v1/blades/D', { as: 'viewer' })).body).toMatchObject({
      state: 'standby',
      workload: null,
    });
    expect((await t.request('GET', '/api/v1/workloads?state=finished', { as: 'viewer' })).body).toMatchObject({
      total: 1,
    });
    expect((await t.request('GET', '/api/v1/workloads/nope', { as: 'viewer' })).status).toBe(404);
    expect((await t.request('POST', '/api/v1/workloads/nope/finish', { as: 'operator' })).status).toBe(404);
    // A workload the hypervisor does not know is refused; a pending one is withdrawn; a running one is not.
    const ghost = await t.request('POST', '/api/v1/workloads', {
      as: 'operator',
      body: { id: 'ghost', requirements: { storageTB: 1 } },
    });
    expect(ghost).toMatchObject({ status: 422, body: { error: { code: 'unknown-workload', field: 'body.id' } } });
    t.h.world.addWorkload({ id: 'W9', requirements: { cpuArch: 'sparc' } });
    expect(
      (
        await t.request('POST', '/api/v1/workloads', {
          as: 'operator',
          body: { id: 'W9', requirements: { cpuArch: 'sparc' } },
        })
      ).status,
    ).toBe(201);
    expect(await t.request('DELETE', '/api/v1/workloads/W9', { as: 'operator' })).toMatchObject({
      status: 200,
      body: { id: 'W9', state: 'finished' },
    });
    expect((await t.request('DELETE', '/api/v1/workloads/W1', { as: 'operator' })).status).toBe(409);
  });
});

describe('transfers and approvals', () => {
  it('lists proposals while approval is on; approve starts the cascade, reject keeps the workload', async () => {
    t = await apiHarness(
      { ...FOUR_SERVERS, blades: FOUR_SERVERS.blades.filter((b) => b.id !== 'C'), policy: { requireApproval: true } },
      { emulator: true },
    );
    await t.h.settle();
    await t.request('POST', '/api/v1/blades/A/fail', { as: 'operator' });
    await eventually(async () => (await t!.h.store.workload('W1'))?.blade === 'B', 5000, 'failover to B');
    t.h.world.addBlade({ id: 'C', resources: { storageTB: 300 }, power: 'off' });
    await t.h.controller.discover();
    await t.h.settle();

    const proposals = await t.request('GET', '/api/v1/proposals?status=proposed', { as: 'viewer' });
    expect(items(proposals.body)).toMatchObject([{ workload: 'W1', from: 'B', to: 'C', status: 'proposed' }]);
    const id = Number(items(proposals.body)[0]!['id']);
    expect((await t.request('POST', `/api/v1/proposals/${id}/approve`, { as: 'viewer' })).status).toBe(403);
    const approved = await t.request('POST', `/api/v1/proposals/${id}/approve`, { as: 'operator' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ id, status: 'approved', decidedBy: 'token:operator-1' });
    await eventually(async () => (await t!.h.store.workload('W1'))?.blade === 'C', 5000, 'cascade to C');
    await t.h.settle();
    expect((await t.request('POST', `/api/v1/proposals/${id}/reject`, { as: 'operator' })).status).toBe(409);
    expect((await t.request('POST', '/api/v1/proposals/99999/approve', { as: 'operator' })).status).toBe(404);

    const newestFirst = await t.request('GET', '/api/v1/transfers?order=desc&limit=1', { as: 'viewer' });
    expect(items(newestFirst.body)).toMatchObject([{ kind: 'cascade', from: 'B', to: 'C' }]);
    const cursor = String((newestFirst.body as Json)['next']);
    const older = await t.request('GET', `/api/v1/transfers?order=desc&limit=1&after=${cursor}`, { as: 'viewer' });
    expect(items(older.body)).toMatchObject([{ kind: 'failover' }]);
    const closed = await t.request('GET', '/api/v1/transfers?open=false&kind=cascade', { as: 'viewer' });
    expect((closed.body as Json)['total']).toBe(1);

    // A second proposal, rejected with a reason.
    t.h.world.addBlade({ id: 'E', resources: { storageTB: 200 }, power: 'off' });
    await t.h.controller.discover();
    await t.h.settle();
    const second = items((await t.request('GET', '/api/v1/proposals?status=proposed', { as: 'viewer' })).body);
    expect(second).toMatchObject([{ from: 'C', to: 'E' }]);
    const rejected = await t.request('POST', `/api/v1/proposals/${String(second[0]!['id'])}/reject`, {
      as: 'operator',
      body: { reason: 'not during the audit' },
    });
    expect(rejected.body).toMatchObject({ status: 'rejected', reason: 'not during the audit' });
    expect((await t.h.store.workload('W1'))?.blade).toBe('C');
  });
});

describe('planning', () => {
  it('shows candidates (Table 3) with fits and moves, the pool (Table 4), and a what-if plan that changes nothing', async () => {
    t = await fourServers({ emulator: true });
    await t.request('POST', '/api/v1/blades/A/fail', { as: 'operator' });
    await eventually(async () => (await t!.h.store.workload('W1'))?.blade === 'C', 5000, 'failover to C');
    await t.h.settle();
    const candidates = await t.request('GET', '/api/v1/candidates', { as: 'viewer' });
    expect(candidates.status).toBe(200);
    expect(items(candidates.body)).toMatchObject([
      { workload: 'W1', blade: 'C', fit: { deficit: 0, surplus: 0.5 }, frozen: false, move: null },
    ]);
    expect((candidates.body as Json)['totals']).toMatchObject({ surplus: 0.5, deficit: 0, running: 1 });
    const pool = await t.request('GET', '/api/v1/pool', { as: 'viewer' });
    expect(pool.body).toMatchObject({ size: 2 });
    expect(items(pool.body).map((b) => b['id'])).toEqual(['B', 'D']);

    const before = await t.h.events();
    const plan = await t.request('POST', '/api/v1/plan', { as: 'viewer', body: { fail: ['C'] } });
    expect(plan.status).toBe(200);
    expect(plan.body).toMatchObject({
      fail: ['C'],
      placements: [{ workload: 'W1', kind: 'failover', from: 'C', to: 'B' }],
      pending: [],
      rounds: [],
      pool: ['D'],
      placementsAfter: { W1: 'B' },
    });
    expect(((plan.body as Json)['placements'] as Json[])[0]!['runnersUp']).toMatchObject([
      { blade: 'D', lost: 'worse-fit' },
    ]);
    // Every blade left out of the failover's choice, with the one eligibility rule's reason.
    expect((plan.body as Json)['excluded']).toEqual({
      counts: [{ reason: 'failed', count: 2 }],
      blades: [
        { blade: 'A', reason: 'failed', text: 'failed' },
        { blade: 'C', reason: 'failed', text: 'failed' },
      ],
    });
    expect(await t.h.events()).toEqual(before);
    expect((await t.h.store.workload('W1'))?.blade).toBe('C');
    const unknown = await t.request('POST', '/api/v1/plan', { as: 'viewer', body: { fail: ['C', 'nope'] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: { field: 'body.fail[1]' } });
  });

  it('reads the policy, and changes it (admin) with an audit event naming the token', async () => {
    t = await fourServers();
    const read = await t.request('GET', '/api/v1/policy', { as: 'viewer' });
    expect(read.body).toMatchObject({ minImprovement: 0.05, requireApproval: false, cooldownSeconds: 0 });
    const changed = await t.request('PATCH', '/api/v1/policy', {
      as: 'admin',
      body: { minImprovement: 0.2, weights: { storageTB: 2 } },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ minImprovement: 0.2, weights: { storageTB: 2 }, maxConcurrentTransfers: 4 });
    expect(await t.h.store.policy()).toMatchObject({ minImprovement: 0.2, weights: { storageTB: 2 } });
    const event = (await t.h.events()).find((e) => e.type === 'policy.changed');
    expect(event).toMatchObject({
      actor: 'token:admin-1',
      data: { changes: { minImprovement: 0.2, weights: { storageTB: 2 } } },
    });
    expect((await t.request('PATCH', '/api/v1/policy', { as: 'operator', body: { minImprovement: 0.1 } })).status).toBe(
      403,
    );
  });
});

describe('events, tokens, system', () => {
  it('pages the audit log by seq', async () => {
    t = await fourServers();
    const first = await t.request('GET', '/api/v1/events?limit=2', { as: 'viewer' });
    expect(first.status).toBe(200);
    const page = first.body as { items: { seq: number }[]; next: number; more: boolean };
    expect(page.items).toHaveLength(2);
    expect(page.more).toBe(true);
    const next = await t.request('GET', `/api/v1/events?after=${page.next}&limit=1000`, { as: 'viewer' });
    const rest = (next.body as { items: { seq: number }[] }).items;
    expect(rest[0]!.seq).toBeGreaterThan(page.next);
    expect([...page.items, ...rest]).toEqual(await t.h.events());
  });

  it('creates a token whose secret works once shown, lists tokens without secrets, and revokes', async () => {
    t = await fourServers();
    const created = await t.request('POST', '/api/v1/tokens', { as: 'admin', body: { role: 'operator', name: 'ci' } });
    expect(created.status).toBe(201);
    const secret = String((created.body as Json)['token']);
    expect(secret).toMatch(/^cascade_/);
    const mine = await t.request('GET', '/api/v1/blades', { as: { raw: secret } });
    expect(mine.status).toBe(200);
    const list = await t.request('GET', '/api/v1/tokens', { as: 'admin' });
    expect(
      items(list.body)
        .map((x) => x['name'])
        .sort(),
    ).toEqual(['admin-1', 'ci', 'operator-1', 'viewer-1']);
    expect(list.text).not.toContain(secret);
    expect(list.text).not.toContain('hash');
    expect(
      (await t.request('POST', '/api/v1/tokens', { as: 'admin', body: { role: 'viewer', name: 'ci' } })).status,
    ).toBe(409);
    const id = String((created.body as Json)['id']);
    const revoked = await t.request('DELETE', `/api/v1/tokens/${id}`, { as: 'admin' });
    expect(revoked.status).toBe(200);
    expect((revoked.body as Json)['revokedAt']).toEqual(expect.any(Number));
    expect((await t.request('GET', '/api/v1/blades', { as: { raw: secret } })).status).toBe(401);
    expect((await t.request('DELETE', '/api/v1/tokens/tok-nothing', { as: 'admin' })).status).toBe(404);
    const audit = (await t.h.events()).filter((e) => e.type.startsWith('token.'));
    expect(audit.map((e) => [e.type, e.actor])).toEqual([
      ['token.created', 'token:admin-1'],
      ['token.revoked', 'token:admin-1'],
    ]);
  });

  it('answers healthz without a token, readyz and metrics with one, and serves the OpenAPI document', async () => {
    t = await fourServers({ emulator: true });
    const health = await t.request('GET', '/healthz', { as: null });
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    expect((await t.request('GET', '/readyz', { as: null })).status).toBe(401);
    const ready = await t.request('GET', '/readyz', { as: 'viewer' });
    expect(ready.body).toEqual({ status: 'ready', checks: { controller: 'ok', store: 'ok' } });

    await t.request('POST', '/api/v1/blades/A/fail', { as: 'operator' });
    await eventually(async () => (await t!.h.store.workload('W1'))?.blade === 'C', 5000, 'failover to C');
    await t.h.settle();
    await eventually(
      async () => /cascade_failovers_total 1\b/.test((await t!.request('GET', '/metrics', { as: 'viewer' })).text),
      5000,
      'failover counted',
    );
    const metrics = await t.request('GET', '/metrics', { as: 'viewer' });
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.text).toMatch(/cascade_transfer_duration_seconds_count\{kind="failover",outcome="done"\} 1/);
    expect(metrics.text).toMatch(/cascade_standby_pool_blades 2/);
    expect(metrics.text).toMatch(/cascade_candidates 1/);
    expect(metrics.text).toMatch(/cascade_total_surplus 0.5/);
    expect(metrics.text).toMatch(/cascade_total_deficit 0/);
    expect(metrics.text).toMatch(/cascade_blades\{state="failed"\} 1/);
    expect(metrics.text).toMatch(/cascade_driver_errors_total/);

    const doc = await t.request('GET', '/openapi.json', { as: 'viewer' });
    expect(doc.body).toMatchObject({ openapi: '3.1.0' });
    expect(Object.keys((doc.body as { paths: Json }).paths)).toContain('/api/v1/blades/{id}');
  });
});

// What the dashboard needs: who the token is, "why this blade?", and the emulator's actions.
describe('replayed decisions', () => {
  it('recomputes the round that started a transfer from its stored snapshot, and what another policy would have done', async () => {
    t = await fourServers({ emulator: true });
    await t.request('POST', '/api/v1/blades/A/fail', { as: 'operator' });
    await eventually(async () => (await t!.h.store.workload('W1'))?.blade === 'C', 5000, 'failover to C');
    await t.h.settle();
    const failover = String(items((await t.request('GET', '/api/v1/transfers', { as: 'viewer' })).body)[0]!['id']);
    const why = await t.request('GET', `/api/v1/transfers/${failover}/decision?replay=1`, { as: 'viewer' });
    expect(why.status).toBe(200);
    expect(why.body).toMatchObject({
      chosen: { blade: 'C' },
      replay: {
        available: true,
        identical: true,
        outcome: { type: 'start', placement: { workload: 'W1', kind: 'failover', from: 'A', to: 'C' } },
      },
    });
    expect(
      (await t.request('GET', `/api/v1/transfers/${failover}/decision`, { as: 'viewer' })).body,
    ).not.toHaveProperty('replay');
    const other = await t.request('POST', `/api/v1/transfers/${failover}/decision/replay`, {
      as: 'viewer',
      body: { policy: { minImprovement: 0.5 } },
    });
    expect(other.status).toBe(200);
    expect(other.body).toMatchObject({
      identical: true,
      policy: { minImprovement: 0.05 },
      alternative: { policy: { minImprovement: 0.5 }, outcome: { type: 'start', placement: { to: 'C' } } },
    });
    const bad = await t.request('POST', `/api/v1/transfers/${failover}/decision/replay`, {
      as: 'viewer',
      body: { policy: { maxConcurrentTransfers: 0 } },
    });
    expect(bad.body).toMatchObject({ error: { code: 'invalid', field: 'body.policy.maxConcurrentTransfers' } });
  });
});

describe('session, decisions and the emulator’s actions', () => {
  it('says who the token is and whether the data center is emulated', async () => {
    t = await fourServers();
    const viewer = await t.request('GET', '/api/v1/session', { as: 'viewer' });
    expect(viewer.status).toBe(200);
    expect(viewer.body).toEqual({ name: 'viewer-1', role: 'viewer', actor: 'token:viewer-1', emulator: null });
    expect((await t.request('GET', '/api/v1/session', { as: null })).status).toBe(401);
    expect((await t.request('GET', '/api/v1/session', { as: { raw: `cascade_${'x'.repeat(43)}` } })).status).toBe(401);
    // Without an emulator its routes do not exist.
    expect(
      (await t.request('POST', '/api/v1/emulator/blades/A/faults', { as: 'operator', body: { kind: 'fail' } })).status,
    ).toBe(404);
  });

  it('injects a fault and repairs through the emulator; each transfer says why its blade, with the runners-up', async () => {
    t = await fourServers({ emulator: true });
    const session = await t.request('GET', '/api/v1/session', { as: 'operator' });
    expect(session.body).toMatchObject({
      role: 'operator',
      emulator: { faults: ['fail', 'power-loss', 'memory-fault', 'network-loss'], repair: true },
    });

    expect(
      (await t.request('POST', '/api/v1/emulator/blades/A/faults', { as: 'viewer', body: { kind: 'fail' } })).status,
    ).toBe(403);
    const bad = await t.request('POST', '/api/v1/emulator/blades/A/faults', {
      as: 'operator',
      body: { kind: 'meteor' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'invalid', field: 'body.kind' } });
    expect(
      (await t.request('POST', '/api/v1/emulator/blades/nope/faults', { as: 'operator', body: { kind: 'fail' } }))
        .status,
    ).toBe(404);

    const fault = await t.request('POST', '/api/v1/emulator/blades/A/faults', {
      as: 'operator',
      body: { kind: 'memory-fault' },
    });
    expect(fault.status).toBe(202);
    expect(fault.body).toMatchObject({
      blade: { id: 'A' },
      done: 'A reports uncorrectable memory errors: health critical',
    });
    await eventually(async () => (await t!.h.store.workload('W1'))?.blade === 'C', 5000, 'failover to C');
    await t.h.settle();

    const failover = items((await t.request('GET', '/api/v1/transfers', { as: 'viewer' })).body)[0]!;
    const why = await t.request('GET', `/api/v1/transfers/${String(failover['id'])}/decision`, { as: 'viewer' });
    expect(why.status).toBe(200);
    expect(why.body).toMatchObject({
      kind: 'failover',
      workload: 'W1',
      from: 'A',
      chosen: { blade: 'C', fit: { surplus: 0.5 } },
      recorded: true,
      proposal: null,
      drain: false,
    });
    expect((why.body as { runnersUp: Json[] }).runnersUp.map((r) => [r['blade'], r['lost']])).toEqual([
      ['B', 'worse-fit'],
      ['D', 'worse-fit'],
    ]);
    expect((await t.request('GET', '/api/v1/transfers/nope/decision', { as: 'viewer' })).status).toBe(404);

    expect((await t.request('POST', '/api/v1/emulator/blades/A/repair', { as: 'viewer' })).status).toBe(403);
    const repaired = await t.request('POST', '/api/v1/emulator/blades/A/repair', { as: 'operator' });
    expect(repaired.status).toBe(200);
    expect(repaired.body).toMatchObject({
      blade: { id: 'A', state: 'standby' },
      hardware: 'A repaired: healthy, reachable, powered as it was',
      controller: 'repaired: back in the standby pool',
    });
    await eventually(async () => (await t!.h.store.workload('W1'))?.blade === 'A', 5000, 'cascade home to A');
    await t.h.settle();
    const cascade = items((await t.request('GET', '/api/v1/transfers?order=desc', { as: 'viewer' })).body)[0]!;
    const home = await t.request('GET', `/api/v1/transfers/${String(cascade['id'])}/decision`, { as: 'viewer' });
    expect(home.body).toMatchObject({
      kind: 'cascade',
      from: 'C',
      chosen: { blade: 'A', fit: { deficit: 0, surplus: 0 } },
      recorded: true,
    });

    // Repairing a healthy blade fixes nothing in hardware, and the controller says why it took no action.
    const again = await t.request('POST', '/api/v1/emulator/blades/B/repair', { as: 'operator' });
    expect(again.status).toBe(200);
    expect((again.body as Json)['controller']).toMatch(/only a failed or maintenance blade can be repaired/);
    const actors = (await t.h.events())
      .filter((e) => e.type === 'emulator.fault' || e.type === 'blade.repaired')
      .map((e) => [e.type, e.actor]);
    expect(actors).toEqual([
      ['emulator.fault', 'token:operator-1'],
      ['blade.repaired', 'token:operator-1'],
    ]);
  });
});

describe('survivability', () => {
  it('answers what the four servers survive (details in survivability.test.ts)', async () => {
    t = await fourServers();
    const reply = await t.request('GET', '/api/v1/survivability', { as: 'viewer' });
    expect(reply.status).toBe(200);
    expect((reply.body as { report: { kinds: Json[] } }).report.kinds.map((k) => [k['kind'], k['survives']])).toEqual([
      ['blade', 2],
      ['chassis', 1],
    ]);
  });
});

// The operator's overrides: operator role, a reason required, recorded with the token's name and that reason.
describe('overrides', () => {
  it('fence confirm: operator only, a reason required, only for a failed blade; the waiting failover proceeds', async () => {
    t = await fourServers();
    const h = t.h;
    expect(
      (await t.request('POST', '/api/v1/blades/A/fence-confirm', { as: 'viewer', body: { reason: 'x' } })).status,
    ).toBe(403);
    const noReason = await t.request('POST', '/api/v1/blades/A/fence-confirm', { as: 'operator', body: {} });
    expect(noReason.status).toBe(400);
    expect(noReason.body).toMatchObject({ error: { field: 'body.reason' } });
    const notFailed = await t.request('POST', '/api/v1/blades/A/fence-confirm', {
      as: 'operator',
      body: { reason: 'looked' },
    });
    expect(notFailed.status).toBe(409);

    // A's BMC hangs and W1 stops with it: A fails, and its failover waits on a fence nobody can confirm.
    h.world.setReachable('A', false, { hang: true });
    h.world.losePower('A');
    await eventually(
      async () => (await h.store.transfers({ open: true })).some((x) => x.status === 'waiting'),
      8_000,
      'a waiting failover',
    );
    const ok = await t.request('POST', '/api/v1/blades/A/fence-confirm', {
      as: 'operator',
      body: { reason: 'A is dark at the rack' },
    });
    expect(ok.status).toBe(200);
    expect((ok.body as { transfers: string[] }).transfers).toHaveLength(1);
    await eventually(async () => (await h.store.workload('W1'))?.state === 'running', 8_000, 'W1 running again');
    const event = (await h.events()).find((e) => e.type === 'fence.confirmed');
    expect(event).toMatchObject({ subject: 'A', data: { reason: 'A is dark at the rack' } });
    expect(event!.actor).toMatch(/operator/);
  });

  it('blade clear: operator only; a failed blade is repaired, not cleared', async () => {
    t = await fourServers();
    expect((await t.request('POST', '/api/v1/blades/B/clear', { as: 'viewer', body: { reason: 'x' } })).status).toBe(
      403,
    );
    const cleared = await t.request('POST', '/api/v1/blades/B/clear', {
      as: 'operator',
      body: { reason: 'checked the BMC' },
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ id: 'B', state: 'standby' });
    expect((await t.h.events()).find((e) => e.type === 'blade.cleared')).toMatchObject({
      subject: 'B',
      data: { reason: 'checked the BMC' },
    });
    t.h.world.failBlade('C');
    await eventually(async () => (await t!.h.store.blade('C'))?.state === 'failed', 5_000, 'C failed');
    expect((await t.request('POST', '/api/v1/blades/C/clear', { as: 'operator', body: { reason: 'x' } })).status).toBe(
      409,
    );
  });
});

// transfer abort: operator only; before the point of no return the transfer unwinds, after it 409 says why.
describe('transfer abort', () => {
  it('aborts a failover waiting on its fence: the target back in the pool, the workload pending on its source', async () => {
    t = await fourServers();
    const h = t.h;
    expect((await t.request('POST', '/api/v1/transfers/nope/abort', { as: 'operator', body: {} })).status).toBe(404);
    h.world.setReachable('A', false, { hang: true });
    h.world.losePower('A');
    await eventually(
      async () => (await h.store.transfers({ open: true })).some((x) => x.status === 'waiting'),
      8_000,
      'a waiting failover',
    );
    const [waiting] = await h.store.transfers({ open: true });
    const path = `/api/v1/transfers/${waiting!.id}/abort`;
    expect((await t.request('POST', path, { as: 'viewer', body: { reason: 'x' } })).status).toBe(403);
    const asked = await t.request('POST', path, { as: 'operator', body: { reason: 'A is back at the rack' } });
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ id: waiting!.id, outcome: expect.stringMatching(/stays pending on A/) });
    await eventually(
      async () => (await h.store.transfer(waiting!.id))?.status === 'aborted',
      8_000,
      'the failover aborted',
    );
    const aborted = await h.store.transfer(waiting!.id);
    expect(aborted!.reason).toMatch(/^aborted by token:operator-1: A is back at the rack$/);
    // The target never started anything (the fence came first): it is a standby again, never failed.
    expect((await h.store.blade(waiting!.to))?.state).not.toBe('failed');
    const events = await h.events();
    expect(events.find((e) => e.type === 'transfer.abort.requested')).toMatchObject({
      subject: waiting!.id,
      actor: 'token:operator-1',
      data: { reason: 'A is back at the rack' },
    });
    expect(events.find((e) => e.type === 'transfer.aborted' && e.subject === waiting!.id)).toMatchObject({
      data: { byOperator: true },
    });
    // Never on two blades, never lost: W1 is pending on A, or in the next failover from A.
    const w1 = await h.store.workload('W1');
    expect(w1!.blade === 'A' || w1!.state === 'transferring').toBe(true);
    const again = await t.request('POST', path, { as: 'operator', body: {} });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { message: expect.stringMatching(/is aborted already/) } });
  });
});

describe('alarms and status', () => {
  it('lists alarms, acknowledges one, and answers the operator status', async () => {
    t = await fourServers();
    const { alarmEvent } = await import('../wire/alarms.js');
    await t.h.store.commit({
      events: [
        alarmEvent('alarm.raised', Date.now(), 'driver:redfish', 'enc-a', {
          kind: 'credentials.refused',
          message: 'enc-a: login refused',
        }),
      ],
    });
    await eventually(
      async () => items((await t!.request('GET', '/api/v1/alarms', { as: 'viewer' })).body).length === 1,
      5_000,
      'the alarm record',
    );
    const acked = await t.request(
      'POST',
      `/api/v1/alarms/${encodeURIComponent('credentials.refused/enc-a')}/acknowledge`,
      { as: 'operator', body: {} },
    );
    expect(acked.status).toBe(200);
    const status = await t.request('GET', '/api/v1/status', { as: 'viewer' });
    expect(status.body).toMatchObject({
      workloads: { total: 1, running: 1, down: 0 },
      alarms: [{ id: 'credentials.refused/enc-a', acknowledgedBy: 'token:operator-1' }],
    });
  });
});
