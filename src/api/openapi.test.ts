// The OpenAPI document: valid OpenAPI 3.1, complete, and true to what the server answers (checked with a JSON Schema validator).
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../orchestrator/testing/harness.js';
import { apiHarness, FOUR_SERVERS, type ApiHarness } from './testing/api-harness.js';

type Json = Record<string, unknown>;
interface Operation {
  readonly operationId: string;
  readonly responses: Record<string, { content?: Record<string, { schema: Json }> }>;
  readonly parameters: { name: string; in: string }[];
  readonly requestBody?: { content: Record<string, { schema: Json }> };
}

let t: ApiHarness;
let doc: { openapi: string; paths: Record<string, Record<string, Operation>> };
beforeAll(async () => {
  t = await apiHarness(FOUR_SERVERS, { emulator: true });
  await t.h.settle();
  doc = (await t.request('GET', '/openapi.json', { as: 'viewer' })).body as typeof doc;
});
afterAll(async () => {
  await t.stop();
});

const operations = (): [string, string, Operation][] =>
  Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => [path, method, op] as [string, string, Operation]),
  );

describe('/openapi.json', () => {
  it('validates against the OpenAPI 3.1 specification', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Json);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    // The validator is not a rubber stamp: a parameter "in: body" (OpenAPI 2, not 3) is refused.
    const broken = structuredClone(doc) as typeof doc;
    broken.paths['/api/v1/blades']!['get']!.parameters.push({ name: 'x', in: 'body' });
    expect((await new Validator().validate(broken as unknown as Json)).valid).toBe(false);
  });

  it('documents every route once, with its path parameters, and unique operation ids', () => {
    const documented = operations()
      .map(([path, method]) => `${method.toUpperCase()} ${path}`)
      .sort();
    const served = t.api.routes.map((r) => `${r.method} ${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`).sort();
    expect(documented).toEqual(served);
    const ids = operations().map(([, , op]) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [path, , op] of operations()) {
      for (const name of [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]))
        expect(op.parameters.some((p) => p.in === 'path' && p.name === name)).toBe(true);
    }
  });

  it('holds only schemas a JSON Schema 2020-12 validator compiles', () => {
    const ajv = new Ajv2020({ strict: false });
    let compiled = 0;
    for (const [path, method, op] of operations()) {
      const schemas = [
        ...Object.values(op.responses).flatMap((r) => Object.values(r.content ?? {}).map((c) => c.schema)),
        ...Object.values(op.requestBody?.content ?? {}).map((c) => c.schema),
      ];
      for (const schema of schemas) {
        expect(() => ajv.compile(schema), `${method} ${path}`).not.toThrow();
        compiled++;
      }
    }
    expect(compiled).toBeGreaterThan(50);
  });

  it('describes what the server really answers', async () => {
    await t.request('POST', '/api/v1/blades/A/fail', { as: 'operator' });
    await eventually(async () => (await t.h.store.workload('W1'))?.blade === 'C', 5000, 'failover');
    await t.h.settle();
    const transfer = (
      (await t.request('GET', '/api/v1/transfers', { as: 'viewer' })).body as { items: { id: string }[] }
    ).items[0]!.id;
    const ajv = new Ajv2020({ strict: false });
    const checks: [string, string, string, unknown?][] = [
      ['get', '/api/v1/blades', '/api/v1/blades'],
      ['get', '/api/v1/blades/{id}', '/api/v1/blades/C'],
      ['get', '/api/v1/workloads', '/api/v1/workloads'],
      ['get', '/api/v1/workloads/{id}', '/api/v1/workloads/W1'],
      ['get', '/api/v1/transfers', '/api/v1/transfers'],
      ['get', '/api/v1/transfers/{id}', `/api/v1/transfers/${transfer}`],
      ['get', '/api/v1/candidates', '/api/v1/candidates'],
      ['get', '/api/v1/pool', '/api/v1/pool'],
      ['post', '/api/v1/plan', '/api/v1/plan', { fail: ['C'] }],
      ['get', '/api/v1/policy', '/api/v1/policy'],
      ['get', '/api/v1/events', '/api/v1/events?after=0'],
      ['get', '/api/v1/proposals', '/api/v1/proposals'],
      ['get', '/api/v1/tokens', '/api/v1/tokens'],
      ['get', '/readyz', '/readyz'],
    ];
    for (const [method, path, url, body] of checks) {
      const reply = await t.request(method.toUpperCase(), url, {
        as: 'admin',
        ...(body === undefined ? {} : { body }),
      });
      expect(reply.status, url).toBe(200);
      const schema = doc.paths[path]![method]!.responses['200']!.content!['application/json']!.schema;
      const validate = ajv.compile(schema);
      expect(validate(reply.body) ? [] : validate.errors, url).toEqual([]);
    }
    const error = await t.request('GET', '/api/v1/blades/nope', { as: 'viewer' });
    const errorSchema =
      doc.paths['/api/v1/blades/{id}']!['get']!.responses['404']!.content!['application/json']!.schema;
    expect(ajv.compile(errorSchema)(error.body)).toBe(true);
  });
});

