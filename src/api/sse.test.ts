// The live event stream: every committed event once, in seq order, resumable with Last-Event-ID, woken by commits or polling.
import { afterEach, describe, expect, it } from 'vitest';
import { readSse } from '../cli/remote/sse.js';
import { eventually } from '../orchestrator/testing/harness.js';
import type { AuditEvent } from '../ports/store.js';
import { apiHarness, FOUR_SERVERS, type ApiHarness } from './testing/api-harness.js';

let t: ApiHarness | null = null;
afterEach(async () => {
  await t?.stop();
  t = null;
});

interface Subscription {
  readonly events: AuditEvent[];
  readonly ids: (string | null)[];
  readonly raw: string[];
  /** Set when the raw stream stopped (ended or broke), whoever stopped it. */
  ended: boolean;
  close(): void;
}

async function subscribe(
  api: ApiHarness,
  options: { lastEventId?: string; query?: string } = {},
): Promise<Subscription> {
  const abort = new AbortController();
  const headers: Record<string, string> = { authorization: `Bearer ${api.tokens.viewer}`, accept: 'text/event-stream' };
  if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
  const response = await fetch(`${api.url}/api/v1/events${options.query ?? ''}`, { headers, signal: abort.signal });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const [forMessages, forRaw] = response.body!.tee();
  const sub: Subscription = { events: [], ids: [], raw: [], ended: false, close: () => abort.abort() };
  void (async () => {
    try {
      for await (const m of readSse(forMessages)) {
        sub.ids.push(m.id);
        sub.events.push(JSON.parse(m.data) as AuditEvent);
      }
    } catch {
      /* aborted */
    }
  })();
  void (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of forRaw) sub.raw.push(decoder.decode(chunk));
    } catch {
      /* aborted, or the connection broke */
    } finally {
      sub.ended = true;
    }
  })();
  return sub;
}

const eventsAfter = async (api: ApiHarness, seq: number) => (await api.h.events()).filter((e) => e.seq > seq);

describe('GET /api/v1/events as text/event-stream', () => {
  it('streams new events as they commit, ids = seq, then resumes after Last-Event-ID with nothing lost or repeated', async () => {
    t = await apiHarness(FOUR_SERVERS);
    await t.h.settle();
    const start = (await t.h.events()).at(-1)!.seq;
    const first = await subscribe(t);
    await t.request('PUT', '/api/v1/blades/B/maintenance', { as: 'operator', body: { on: true } });
    await t.request('PUT', '/api/v1/blades/B/maintenance', { as: 'operator', body: { on: false } });
    await eventually(
      () => first.events.filter((e) => e.type === 'blade.maintenance').length === 2,
      3000,
      'two maintenance events',
    );
    await t.h.settle();
    // Only what happened after subscribing, each once, in order, with id = seq.
    expect(first.events.map((e) => e.seq)).toEqual(
      (await eventsAfter(t, start)).map((e) => e.seq).slice(0, first.events.length),
    );
    expect(first.ids).toEqual(first.events.map((e) => String(e.seq)));
    const last = first.events.at(-1)!.seq;
    first.close();

    // Missed while disconnected.
    await t.request('PUT', '/api/v1/blades/C/maintenance', { as: 'operator', body: { on: true } });
    await t.request('POST', '/api/v1/blades/C/repair', { as: 'operator' });
    await t.h.settle();
    const missed = await eventsAfter(t, last);
    expect(missed.length).toBeGreaterThanOrEqual(2);

    const resumed = await subscribe(t, { lastEventId: String(last) });
    await eventually(() => resumed.events.length >= missed.length, 3000, 'the missed events');
    expect(resumed.events).toEqual(missed);
    await t.request('PUT', '/api/v1/blades/D/maintenance', { as: 'operator', body: { on: true } });
    await eventually(() => resumed.events.some((e) => e.subject === 'D'), 3000, 'a new event after the replay');
    const seqs = resumed.events.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    resumed.close();
  });

  it('replays the whole log with ?after=0, and Last-Event-ID wins over ?after', async () => {
    t = await apiHarness(FOUR_SERVERS);
    await t.h.settle();
    const all = await t.h.events();
    const replay = await subscribe(t, { query: '?after=0' });
    await eventually(() => replay.events.length >= all.length, 3000, 'the whole log');
    expect(replay.events.slice(0, all.length)).toEqual(all);
    replay.close();
    const both = await subscribe(t, { query: '?after=0', lastEventId: String(all.at(-2)!.seq) });
    await eventually(() => both.events.length >= 1, 3000, 'the last event');
    expect(both.events[0]).toEqual(all.at(-1));
    both.close();
  });

  it('works without commit notices, by polling the store, and sends keep-alive comments when idle', async () => {
    t = await apiHarness(FOUR_SERVERS, { poll: true, heartbeatMs: 50 });
    await t.h.settle();
    const sub = await subscribe(t);
    await eventually(() => sub.raw.join('').includes(': keep-alive'), 3000, 'a keep-alive');
    await t.request('PUT', '/api/v1/blades/B/maintenance', { as: 'operator', body: { on: true } });
    await eventually(() => sub.events.some((e) => e.type === 'blade.maintenance'), 3000, 'the event, by polling');
    expect(sub.raw.join('')).toMatch(/^retry: \d+/);
    sub.close();
  });

  it('gives twenty subscribers the same events in the same order while a failover runs', async () => {
    t = await apiHarness(FOUR_SERVERS, { emulator: true });
    await t.h.settle();
    const subs = await Promise.all(Array.from({ length: 20 }, () => subscribe(t!)));
    const start = (await t.h.events()).at(-1)!.seq;
    await t.request('POST', '/api/v1/blades/A/fail', { as: 'operator' });
    await eventually(async () => (await t!.h.store.workload('W1'))?.blade === 'C', 5000, 'failover');
    await t.h.settle();
    const expected = await eventsAfter(t, start);
    await eventually(() => subs.every((s) => s.events.length >= expected.length), 5000, 'every subscriber caught up');
    for (const s of subs)
      expect(s.events.slice(0, expected.length).map((e) => e.seq)).toEqual(expected.map((e) => e.seq));
    expect(expected.map((e) => e.type)).toContain('transfer.done');
    for (const s of subs) s.close();
  });

  it('ends open streams when the server closes', async () => {
    t = await apiHarness(FOUR_SERVERS);
    const sub = await subscribe(t);
    await eventually(() => sub.raw.join('').startsWith('retry:'), 3000, 'the stream to open');
    expect(sub.ended).toBe(false);
    const stopping = t.stop();
    t = null;
    await stopping;
    // Nothing here aborts the request: only the server ending the response stops the reader.
    await eventually(() => sub.ended, 3000, 'the server to end the stream');
    sub.close();
  });
});
