// Thousands of random and malformed requests (fast-check): every answer is 2xx or 4xx, never a 5xx or a
// crash, and a rejected request leaves the controller's state exactly as it was.
import fc from 'fast-check';
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

interface Fuzzed {
  readonly method: string;
  readonly path: string;
  readonly options: RequestOptions;
}

const ids = fc.oneof(
  fc.constantFrom('A', 'B', 'C', 'D', 'W1', 'W2', 'nope', '1', '0', '-1', '99999'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
);
const segment = fc.oneof(
  ids.map(encodeURIComponent),
  fc.constantFrom('%', '%ZZ', '%00', '..', '.', '', '%2F', '%F0%9F%94%A5', 'x'.repeat(300)),
);
const templates = [
  '/healthz',
  '/readyz',
  '/metrics',
  '/openapi.json',
  '/api/v1/blades',
  '/api/v1/blades/{}',
  '/api/v1/blades/{}/maintenance',
  '/api/v1/blades/{}/repair',
  '/api/v1/blades/{}/fail',
  '/api/v1/workloads',
  '/api/v1/workloads/{}',
  '/api/v1/workloads/{}/finish',
  '/api/v1/workloads/{}/requirements',
  '/api/v1/transfers',
  '/api/v1/transfers/{}',
  '/api/v1/proposals',
  '/api/v1/proposals/{}/approve',
  '/api/v1/proposals/{}/reject',
  '/api/v1/candidates',
  '/api/v1/pool',
  '/api/v1/plan',
  '/api/v1/policy',
  '/api/v1/events',
  '/api/v1/tokens',
  '/api/v1/tokens/{}',
  // The dashboard's routes.
  '/api/v1/session',
  '/api/v1/transfers/{}/decision',
  '/api/v1/emulator/blades/{}/faults',
  '/api/v1/emulator/blades/{}/repair',
];
const queryKeys = fc.constantFrom(
  'limit',
  'after',
  'state',
  'health',
  'chassis',
  'blade',
  'open',
  'kind',
  'status',
  'order',
  'x',
  '__proto__',
);
const queryValues = fc.oneof(
  fc.constantFrom('0', '1', '1000', '1001', '-5', '1.5', 'true', 'false', 'active', 'standby', 'desc', 'A', ''),
  fc.string({ maxLength: 8 }),
);
const query = fc
  .array(fc.tuple(queryKeys, queryValues), { maxLength: 3 })
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`));
const path = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(fc.constantFrom(...templates), segment, query)
      .map(([tpl, seg, q]) => tpl.replace('{}', seg) + q),
  },
  { weight: 1, arbitrary: fc.array(segment, { maxLength: 5 }).map((segs) => `/${segs.join('/')}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '/api/v1',
      '/api/v1/',
      '/api/v2/blades',
      '/API/V1/BLADES',
      '//api/v1/blades',
      '/api/v1/blades/',
      '/api/v1/blades?limit=1&limit=2',
    ),
  },
);