describe('/openapi.json: policy bounds', () => {
  /** Every leaf of a schema: a number has both bounds, a string a maxLength or an enum, a list maxItems; a map's keys and values. */
  function unbounded(schema: Json, at: string, out: string[]): string[] {
    const type = schema['type'];
    if (type === 'number' || type === 'integer') {
      if (typeof schema['minimum'] !== 'number' || typeof schema['maximum'] !== 'number') out.push(at);
    } else if (type === 'string') {
      if (typeof schema['maxLength'] !== 'number' && !Array.isArray(schema['enum'])) out.push(at);
    } else if (type === 'array') {
      if (typeof schema['maxItems'] !== 'number') out.push(at);
      unbounded(schema['items'] as Json, `${at}[]`, out);
    } else if (type === 'object') {
      const props = (schema['properties'] ?? {}) as Record<string, Json>;
      for (const [name, prop] of Object.entries(props)) unbounded(prop, `${at}.${name}`, out);
      const extra = schema['additionalProperties'];
      if (typeof extra === 'object' && extra !== null) {
        unbounded((schema['propertyNames'] ?? { type: 'string' }) as Json, `${at}.(key)`, out);
        unbounded(extra as Json, `${at}.*`, out);
      }
    } else if (type !== 'boolean') out.push(`${at} (no type)`);
    return out;
  }

  it('documents a minimum and a maximum for every policy field the PATCH accepts', () => {
    const body = doc.paths['/api/v1/policy']!['patch']!.requestBody!.content['application/json']!.schema;
    const props = body['properties'] as Record<string, Json>;
    expect(Object.keys(props).sort()).toEqual([
      'admission',
      'cascadeWindows',
      'cooldownSeconds',
      'hardKeys',
      'maxConcurrentTransfers',
      'minImprovement',
      'repairBurnInSeconds',
      'replanSeconds',
      'requireApproval',
      'survivability',
      'transferSeconds',
      'weights',
    ]);
    expect(unbounded(body, 'policy', [])).toEqual([]);
    expect(props['cooldownSeconds']).toMatchObject({ minimum: 0, maximum: 86_400 });
    expect(props['transferSeconds']).toMatchObject({ minimum: 0, maximum: 86_400 });
    expect(props['repairBurnInSeconds']).toMatchObject({ minimum: 0, maximum: 86_400 });
    // The check is no rubber stamp: an unbounded number is found.
    expect(unbounded({ type: 'object', properties: { x: { type: 'number', minimum: 0 } } }, 'p', [])).toEqual(['p.x']);
  });

  it('refuses what it documents as out of bounds (the values operators once got through)', async () => {
    for (const body of [{ transferSeconds: 511_245 }, { cooldownSeconds: 9.9e8 }, { repairBurnInSeconds: 86_401 }]) {
      const answer = await t.request('PATCH', '/api/v1/policy', { as: 'admin', body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect((answer.body as { error: { field: string } }).error.field).toBe(`body.${Object.keys(body)[0]!}`);
    }
  });
});
