// The EventService's push subscriptions (EventDestination): clients POST a Destination, and every event the SSE
// stream carries is also POSTed there, with the same Id and EventId, the subscription's Context and HttpHeaders.
// Delivery is fire-and-forget, as on a BMC: an unreachable destination loses the event.
import { z } from 'zod';
import { ROOT, type Json } from './redfish-view.js';

export const SUBSCRIPTIONS = `${ROOT}/EventService/Subscriptions`;

const destination = z.object({
  Destination: z
    .string()
    .url()
    .refine((u) => /^https?:/.test(u), 'expected an http(s) URL'),
  Context: z.string().max(256).optional(),
  Protocol: z.literal('Redfish').optional(),
  EventTypes: z.array(z.string()).optional(),
  HttpHeaders: z.array(z.record(z.string(), z.string())).max(8).optional(),
});

interface Subscription {
  readonly id: string;
  readonly destination: string;
  readonly context: string | null;
  readonly headers: Record<string, string>;
}

export class EventSubscriptions {
  readonly #subscriptions = new Map<string, Subscription>();
  #next = 1;
  /** Deliveries that failed (a refused or unreachable destination), and that were taken, since start. */
  failed = 0;
  delivered = 0;
  /** Refuse new subscriptions (a BMC whose event service takes none): POST answers 501. */
  refuse = false;

  /** A new subscription, or the name of the property that is wrong. */
  create(body: unknown): { id: string; view: Json } | { error: string } {
    const parsed = destination.safeParse(body);
    if (!parsed.success) return { error: parsed.error.issues[0]?.path.map(String).join('.') || 'Destination' };
    const id = String(this.#next++);
    const headers = Object.assign({}, ...(parsed.data.HttpHeaders ?? [])) as Record<string, string>;
    this.#subscriptions.set(id, {
      id,
      destination: parsed.data.Destination,
      context: parsed.data.Context ?? null,
      headers,
    });
    return { id, view: this.view(id)! };
  }

  ids(): string[] {
    return [...this.#subscriptions.keys()];
  }

  /** The EventDestination resource; its HttpHeaders are never shown (DSP0268: write-only). */
  view(id: string): Json | null {
    const s = this.#subscriptions.get(id);
    if (!s) return null;
    return {
      '@odata.id': `${SUBSCRIPTIONS}/${id}`,
      '@odata.type': '#EventDestination.v1_14_0.EventDestination',
      Id: id,
      Name: `Event subscription ${id}`,
      Destination: s.destination,
      Context: s.context,
      Protocol: 'Redfish',
      SubscriptionType: 'RedfishEvent',
      HttpHeaders: [],
    };
  }

  delete(id: string): boolean {
    return this.#subscriptions.delete(id);
  }

  /** Sends one Event payload to every subscriber. */
  publish(payload: Json): void {
    for (const s of this.#subscriptions.values()) {
      const body = JSON.stringify({ ...payload, Context: s.context });
      const headers = { ...s.headers, 'Content-Type': 'application/json' };
      fetch(s.destination, {
        method: 'POST',
        headers,
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(2_000),
      }).then(
        (reply) => {
          if (reply.ok) this.delivered++;
          else this.failed++;
          return reply.body?.cancel();
        },
        () => void this.failed++,
      );
    }
  }
}
