// Request bodies: JSON only, and a body that cannot be read is refused with the field it failed at.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHarness, FOUR_SERVERS, type ApiHarness } from './testing/api-harness.js';

let t: ApiHarness;
beforeAll(async () => {
  t = await apiHarness(FOUR_SERVERS, { emulator: true });
  await t.h.settle();
});
afterAll(async () => {
  await t.stop();
});

const send = (method: string, path: string, rawBody: string, contentType: string) =>
  t.request(method, path, { as: 'admin', rawBody, headers: { 'content-type': contentType } });

describe('request bodies', () => {
  it('answers 415 for a body that is not JSON, and changes nothing', async () => {
    const reply = await send('PUT', '/api/v1/blades/B/maintenance', '{"on":true}', 'text/plain');
    expect(reply.status).toBe(415);
    expect(reply.body).toMatchObject({ error: { code: 'unsupported-media-type' } });
    expect((await t.request('GET', '/api/v1/blades/B', { as: 'viewer' })).body).toMatchObject({ state: 'standby' });
  });

  it.each([
    ['{"id":"x","__proto__":{"polluted":1}}', 'body.__proto__'],
    ['{"id":"x","requirements":{"constructor":{"prototype":{}}}}', 'body.requirements.constructor'],
  ])('names a prototype key as the field it is (%s)', async (raw, field) => {
    const reply = await send('POST', '/api/v1/workloads', raw, 'application/json');
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ error: { code: 'invalid', field } });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect((await t.request('GET', '/api/v1/workloads/x', { as: 'viewer' })).status).toBe(404);
  });

  it('still reads JSON with a charset, and names `body` for JSON that does not parse', async () => {
    const ok = await send('PUT', '/api/v1/blades/B/maintenance', '{"on":false}', 'application/json; charset=utf-8');
    expect(ok.status).toBe(409); // B is standby: the body was read, and the controller answered
    const bad = await send('PUT', '/api/v1/blades/B/maintenance', '{"on": tru', 'application/json');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { field: 'body' } });
  });
});