/** Bodies near what the routes want, with one part wrong as often as not. */
// Extremes on purpose: 5e-324 as a requirement once made every surplus Infinity and the planner fail on every round.
const number = fc.oneof(
  fc.integer({ min: -10, max: 2000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, 1e300, -0, 5e-324, 1e-3, 1e15),
);
const resources = fc.dictionary(
  fc.oneof(fc.constantFrom('storageTB', 'memoryGiB', 'cpuArch', ''), fc.string({ maxLength: 6 })),
  fc.oneof(number, fc.string({ maxLength: 6 }), fc.boolean(), fc.constant(null)),
  { maxKeys: 3 },
);
const plausible = fc.oneof(
  fc.record({ on: fc.oneof(fc.boolean(), fc.string(), fc.integer()) }, { requiredKeys: [] }),
  fc.record({ id: ids, requirements: resources, priority: fc.oneof(number, fc.string()) }, { requiredKeys: [] }),
  fc.record({ requirements: resources }, { requiredKeys: [] }),
  fc.record({ fail: fc.array(fc.oneof(ids, fc.integer()), { maxLength: 4 }) }, { requiredKeys: [] }),
  fc.record(
    {
      role: fc.oneof(fc.constantFrom('viewer', 'operator', 'admin'), fc.string()),
      name: fc.oneof(fc.stringMatching(/^[a-z0-9]{1,8}$/), fc.string()),
    },
    { requiredKeys: [] },
  ),
  fc.record({ reason: fc.oneof(fc.string(), fc.integer()) }, { requiredKeys: [] }),
  fc.record(
    {
      minImprovement: number,
      maxConcurrentTransfers: number,
      cooldownSeconds: number,
      replanSeconds: fc.oneof(number, fc.constant(1)),
      requireApproval: fc.oneof(fc.boolean(), fc.string()),
      weights: resources,
    },
    { requiredKeys: [] },
  ),
);
const body = fc.oneof(
  { weight: 3, arbitrary: plausible.map((b) => ({ body: b })) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((b) => ({ body: b })) },
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        fc.string({ maxLength: 30 }),
        fc.constantFrom(
          '{',
          '{"on":',
          'null',
          '[]',
          '{"__proto__":{"x":1}}',
          '{"constructor":{"prototype":{}}}',
          '\u0000',
        ),
      )
      .map((raw) => ({ rawBody: raw })),
  },
  { weight: 1, arbitrary: fc.constant({}) },
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  undefined,
);
const who = fc.constantFrom<RequestOptions['as']>(
  'viewer',
  'operator',
  'operator',
  'admin',
  'admin',
  null,
  { raw: `cascade_${'z'.repeat(43)}` },
  { raw: 'garbage' },
);
const method = fc.constantFrom('GET', 'GET', 'POST', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS');

const chaotic: fc.Arbitrary<Fuzzed> = fc.tuple(method, path, who, body, contentType).map(([m, p, as, b, ct]) => {
  const withBody =
    m !== 'GET' && m !== 'HEAD' && 'body' in b
      ? { body: b.body }
      : m !== 'GET' && m !== 'HEAD' && 'rawBody' in b
        ? { rawBody: b.rawBody }
        : {};
  const headers: Record<string, string> =
    ct === undefined || !('body' in withBody || 'rawBody' in withBody) ? {} : { 'content-type': ct };
  return { method: m, path: p, options: { as, ...withBody, headers } };
});

/** Well-formed operator actions on real blades and workloads, so changes go through and state moves between refusals. */
const blade = fc.constantFrom('A', 'B', 'C', 'D');
const workload = fc.constantFrom('W1', 'W2', 'W3', 'W4');
const size = fc.constantFrom(100, 200, 300, 500, 1000);
const action: fc.Arbitrary<Fuzzed> = fc.oneof(
  fc.tuple(blade, fc.boolean()).map(([b, on]) => ({
    method: 'PUT',
    path: `/api/v1/blades/${b}/maintenance`,
    options: { as: 'operator' as const, body: { on } },
  })),
  blade.map((b) => ({ method: 'POST', path: `/api/v1/blades/${b}/repair`, options: { as: 'operator' as const } })),
  blade.map((b) => ({ method: 'POST', path: `/api/v1/blades/${b}/fail`, options: { as: 'operator' as const } })),
  fc.tuple(workload, size).map(([w, s]) => ({
    method: 'POST',
    path: '/api/v1/workloads',
    options: { as: 'operator' as const, body: { id: w, requirements: { storageTB: s } } },
  })),
  fc.tuple(workload, size).map(([w, s]) => ({
    method: 'PUT',
    path: `/api/v1/workloads/${w}/requirements`,
    options: { as: 'operator' as const, body: { requirements: { storageTB: s } } },
  })),
  workload.map((w) => ({
    method: 'POST',
    path: `/api/v1/workloads/${w}/finish`,
    options: { as: 'operator' as const },
  })),
  fc
    .record({ minImprovement: fc.constantFrom(0.05, 0.2), requireApproval: fc.boolean() })
    .map((p) => ({ method: 'PATCH', path: '/api/v1/policy', options: { as: 'admin' as const, body: p } })),
  fc
    .integer({ min: 1, max: 400 })
    .map((id) => ({ method: 'POST', path: `/api/v1/proposals/${id}/approve`, options: { as: 'operator' as const } })),
  fc
    .array(blade, { minLength: 1, maxLength: 3 })
    .map((fail) => ({ method: 'POST', path: '/api/v1/plan', options: { as: 'viewer' as const, body: { fail } } })),
);

const request = fc.oneof({ weight: 4, arbitrary: chaotic }, { weight: 1, arbitrary: action });

/** A workload the API submits must exist for the fake hypervisor too, or its placement would retry forever. */
function prepareWorld(r: Fuzzed): void {
  const b = r.options.body;
  if (
    r.method !== 'POST' ||
    !r.path.startsWith('/api/v1/workloads') ||
    typeof b !== 'object' ||
    b === null ||
    !('id' in b)
  )
    return;
  const id = (b as { id: unknown }).id;
  if (typeof id === 'string' && !t.h.world.workload(id)) t.h.world.addWorkload({ id, requirements: {} });
}

async function within<T>(ms: number, work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('fuzzing the API', () => {
  it('answers thousands of random requests with 2xx or 4xx, and rejected ones change nothing', async () => {
    const statuses = new Map<number, number>();
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        prepareWorld(r);
        // A controller that never goes idle (a plan failing on every round) is a finding too, not a hang.
        await within(10_000, t.quiet(), `the controller and alarms to go quiet before ${r.method} ${r.path}`);
        const before = await stateOf(t.h);
        const reply = await t.request(r.method, r.path, r.options);
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        expect(
          reply.status,
          `${r.method} ${r.path} -> ${reply.status} ${reply.text.slice(0, 300)}`,
        ).toBeGreaterThanOrEqual(200);
        expect(reply.status, `${r.method} ${r.path} -> ${reply.status} ${reply.text.slice(0, 300)}`).toBeLessThan(500);
        if (reply.status >= 400) {
          expect(
            await stateOf(t.h),
            `${r.method} ${r.path} was refused (${reply.status}) but changed the state`,
          ).toEqual(before);
        } else if (r.method !== 'GET' && r.method !== 'HEAD') {
          accepted++;
          await t.h.settle(10_000);
        }
      }),
      { numRuns: 2_500, endOnFailure: true },
    );
    console.log(
      `fuzz: ${[...statuses]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s}: ${n}`)
        .join(', ')}; ${accepted} changes accepted`,
    );
    // The run exercised both sides: changes went through, and refusals of every kind came back.
    expect(accepted).toBeGreaterThan(10);
    for (const status of [200, 400, 401, 403, 404])
      expect(statuses.get(status) ?? 0, `answers with ${status}`).toBeGreaterThan(0);
    const health = await t.request('GET', '/healthz', { as: null });
    expect(health.status).toBe(200);
    // About 30 s alone on two cores; more when the whole suite shares them.
  }, 300_000);
});
