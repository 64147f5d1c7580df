// One term of leadership (a lease as granted, and until when this process may believe in it), and the refusal
// of work asked of a process that no longer leads.
import { performance } from 'node:perf_hooks';
import type { Fence, Lease } from '../ports/lease.js';

/** A driver call (or other work) refused because this process no longer leads. */
export class NotLeaderError extends Error {
  readonly code = 'not-leader';

  constructor(what: string) {
    super(`${what}: this controller no longer holds the lease`);
    this.name = 'NotLeaderError';
  }
}

/** One uninterrupted period of leadership, with its fencing token. A new grant is a new term. */
export class Term {
  #lost = false;
  #validUntil: number;
  #lease: Lease;
  /** Resolves once the store was told the lease ended; true when it is sure to refuse this epoch now. */
  released: Promise<boolean> = Promise.resolve(false);

  #askedAt: number;

  constructor(lease: Lease, validUntil: number, askedAt = performance.now()) {
    this.#lease = lease;
    this.#askedAt = askedAt;
    this.#validUntil = validUntil;
  }

  /** When (local monotonic clock) the grant or renewal now in force was asked for: the next one is due from here. */
  get askedAt(): number {
    return this.#askedAt;
  }

  get lease(): Lease {
    return this.#lease;
  }

  get fence(): Fence {
    return { lease: this.#lease.name, epoch: this.#lease.epoch };
  }

  get lost(): boolean {
    return this.#lost;
  }

  /** Whether this process may still act as leader: not given up, and the lease not run out by the local clock. */
  holds(): boolean {
    return !this.#lost && performance.now() < this.#validUntil;
  }

  /** ms of leadership left by the local (monotonic) clock. */
  remainingMs(): number {
    return this.#lost ? 0 : Math.max(0, this.#validUntil - performance.now());
  }

  renewed(lease: Lease, askedAt: number, validUntil: number): void {
    this.#lease = lease;
    this.#askedAt = askedAt;
    this.#validUntil = validUntil;
  }

  markLost(): boolean {
    if (this.#lost) return false;
    this.#lost = true;
    return true;
  }
}
