// The audit log, live: a browser's EventSource cannot send an Authorization header, so the stream is read with
// fetch() and parsed here (the CLI's src/cli/remote/sse.ts does the same in Node). After a drop it reconnects
// with Last-Event-ID, so no event is missed or repeated.
import type { AuditEvent } from './api-types.js';

export type StreamState = 'live' | 'reconnecting' | 'stopped';

export interface StreamOptions {
  readonly bearer: string;
  /** The seq of the last event already shown: the stream starts after it. */
  readonly after: number;
  readonly onEvent: (event: AuditEvent) => void;
  readonly onState: (state: StreamState) => void;
  /** 401: the token was revoked; the stream stops. */
  readonly onUnauthorized: () => void;
}

export class EventStream {
  private lastId: number;
  private retryMs = 2_000;
  private abort: AbortController | null = null;
  private stopped = false;

  constructor(private readonly o: StreamOptions) {
    this.lastId = o.after;
  }

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
    this.o.onState('stopped');
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      this.abort = new AbortController();
      try {
        const response = await fetch('/api/v1/events', {
          headers: { authorization: this.o.bearer, accept: 'text/event-stream', 'last-event-id': String(this.lastId) },
          cache: 'no-store',
          signal: this.abort.signal,
        });
        if (response.status === 401) {
          this.stopped = true;
          this.o.onUnauthorized();
          return;
        }
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        this.o.onState('live');
        failures = 0;
        await this.read(response.body);
      } catch {
        /* dropped: reconnect below */
      }
      if (this.stopped) return;
      this.o.onState('reconnecting');
      failures++;
      // The server's `retry:` hint, backing off up to 10 s while it stays away: someone is looking at the page.
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(10_000, this.retryMs * 2 ** Math.min(failures - 1, 3))),
      );
    }
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      // Messages end with a blank line; the spec allows \r\n, \r or \n line ends. A \r at the very end may be
      // half of a \r\n split across chunks: it waits for the next chunk.
      const held = buffer.endsWith('\r') ? '\r' : '';
      buffer = buffer.slice(0, buffer.length - held.length).replace(/\r\n?/g, '\n') + held;
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        this.message(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
      }
    }
  }

  private message(block: string): void {
    let id: string | null = null;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue; // comments keep the connection open
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'data') data.push(value);
      else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
    }
    if (data.length === 0) return;
    let event: AuditEvent;
    try {
      event = JSON.parse(data.join('\n')) as AuditEvent;
    } catch {
      return;
    }
    if (id !== null && /^\d+$/.test(id)) this.lastId = Number(id);
    else if (typeof event.seq === 'number') this.lastId = event.seq;
    this.o.onEvent(event);
  }
}
