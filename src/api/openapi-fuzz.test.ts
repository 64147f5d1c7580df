// A stateful fuzz generated from the OpenAPI document itself: each request is one of the document's operations with
// parameters and a body drawn from its schemas (valid, or with one part broken), sent as a role that may or may not
// suffice. Every answer must be a status the document lists for that operation, with a body its schema accepts
// (checked by Ajv against the document's JSON Schema), and a refused request must leave the state as it was.
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenRole } from '../ports/store.js';
import { apiHarness, FOUR_SERVERS, type ApiHarness, type RequestOptions } from './testing/api-harness.js';
import { stateOf } from './testing/state.js';

type Schema = { readonly [key: string]: unknown };
interface Operation {
  readonly method: string;
  readonly path: string;
  readonly op: Schema;
}

let t: ApiHarness;
let operations: Operation[] = [];
beforeAll(async () => {
  t = await apiHarness(FOUR_SERVERS, { emulator: true });
  await t.h.settle();
  const doc = (await t.request('GET', '/openapi.json', { as: 'viewer' })).body as {
    paths: Record<string, Record<string, Schema>>;
  };
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
});
afterAll(async () => {
  await t.stop();
});

const IDS = ['A', 'B', 'C', 'D', 'W1', 'W2', 'W3', 'ghost', 'nope', '1', '2', '0'];
const BAD = [null, true, -1, 1.5, '', 'x'.repeat(300), [], {}, '\u0000'];

/** Values a JSON Schema (the subset zod writes) accepts; ids come from a pool so that some exist. */
function valueFor(s: Schema, name = ''): fc.Arbitrary<unknown> {
  if (Array.isArray(s['enum'])) return fc.constantFrom(...(s['enum'] as unknown[]));
  if ('const' in s) return fc.constant(s['const']);
  const union = (s['anyOf'] ?? s['oneOf']) as Schema[] | undefined;
  if (union) return fc.oneof(...union.map((u) => valueFor(u, name)));
  const type = Array.isArray(s['type']) ? (s['type'] as string[]) : [s['type'] as string | undefined];
  if (type.length > 1) return fc.oneof(...type.map((one) => valueFor({ ...s, type: one }, name)));
  switch (type[0]) {
    case 'string':
      if (/id$|^id$|workload|blade/i.test(name)) return fc.constantFrom(...IDS);
      return fc.string({
        minLength: (s['minLength'] as number | undefined) ?? 0,
        maxLength: Math.min(12, (s['maxLength'] as number | undefined) ?? 12),
      });
    case 'integer':
    case 'number': {
      const min = (s['minimum'] as number | undefined) ?? ((s['exclusiveMinimum'] as number | undefined) ?? -1) + 1;
      const max = Math.min((s['maximum'] as number | undefined) ?? min + 1000, min + 100_000);
      return type[0] === 'integer'
        ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
        : fc.double({ min, max, noNaN: true });
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(valueFor((s['items'] as Schema | undefined) ?? {}, name), {
        maxLength: Math.min(3, (s['maxItems'] as number | undefined) ?? 3),
      });
    case 'object': {
      const props = (s['properties'] ?? {}) as Record<string, Schema>;
      if (Object.keys(props).length === 0 && typeof s['additionalProperties'] === 'object') {
        const keys = fc.constantFrom('storageTB', 'memoryGiB', 'cpuCount', 'cpuArch');
        return fc.dictionary(keys, valueFor(s['additionalProperties'] as Schema, name), { maxKeys: 3 });
      }
      const required = (s['required'] ?? []) as string[];
      const entries = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, valueFor(v, k)]));
      return fc.record(entries, { requiredKeys: required.filter((k) => k in entries) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** The valid value, or the same with one part broken: a required key dropped, an unknown one added, a wrong type. */
function bodyOf(s: Schema): fc.Arbitrary<unknown> {
  const valid = valueFor(s);
  const broken = fc.tuple(valid, fc.constantFrom(...BAD), fc.nat()).map(([v, bad, n]) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad;
    const keys = Object.keys(v);
    if (keys.length === 0 || n % 3 === 0) return { ...v, unexpected: bad };
    const key = keys[n % keys.length]!;
    return n % 3 === 1 ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== key)) : { ...v, [key]: bad };
  });
  return fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: broken });
}

interface Drawn {
  readonly operation: Operation;
  readonly url: string;
  readonly options: RequestOptions;
  /** A submitted id the fake hypervisor should know before the request (else the answer is 422). */
  readonly known: string | null;
}

const roles: (TokenRole | null)[] = ['viewer', 'operator', 'admin', null];

