// Malformed input answers 400 naming the field, and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHarness, FOUR_SERVERS, type ApiHarness, type RequestOptions } from './testing/api-harness.js';
import { stateOf } from './testing/state.js';

let t: ApiHarness;
beforeAll(async () => {
  t = await apiHarness(FOUR_SERVERS, { emulator: true });
  await t.h.settle();
});
afterAll(async () => {
  await t.stop();
});

interface Case {
  readonly method: string;
  readonly path: string;
  readonly options: RequestOptions;
  /** The field the error must name; null when the status alone says it (415, 413). */
  readonly field: string | null;
  readonly status?: number;
}

const op = 'operator' as const;
const CASES: Case[] = [
  { method: 'PUT', path: '/api/v1/blades/B/maintenance', options: { as: op, body: { on: 'yes' } }, field: 'body.on' },
  { method: 'PUT', path: '/api/v1/blades/B/maintenance', options: { as: op, body: {} }, field: 'body.on' },
  {
    method: 'PUT',
    path: '/api/v1/blades/B/maintenance',
    options: { as: op, body: { on: true, force: true } },
    field: 'body.force',
  },
  { method: 'PUT', path: '/api/v1/blades/B/maintenance', options: { as: op }, field: 'body' },
  {
    method: 'PUT',
    path: '/api/v1/blades/B/maintenance',
    options: { as: op, rawBody: '{"on": tru', headers: { 'content-type': 'application/json' } },
    field: 'body',
  },
  {
    method: 'PUT',
    path: '/api/v1/blades/B/maintenance',
    options: { as: op, rawBody: 'on=true', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    field: null,
    status: 415,
  },
  {
    method: 'POST',
    path: '/api/v1/workloads',
    options: { as: op, body: { id: 'W9', requirements: { memoryGiB: -1 } } },
    field: 'body.requirements.memoryGiB',
  },
  {
    method: 'POST',
    path: '/api/v1/workloads',
    options: { as: op, body: { id: 'W9', requirements: { cpuArch: '' } } },
    field: 'body.requirements.cpuArch',
  },
  {
    method: 'POST',
    path: '/api/v1/workloads',
    options: { as: op, body: { id: '', requirements: {} } },
    field: 'body.id',
  },
  { method: 'POST', path: '/api/v1/workloads', options: { as: op, body: { id: 7 } }, field: 'body.id' },
  {
    method: 'POST',
    path: '/api/v1/workloads',
    options: { as: op, body: { id: 'W9', priority: 'high' } },
    field: 'body.priority',
  },
  { method: 'POST', path: '/api/v1/workloads', options: { as: op, body: [1, 2] }, field: 'body' },
  {
    method: 'POST',
    path: '/api/v1/workloads',
    options: { as: op, rawBody: 'null', headers: { 'content-type': 'application/json' } },
    field: 'body',
  },
  {
    method: 'PUT',
    path: '/api/v1/workloads/W1/requirements',
    options: { as: op, body: { requirements: { memoryGiB: 1, storageTB: true } } },
    field: 'body.requirements.storageTB',
  },
  {
    method: 'PUT',
    path: '/api/v1/workloads/W1/requirements',
    options: {
      as: op,
      rawBody: '{"requirements":{"storageTB":1e400}}',
      headers: { 'content-type': 'application/json' },
    },
    field: 'body.requirements.storageTB',
  },
  { method: 'POST', path: '/api/v1/workloads/W1/finish', options: { as: op, body: { now: true } }, field: 'body.now' },
  {
    method: 'PATCH',
    path: '/api/v1/policy',
    options: { as: 'admin', body: { maxConcurrentTransfers: 0 } },
    field: 'body.maxConcurrentTransfers',
  },
  {
    method: 'PATCH',
    path: '/api/v1/policy',
    options: { as: 'admin', body: { weights: { storageTB: -2 } } },
    field: 'body.weights.storageTB',
  },
  {
    method: 'PATCH',
    path: '/api/v1/policy',
    options: { as: 'admin', body: { requireApproval: 'no' } },
    field: 'body.requireApproval',
  },
  {
    method: 'PATCH',
    path: '/api/v1/policy',
    options: { as: 'admin', body: { minImprovment: 0.1 } },
    field: 'body.minImprovment',
  },
  { method: 'POST', path: '/api/v1/plan', options: { as: 'viewer', body: { fail: [] } }, field: 'body.fail' },
  { method: 'POST', path: '/api/v1/plan', options: { as: 'viewer', body: { fail: ['A', 3] } }, field: 'body.fail[1]' },
  { method: 'POST', path: '/api/v1/tokens', options: { as: 'admin', body: { role: 'root' } }, field: 'body.role' },
  {
    method: 'POST',
    path: '/api/v1/tokens',
    options: { as: 'admin', body: { role: 'viewer', name: 'has space' } },
    field: 'body.name',
  },
  { method: 'POST', path: '/api/v1/proposals/abc/approve', options: { as: op }, field: 'params.id' },
  {
    method: 'POST',
    path: '/api/v1/proposals/1/reject',
    options: { as: op, body: { reason: 5 } },
    field: 'body.reason',
  },
  { method: 'GET', path: '/api/v1/blades?limit=0', options: { as: 'viewer' }, field: 'query.limit' },
  { method: 'GET', path: '/api/v1/blades?limit=ten', options: { as: 'viewer' }, field: 'query.limit' },
  { method: 'GET', path: '/api/v1/blades?state=broken', options: { as: 'viewer' }, field: 'query.state' },
  { method: 'GET', path: '/api/v1/blades?stat=active', options: { as: 'viewer' }, field: 'query.stat' },
  { method: 'GET', path: '/api/v1/blades?state=active&state=standby', options: { as: 'viewer' }, field: 'query.state' },
  { method: 'GET', path: '/api/v1/transfers?after=nope', options: { as: 'viewer' }, field: 'query.after' },
  { method: 'GET', path: '/api/v1/transfers?open=maybe', options: { as: 'viewer' }, field: 'query.open' },
  { method: 'GET', path: '/api/v1/events?after=-1', options: { as: 'viewer' }, field: 'query.after' },
  {
    method: 'GET',
    path: '/api/v1/events',
    options: { as: 'viewer', headers: { accept: 'text/event-stream', 'last-event-id': 'x1' } },
    field: 'headers.last-event-id',
  },
  { method: 'POST', path: '/api/v1/blades/A/fail', options: { as: op, body: { now: 1 } }, field: 'body.now' },
];

describe('malformed requests', () => {
  it.each(
    CASES.map(
      (c) => [`${c.method} ${c.path} ${c.options.rawBody ?? JSON.stringify(c.options.body ?? null)}`, c] as const,
    ),
  )('%s', async (_name, c) => {
    await t.quiet();
    const before = await stateOf(t.h);
    const reply = await t.request(c.method, c.path, c.options);
    expect(reply.status).toBe(c.status ?? 400);
    const error = (reply.body as { error: { code: string; message: string; field?: string } }).error;
    if (c.field !== null) {
      expect(error.field).toBe(c.field);
      expect(error.message.startsWith(`${c.field}: `)).toBe(true);
    }
    expect(await stateOf(t.h)).toEqual(before);
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const reply = await t.request('POST', '/api/v1/workloads', {
      as: op,
      rawBody: JSON.stringify({ id: 'W9', requirements: { pad: 'x'.repeat(1_100_000) } }),
      headers: { 'content-type': 'application/json' },
    });
    expect(reply.status).toBe(413);
  });
});
