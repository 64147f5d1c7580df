// The EventService's server-sent event stream as HardwareEvents: one connection while anyone listens, reconnected
// with backoff and Last-Event-ID after a drop. Events the driver cannot read directly make it re-read the system.
// Events pushed to a subscription come in here too, and one event heard on both paths is delivered once.
import type { HardwareEvent, Health } from '../../ports/hardware.js';
import type { RedfishClient } from './redfish-client.js';
import { eventSchema } from './redfish-schemas.js';

export interface EventFeedOptions {
  /** The SSE path, or null when the service has none (the controller's polling still sees every change). */
  readonly path: () => Promise<string | null>;
  /** Maps an OriginOfCondition path to a blade id, or null when it is no system of ours. */
  readonly bladeOf: (origin: string) => string | null;
  /** For events that say something changed but not what: read the blade and report its state. */
  readonly reread: (blade: string) => Promise<HardwareEvent[]>;
  readonly warn: (message: string) => void;
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
}

const HEALTH: Readonly<Record<string, Health>> = { OK: 'ok', Warning: 'warning', Critical: 'critical' };
/** How many recent events are remembered to drop the second copy of one heard by SSE and by push. */
const REMEMBERED = 1_024;

export class EventFeed {
  readonly #seen = new Set<string>();
  readonly #listeners = new Set<(event: HardwareEvent) => void>();
  #abort: AbortController | null = null;
  #connected: Promise<void> = Promise.resolve();
  #markConnected: () => void = () => {};

  constructor(
    private readonly client: RedfishClient,
    private readonly o: EventFeedOptions,
  ) {}

  subscribe(listener: (event: HardwareEvent) => void): () => void {
    this.#listeners.add(listener);
    if (this.#listeners.size === 1) this.#start();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#stop();
    };
  }

  /**
   * Resolves once the stream is open (or at once when nobody listens, or after `ms`): a change requested after
   * subscribe() then cannot slip by before the stream is there to announce it.
   */
  async ready(ms: number): Promise<void> {
    if (!this.#abort) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#connected, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }

  close(): void {
    this.#listeners.clear();
    this.#stop();
  }

  /** An Event payload pushed to our subscription (already parsed and authenticated by the receiver). */
  async pushed(payload: unknown): Promise<void> {
    if (this.#listeners.size === 0) return;
    await this.#deliverPayload(payload, 'push');
  }

  #start(): void {
    const abort = new AbortController();
    this.#abort = abort;
    this.#connected = new Promise((resolve) => (this.#markConnected = resolve));
    void this.#run(abort.signal);
  }

  #stop(): void {
    this.#abort?.abort();
    this.#abort = null;
  }

  async #run(signal: AbortSignal): Promise<void> {
    let lastId: string | null = null;
    let wait = this.o.retryMs ?? 500;
    while (!signal.aborted) {
      try {
        const path = await this.o.path();
        if (path === null) {
          this.o.warn(`${this.client.name}: no ServerSentEventUri; relying on polling`);
          this.#markConnected();
          return;
        }
        const response = await this.client.open(path, lastId === null ? {} : { 'Last-Event-ID': lastId }, signal);
        this.#markConnected();
        wait = this.o.retryMs ?? 500;
        for await (const message of serverSentEvents(response.body, signal)) {
          if (message.id !== null) lastId = message.id;
          if (message.data !== '') await this.#deliver(message.data);
        }
        if (!signal.aborted) this.o.warn(`${this.client.name}: event stream ended; reconnecting`);
      } catch (error) {
        if (signal.aborted) return;
        this.o.warn(
          `${this.client.name}: event stream failed (${error instanceof Error ? error.message : String(error)}); reconnecting in ${wait} ms`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(this.o.maxRetryMs ?? 30_000, wait * 2);
    }
  }

  async #deliver(data: string): Promise<void> {
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      this.o.warn(`${this.client.name}: event stream sent malformed JSON; ignored`);
      return;
    }
    await this.#deliverPayload(payload, 'event stream');
  }

  async #deliverPayload(payload: unknown, path: string): Promise<void> {
    const parsed = eventSchema.safeParse(payload);
    if (!parsed.success) {
      this.o.warn(`${this.client.name}: ${path} sent no Redfish Event; ignored`);
      return;
    }
    for (const record of parsed.data.Events) {
      if (this.#heardBefore(record)) continue;
      const origin = record.OriginOfCondition?.['@odata.id'];
      const blade = origin ? this.o.bladeOf(origin) : null;
      if (blade === null) continue;
      const events = await this.#translate(blade, record.MessageId ?? '');
      for (const event of events) for (const listener of [...this.#listeners]) listener(event);
    }
  }

  /**
   * True for the second copy of an event. Only events that carry an EventId or a timestamp can be told apart;
   * others are always delivered (a repeated status event is harmless: the controller reads the blade).
   */
  #heardBefore(record: {
    EventId?: string | null | undefined;
    EventTimestamp?: string | null | undefined;
    MessageId?: string | null | undefined;
    OriginOfCondition?: { '@odata.id': string } | null | undefined;
  }): boolean {
    if (!record.EventId && !record.EventTimestamp) return false;
    const key = `${record.EventId ?? ''}|${record.EventTimestamp ?? ''}|${record.MessageId ?? ''}|${record.OriginOfCondition?.['@odata.id'] ?? ''}`;
    if (this.#seen.has(key)) return true;
    this.#seen.add(key);
    if (this.#seen.size > REMEMBERED) this.#seen.delete(this.#seen.values().next().value!);
    return false;
  }

  async #translate(blade: string, messageId: string): Promise<HardwareEvent[]> {
    // Registry.Major.Minor.Errata.Key: only the key matters, whatever the registry version.
    const key = messageId.slice(messageId.lastIndexOf('.') + 1);
    if (key === 'ResourcePoweredOn') return [{ kind: 'power', blade, power: 'on' }];
    if (key === 'ResourcePoweredOff') return [{ kind: 'power', blade, power: 'off' }];
    if (key === 'ResourceCreated') return [{ kind: 'added', blade }];
    if (key === 'ResourceRemoved') return [{ kind: 'removed', blade }];
    const health = key.startsWith('ResourceStatusChanged')
      ? HEALTH[key.slice('ResourceStatusChanged'.length)]
      : undefined;
    if (health) return [{ kind: 'health', blade, health }];
    try {
      return await this.o.reread(blade);
    } catch {
      // It does not answer: say so, and let the controller look.
      return [{ kind: 'health', blade, health: 'unreachable' }];
    }
  }
}

/** Parses text/event-stream (WHATWG HTML, server-sent events): yields each message's last id and its data lines. */
export async function* serverSentEvents(
  body: ReadableStream<Uint8Array> | null,
  signal: AbortSignal,
): AsyncGenerator<{ id: string | null; data: string }> {
  if (!body) return;
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let id: string | null = null;
  const reader = body.getReader();
  try {
    while (!signal.aborted) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      for (let newline = buffer.search(/\r\n|\r|\n/); newline >= 0; newline = buffer.search(/\r\n|\r|\n/)) {
        // A CR at the very end may be the first half of a CRLF split across chunks: wait for the next one.
        if (buffer[newline] === '\r' && newline === buffer.length - 1) break;
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          if (data.length > 0) yield { id, data: data.join('\n') };
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const content = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') data.push(content);
        else if (field === 'id' && !content.includes('\0')) id = content;
      }
    }
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => {});
  }
}
