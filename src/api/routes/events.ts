// /api/v1/events: the audit log, as JSON pages or (Accept: text/event-stream) a live stream resumable with Last-Event-ID.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditEvent } from '../../ports/store.js';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { route, type AnyRoute } from '../route-kit.js';
import { eventPage, eventQuery } from '../schemas.js';

const PAGE = 500;

export function eventRoutes(ctx: ApiContext): AnyRoute[] {
  return [
    route({
      id: 'events',
      method: 'GET',
      path: '/api/v1/events',
      access: 'viewer',
      tag: 'events',
      summary:
        'The audit log: a page of events after a seq, or with Accept: text/event-stream every event as it is committed',
      description:
        'As a stream, each event is one SSE message whose id is its seq and whose data is the event as JSON. ' +
        'It starts after the Last-Event-ID header, else after the `after` query parameter when given, else at the end of the log (only new events). ' +
        'A comment line every 15 s keeps idle connections open.',
      query: eventQuery,
      responses: {
        200: {
          description: 'A page of events, or the stream',
          schema: eventPage,
          alternative: { contentType: 'text/event-stream' },
        },
      },
      async handle({ query, request, reply }) {
        if (wantsStream(request)) {
          const lastId = request.headers['last-event-id'];
          const resume = lastId === undefined ? undefined : parseLastEventId(lastId);
          const after =
            resume ??
            (request.query !== null && typeof request.query === 'object' && 'after' in request.query
              ? query.after
              : ctx.tail.head());
          await stream(ctx, request, reply, after);
          return null;
        }
        // `last` counts back from the head; with the gaps a PostgreSQL sequence may leave, it can return fewer.
        const after = query.last === undefined ? query.after : Math.max(0, ctx.tail.head() - query.last);
        const limit = query.last ?? query.limit;
        const items = await ctx.store.events(after, limit);
        return { body: { items, next: items.at(-1)?.seq ?? after, more: items.length === limit } };
      },
    }),
  ];
}

function wantsStream(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').toLowerCase().includes('text/event-stream');
}

function parseLastEventId(value: string | string[]): number {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || !/^\d{1,15}$/.test(text.trim())) {
    throw new ApiError(
      400,
      'invalid',
      'headers.last-event-id: expected the seq (an integer >= 0) of the last event received',
      'headers.last-event-id',
    );
  }
  return Number(text.trim());
}

function frame(event: AuditEvent): string {
  return `id: ${event.seq}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * Pages the log from `after` and writes each page; at the head it waits for the tail to move (commit
 * notices, else a slow poll). A slow reader is never buffered in memory: the next page is read only
 * once the socket has drained, so it simply falls behind and catches up from the store.
 */
async function stream(ctx: ApiContext, request: FastifyRequest, reply: FastifyReply, after: number): Promise<void> {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.write('retry: 2000\n\n');
  let closed = false;
  let onClose: () => void = () => {};
  const gone = new Promise<void>((resolve) => {
    onClose = () => {
      closed = true;
      resolve();
    };
  });
  request.raw.once('close', onClose);
  raw.once('close', onClose);
  raw.once('error', onClose);
  ctx.streams.add(raw);
  let cursor = after;
  try {
    while (!closed) {
      const page = await ctx.store.events(cursor, PAGE);
      if (page.length > 0) {
        cursor = page.at(-1)!.seq;
        const ok = raw.write(ctx.redact(page.map(frame).join('')));
        if (!ok) await Promise.race([new Promise((resolve) => raw.once('drain', resolve)), gone]);
        continue;
      }
      const moved = await Promise.race([ctx.tail.wait(cursor, ctx.heartbeatMs), gone.then(() => true)]);
      if (!moved && !closed) raw.write(': keep-alive\n\n');
    }
  } catch (error) {
    request.log.warn(
      { err: error instanceof Error ? ctx.redact(error.message) : 'unknown' },
      'event stream ended by an error',
    );
  } finally {
    ctx.streams.delete(raw);
    if (!raw.writableEnded) raw.end();
  }
}