function requestOf(operation: Operation): fc.Arbitrary<Drawn> {
  const parameters = (operation.op['parameters'] ?? []) as {
    name: string;
    in: string;
    required: boolean;
    schema: Schema;
  }[];
  const path = parameters.filter((p) => p.in === 'path');
  const query = parameters.filter((p) => p.in === 'query');
  const pathValues = fc.tuple(...path.map((p) => valueFor(p.schema, p.name).map(String)));
  const queryValues = fc.tuple(...query.map((p) => fc.option(valueFor(p.schema, p.name), { nil: undefined })));
  const content = (operation.op['requestBody'] as { content?: Record<string, { schema: Schema }> } | undefined)
    ?.content;
  const schema = content?.['application/json']?.schema;
  const body = schema ? fc.option(bodyOf(schema), { nil: undefined, freq: 8 }) : fc.constant(undefined);
  const wanted = operation.op['x-required-role'] as string;
  const role = fc.oneof(
    { weight: 4, arbitrary: fc.constant(wanted === 'public' ? null : (wanted as TokenRole)) },
    { weight: 1, arbitrary: fc.constantFrom(...roles) },
  );
  return fc.tuple(pathValues, queryValues, body, role, fc.boolean()).map(([pv, qv, b, as, knows]) => {
    let url = operation.path;
    for (const [i, p] of path.entries()) url = url.replace(`{${p.name}}`, encodeURIComponent(pv[i]!));
    const pairs = query.flatMap((p, i) =>
      qv[i] === undefined ? [] : [`${p.name}=${encodeURIComponent(String(qv[i]))}`],
    );
    if (pairs.length > 0) url += `?${pairs.join('&')}`;
    const id = typeof b === 'object' && b !== null && 'id' in b && typeof b.id === 'string' ? b.id : null;
    return { operation, url, options: { as, ...(b === undefined ? {} : { body: b }) }, known: knows ? id : null };
  });
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

/** Statuses every operation may answer beyond the ones it lists. */
const SHARED = new Set([415]);

describe('an OpenAPI-driven stateful fuzz', () => {
  it('answers 600 requests drawn from the document with documented statuses and bodies; refusals change nothing', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: false });
    // The event stream never ends, and injected faults (a hung BMC) are the chaos harness's: left out here.
    const drawn = fc
      .constantFrom(...operations.filter((o) => o.path !== '/api/v1/events' && !o.path.endsWith('/faults')))
      .chain(requestOf);
    const statuses = new Map<number, number>();
    let changed = 0;
    await fc.assert(
      fc.asyncProperty(drawn, async (r) => {
        if (r.known !== null && r.operation.path === '/api/v1/workloads' && !t.h.world.workload(r.known))
          t.h.world.addWorkload({ id: r.known, requirements: {} });
        await within(10_000, t.quiet(), `the controller and alarms to go quiet before ${r.operation.method} ${r.url}`);
        if (process.env['FUZZ_DEBUG'])
          console.log(r.operation.method, r.url, JSON.stringify(r.options.body ?? null).slice(0, 200));
        const before = await stateOf(t.h);
        const reply = await t.request(r.operation.method, r.url, r.options);
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        const what = `${r.operation.method} ${r.url} ${JSON.stringify(r.options.body ?? null)} -> ${reply.status} ${reply.text.slice(0, 300)}`;
        const documented = (r.operation.op['responses'] ?? {}) as Record<
          string,
          { content?: Record<string, { schema?: Schema }> }
        >;
        expect(String(reply.status) in documented || SHARED.has(reply.status), `undocumented status: ${what}`).toBe(
          true,
        );
        const schema = documented[String(reply.status)]?.content?.['application/json']?.schema;
        if (schema && reply.body !== undefined) {
          const validate = ajv.compile(schema);
          expect(validate(reply.body), `${what}: ${ajv.errorsText(validate.errors)}`).toBe(true);
        }
        if (reply.status >= 400) expect(await stateOf(t.h), `refused but changed the state: ${what}`).toEqual(before);
        else if (r.operation.method !== 'GET') {
          changed++;
          await within(15_000, t.h.settle(10_000), `the controller to settle after ${what}`);
        }
      }),
      {
        numRuns: Number(process.env['FUZZ_RUNS'] ?? 600),
        endOnFailure: true,
        ...(process.env['FUZZ_SEED'] ? { seed: Number(process.env['FUZZ_SEED']) } : {}),
      },
    );
    console.log(
      `openapi fuzz: ${[...statuses]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s}: ${n}`)
        .join(', ')}; ${changed} changes`,
    );
    expect(changed).toBeGreaterThan(10);
    for (const status of [200, 400, 401, 403, 404])
      expect(statuses.get(status) ?? 0, `answers with ${status}`).toBeGreaterThan(0);
  }, 300_000);
});
