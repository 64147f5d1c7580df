// Faults in how a blade's BMC answers Redfish, not in the blade: replies held back (slow) or garbled (malformed) for
// a while. The chaos harness injects them; each ends by itself, as a congested or buggy BMC recovers.
import type { FastifyReply } from 'fastify';

interface Window {
  readonly until: number;
  readonly delayMs: number;
}

/** What a garbled reply looks like: cut-off JSON, a wrong type, or a body that is not JSON at all (in turn). */
const GARBLED = [
  '{"@odata.id": "/redfish/v1/Systems/',
  '{"PowerState": 42, "Status": "On"}',
  '<html><body>502 Bad Gateway</body></html>',
] as const;

export class ReplyFaults {
  readonly #slow = new Map<string, Window>();
  readonly #malformed = new Map<string, Window>();
  #garbled = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Every Redfish reply about the blade waits `delayMs` more, for the next `forMs`. */
  slow(blade: string, delayMs: number, forMs: number): void {
    this.#slow.set(blade, { until: this.now() + forMs, delayMs });
  }

  /** Every Redfish reply about the blade is 200 with a body no client can use, for the next `forMs`. */
  malformed(blade: string, forMs: number): void {
    this.#malformed.set(blade, { until: this.now() + forMs, delayMs: 0 });
  }

  /** Ends both faults on the blade at once. */
  clear(blade: string): void {
    this.#slow.delete(blade);
    this.#malformed.delete(blade);
  }

  /** The delay a reply about the blade must wait now (0: none). */
  delayOf(blade: string): number {
    const w = this.#active(this.#slow, blade);
    return w?.delayMs ?? 0;
  }

  isMalformed(blade: string): boolean {
    return this.#active(this.#malformed, blade) !== null;
  }

  /**
   * Holds the reply back while the blade is slow, then answers garbage if it is malformed; true when the reply was
   * sent here (the caller must not answer again).
   */
  async apply(blade: string, reply: FastifyReply): Promise<boolean> {
    const delay = this.delayOf(blade);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (!this.isMalformed(blade)) return false;
    const body = GARBLED[this.#garbled++ % GARBLED.length]!;
    await reply.code(200).header('content-type', 'application/json').send(body);
    return true;
  }

  #active(map: Map<string, Window>, blade: string): Window | null {
    const w = map.get(blade);
    if (w === undefined) return null;
    if (w.until <= this.now()) {
      map.delete(blade);
      return null;
    }
    return w;
  }
}
