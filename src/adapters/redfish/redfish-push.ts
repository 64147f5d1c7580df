// A push subscription (EventDestination) on one Redfish service: created when events are first wanted, checked and
// renewed on the rediscovery timer, deleted on stop. A service that cannot push leaves the driver on SSE or polling,
// and `state()` says which and why.
import type { RedfishClient } from './redfish-client.js';
import { RedfishError } from './redfish-error.js';
import { members, parseAs } from './redfish-parse.js';
import { eventServiceSchema } from './redfish-schemas.js';
import { z } from 'zod';

export interface PushOptions {
  /** Where this service must POST its events: the receiver's URL for this endpoint. */
  readonly destination: string;
  /** The secret the receiver checks; sent as the subscription's Context, or as a header the service adds. */
  readonly secret: string;
  /** `context` (default): in the destination's Context; `header`: in HttpHeaders as X-Cascade-Event-Secret. */
  readonly secretIn?: 'context' | 'header';
}

export const SECRET_HEADER = 'X-Cascade-Event-Secret';

export interface PushState {
  readonly mode: 'push' | 'off';
  readonly why: string;
}

const destinationSchema = z.object({ Destination: z.string().nullish() }).partial();

export class PushSubscription {
  #location: string | null = null;
  #state: PushState = { mode: 'off', why: 'not subscribed yet' };
  #busy: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: RedfishClient,
    private readonly eventService: () => Promise<string | null>,
    private readonly o: PushOptions,
    private readonly log: (level: 'info' | 'warn', msg: string) => void,
  ) {}

  state(): PushState {
    return this.#state;
  }

  /** Subscribes (replacing one of ours a previous run left behind); never throws: a failure is a fallback. */
  start(): Promise<void> {
    return this.#serial(async () => {
      if (this.#location) return;
      try {
        this.#location = await this.#create();
        this.#set({ mode: 'push', why: `subscribed at ${this.#location}` }, 'info');
      } catch (error) {
        this.#set({ mode: 'off', why: error instanceof Error ? error.message : String(error) }, 'warn');
      }
    });
  }

  /** Checks that the subscription still exists (BMCs drop them on reboot or after failed deliveries); renews it. */
  renew(): Promise<void> {
    return this.#serial(async () => {
      const location = this.#location;
      try {
        if (location) {
          await this.client.get(location);
          return;
        }
      } catch (error) {
        if (!(error instanceof RedfishError && error.status === 404)) return; // unreachable: look again next time
        this.#location = null;
        this.log('warn', `${this.client.name}: push subscription ${location} is gone; subscribing again`);
      }
      try {
        this.#location = await this.#create();
        this.#set({ mode: 'push', why: `subscribed at ${this.#location}` }, 'info');
      } catch (error) {
        this.#set({ mode: 'off', why: error instanceof Error ? error.message : String(error) }, null);
      }
    });
  }

  /** Deletes the subscription; errors are ignored (a service drops undeliverable subscriptions itself). */
  stop(): Promise<void> {
    return this.#serial(async () => {
      const location = this.#location;
      this.#location = null;
      this.#state = { mode: 'off', why: 'stopped' };
      if (location) await this.client.request('DELETE', location, undefined).catch(() => {});
    });
  }

  async #create(): Promise<string> {
    const service = await this.eventService();
    if (!service) throw new RedfishError('bad-reply', `${this.client.name}: no EventService`);
    const body = parseAs(eventServiceSchema, await this.client.get(service), service, this.client.name);
    if (body.ServiceEnabled === false)
      throw new RedfishError('bad-reply', `${this.client.name}: the EventService is disabled`);
    const collection = body.Subscriptions?.['@odata.id'];
    if (!collection) throw new RedfishError('bad-reply', `${this.client.name}: the EventService has no Subscriptions`);
    // One of ours from a run that could not delete it would deliver every event twice.
    for (const member of await members(this.client, collection)) {
      const existing = parseAs(destinationSchema, await this.client.get(member), member, this.client.name);
      if (existing.Destination === this.o.destination)
        await this.client.request('DELETE', member, undefined).catch(() => {});
    }
    const types = body.EventTypesForSubscription?.filter((t) => WANTED.includes(t));
    const header = this.o.secretIn === 'header';
    const reply = await this.client.request('POST', collection, {
      Destination: this.o.destination,
      Protocol: 'Redfish',
      Context: header ? 'cascade' : this.o.secret,
      ...(header ? { HttpHeaders: [{ [SECRET_HEADER]: this.o.secret }] } : {}),
      // Older services require EventTypes; newer ones deliver everything without it.
      ...(types && types.length > 0 ? { EventTypes: types } : {}),
    });
    const location =
      reply.headers.get('location') ?? (typeof reply.body?.['@odata.id'] === 'string' ? reply.body['@odata.id'] : null);
    if (!location)
      throw new RedfishError(
        'bad-reply',
        `${this.client.name}: ${collection} answered ${reply.status} without a Location`,
      );
    return new URL(location, 'http://service').pathname;
  }

  #set(next: PushState, level: 'info' | 'warn' | null): void {
    const changed = next.mode !== this.#state.mode || next.why !== this.#state.why;
    this.#state = next;
    if (changed && level)
      this.log(level, `${this.client.name}: push events ${next.mode === 'push' ? 'on' : 'off'} (${next.why})`);
  }

  #serial(work: () => Promise<void>): Promise<void> {
    const next = this.#busy.then(work, work);
    this.#busy = next.catch(() => {});
    return next;
  }
}

const WANTED = ['StatusChange', 'ResourceUpdated', 'ResourceAdded', 'ResourceRemoved', 'Alert'];
