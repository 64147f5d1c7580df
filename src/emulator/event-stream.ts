// The EventService's server-sent event stream: the world's power and health changes as Redfish Event payloads,
// with ids so a client that reconnects with Last-Event-ID gets what it missed.
import type { ServerResponse } from 'node:http';
import type { FakeWorld } from '../adapters/fake/index.js';
import type { HardwareEvent } from '../ports/hardware.js';
import { systemPath, type Json } from './redfish-view.js';

const REGISTRY = 'ResourceEvent.1.4.2';
/** How many past events a reconnecting client can catch up on. */
const REPLAY = 1_000;

interface Sent {
  readonly id: number;
  readonly text: string;
}

export class RedfishEventStream {
  readonly #clients = new Set<ServerResponse>();
  readonly #payloads = new Set<(payload: Json) => void>();
  /** Off: open streams are ended and new ones refused (an SSE service that died while push goes on). */
  #enabled = true;
  readonly #recent: Sent[] = [];
  readonly #unsubscribe: () => void;
  readonly #heartbeat: NodeJS.Timeout;
  #next = 1;

  constructor(world: FakeWorld, heartbeatMs = 15_000) {
    this.#unsubscribe = world.onEvent((event) => this.#publish(event));
    // A comment line now and then lets proxies and clients see that a quiet stream is still alive.
    this.#heartbeat = setInterval(() => this.#write(':\n\n'), heartbeatMs);
    this.#heartbeat.unref();
  }

  /** Every event payload as it is published, for push subscriptions: the same Id on both paths. */
  onPayload(listener: (payload: Json) => void): () => void {
    this.#payloads.add(listener);
    return () => this.#payloads.delete(listener);
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  /** Turns the SSE path off (ending every open stream) or on again; push subscriptions are not affected. */
  setEnabled(enabled: boolean): void {
    this.#enabled = enabled;
    if (enabled) return;
    for (const client of this.#clients) client.destroy();
    this.#clients.clear();
  }

  /** Takes over the response: headers, the events after `lastEventId` (if the client reconnects), then live ones. */
  attach(response: ServerResponse, lastEventId: string | undefined): void {
    if (!this.#enabled) {
      response.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '5' });
      response.end(
        JSON.stringify({
          error: { code: 'Base.1.16.0.ServiceTemporarilyUnavailable', message: 'The event stream is not available.' },
        }),
      );
      return;
    }
    response.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.write(':\n\n');
    const after = Number(lastEventId);
    if (lastEventId !== undefined && Number.isInteger(after))
      for (const sent of this.#recent) if (sent.id > after) response.write(sent.text);
    this.#clients.add(response);
    response.on('close', () => this.#clients.delete(response));
  }

  get clients(): number {
    return this.#clients.size;
  }

  close(): void {
    this.#unsubscribe();
    clearInterval(this.#heartbeat);
    for (const client of this.#clients) client.end();
    this.#clients.clear();
  }

  #publish(event: HardwareEvent): void {
    const record = eventRecord(event);
    // A dead BMC says nothing: unreachability is found by the client's own calls timing out.
    if (record === null) return;
    const id = this.#next++;
    const payload: Json = {
      '@odata.type': '#Event.v1_7_0.Event',
      Id: String(id),
      Name: 'Cascade emulator event',
      Events: [{ EventId: String(id), ...record }],
    };
    const sent: Sent = { id, text: `id: ${id}\ndata: ${JSON.stringify(payload)}\n\n` };
    this.#recent.push(sent);
    if (this.#recent.length > REPLAY) this.#recent.shift();
    this.#write(sent.text);
    for (const listener of this.#payloads) listener(payload);
  }

  #write(text: string): void {
    for (const client of this.#clients) client.write(text);
  }
}

const SEVERITY = { ok: 'OK', warning: 'Warning', critical: 'Critical' } as const;

/** One EventRecord (Event.v1_7_0) for a world event; null for what a real service would not announce. */
export function eventRecord(event: HardwareEvent): Json | null {
  const origin = systemPath(event.blade);
  const base = { EventTimestamp: new Date().toISOString(), OriginOfCondition: { '@odata.id': origin } };
  const message = (key: string, severity: string, text: string, args: string[]): Json => ({
    ...base,
    EventType: 'Alert',
    MessageId: `${REGISTRY}.${key}`,
    Message: text,
    MessageArgs: args,
    MessageSeverity: severity,
    Severity: severity,
  });
  switch (event.kind) {
    case 'power':
      return event.power === 'on'
        ? message('ResourcePoweredOn', 'OK', `The resource '${origin}' has powered on.`, [origin])
        : message('ResourcePoweredOff', 'OK', `The resource '${origin}' has powered off.`, [origin]);
    case 'health': {
      if (event.health === 'unreachable') return null;
      const severity = SEVERITY[event.health];
      return message(
        `ResourceStatusChanged${severity}`,
        severity,
        `The health of resource '${origin}' has changed to ${severity}.`,
        [origin],
      );
    }
    case 'added':
      return message('ResourceCreated', 'OK', 'The resource was created successfully.', []);
    case 'removed':
      return message('ResourceRemoved', 'OK', 'The resource was removed successfully.', []);
  }
}
