// Leadership of one partition through a lease in the store: acquire, renew well before expiry, and give up
// at once (locally and in the store) when a renewal fails, the lease runs out, or a write is fenced.
import { performance } from 'node:perf_hooks';
import type { Lease, LeaseStore } from '../ports/lease.js';
import type { LogEntry } from './controller.js';
import { Term } from './lease-term.js';

export { NotLeaderError, Term } from './lease-term.js';

export interface LeadershipOptions {
  readonly store: LeaseStore;
  /** Unique per process: two processes with one name would each think the other's writes their own. */
  readonly holder: string;
  /** The partition; default "controller" (the whole site). */
  readonly name?: string;
  /** Lease time-to-live (ms); default 15 000. A standby takes over at most this long after the leader died. */
  readonly ttlMs?: number;
  /** Renew this often (ms); default ttl/3, so two renewals can fail before the lease runs out. */
  readonly renewEveryMs?: number;
  /**
   * Part of the TTL kept back for clock-rate drift between this host and the store (default 0.1): the
   * holder stops believing in its lease at (time it asked + ttl * (1 - drift)), before the store lets it go.
   */
  readonly driftFraction?: number;
  readonly onGained: (term: Term) => Promise<void> | void;
  readonly onLost: (term: Term, reason: string) => Promise<void> | void;
  readonly log?: (entry: LogEntry) => void;
}

export class Leadership {
  readonly name: string;
  readonly ttlMs: number;
  private readonly renewEveryMs: number;
  private readonly drift: number;
  private readonly log: (entry: LogEntry) => void;
  private term: Term | null = null;
  private stopped = false;
  private wake: (() => void) | null = null;
  /** After losing, wait one renewal period before asking again: no flapping, and standbys get their turn. */
  private notBefore = 0;
  private watchdog: NodeJS.Timeout | null = null;
  /** onGained and onLost run one after another, never overlapping. */
  private transitions: Promise<void> = Promise.resolve();
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly o: LeadershipOptions) {
    this.name = o.name ?? 'controller';
    this.ttlMs = o.ttlMs ?? 15_000;
    this.renewEveryMs = o.renewEveryMs ?? Math.max(1, Math.floor(this.ttlMs / 3));
    this.drift = o.driftFraction ?? 0.1;
    this.log = o.log ?? (() => {});
    if (this.renewEveryMs >= this.ttlMs * (1 - this.drift)) {
      throw new RangeError(`renewEveryMs (${this.renewEveryMs}) must be well below the lease TTL (${this.ttlMs})`);
    }
  }

  start(): void {
    this.loop = this.run();
  }

  /** The current term while this process leads, else null. */
  current(): Term | null {
    return this.term?.holds() ? this.term : null;
  }

  /**
   * Gives up `term` (if it is still the current one): stops believing in it at once, tells the store
   * so a standby takes over without waiting and later writes of this epoch are refused, then onLost.
   */
  lose(term: Term, reason: string): void {
    if (!term.markLost()) return;
    if (this.term === term) this.term = null;
    this.clearWatchdog();
    this.notBefore = performance.now() + this.renewEveryMs;
    this.log({
      level: 'warn',
      msg: 'leadership lost',
      lease: this.name,
      holder: this.o.holder,
      epoch: term.lease.epoch,
      reason,
    });
    term.released = bounded(this.o.store.releaseLease(term.lease), this.ttlMs / 2).then(
      () => true,
      () => false,
    );
    this.transition(() => this.o.onLost(term, reason));
    this.wakeUp();
  }

  /** Stops trying to lead; a held lease is released so a standby takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp();
    await this.loop;
    const term = this.term;
    if (term !== null) {
      this.lose(term, 'stopping');
      await term.released;
    }
    await this.transitions;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const term = this.term;
      if (term === null) await this.tryAcquire();
      else await this.renew(term);
    }
  }

  private async tryAcquire(): Promise<void> {
    const backOff = this.notBefore - performance.now();
    if (backOff > 0) {
      await this.sleep(backOff);
      if (this.stopped) return;
    }
    const askedAt = performance.now();
    let lease: Lease | null = null;
    try {
      lease = await bounded(this.o.store.acquireLease(this.name, this.o.holder, this.ttlMs), this.ttlMs / 2);
    } catch (error) {
      this.log({ level: 'warn', msg: 'lease request failed', lease: this.name, error: messageOf(error) });
    }
    if (this.stopped) {
      if (lease !== null) await this.o.store.releaseLease(lease).catch(() => false);
      return;
    }
    if (lease !== null) {
      const term = new Term(lease, askedAt + this.ttlMs * (1 - this.drift), askedAt);
      this.term = term;
      this.armWatchdog(term);
      this.log({ level: 'info', msg: 'leading', lease: this.name, holder: this.o.holder, epoch: lease.epoch });
      this.transition(() => this.o.onGained(term));
      return; // renew() waits one period before the first renewal
    }
    // Ask again when the current lease runs out (by the store's clock), or sooner.
    let wait = this.renewEveryMs;
    try {
      const seen = await bounded(this.o.store.lease(this.name), this.ttlMs / 2);
      if (seen !== null) wait = Math.min(wait, seen.remainingMs + 5);
    } catch {
      // The store is unreachable: keep asking at the usual pace.
    }
    await this.sleep(Math.max(5, wait));
  }

  /**
   * Renewals are due a fixed period after the last grant was asked for, whatever the timers' lateness,
   * and each has a deadline of its own (one period). A renewal that fails or times out is only tried
   * again: the lease is given up when the store says it is gone, or when it truly ran out by the local
   * clock (the watchdog), never because a slow renewal was left a sliver of the remaining lease.
   */
  private async renew(term: Term): Promise<void> {
    const due = term.askedAt + this.renewEveryMs;
    await this.sleep(Math.max(0, due - performance.now()));
    if (this.stopped || term.lost) return;
    const askedAt = performance.now();
    let renewed: Lease | null = null;
    try {
      renewed = await bounded(this.o.store.renewLease(term.lease, this.ttlMs), this.renewEveryMs);
    } catch (error) {
      if (term.lost) return;
      this.log({
        level: 'warn',
        msg: 'lease renewal failed; retrying while the lease runs',
        lease: this.name,
        error: messageOf(error),
        remainingMs: Math.round(term.remainingMs()),
      });
      await this.sleep(Math.min(this.renewEveryMs / 4, term.remainingMs()));
      return; // still due: run() calls renew() again at once
    }
    if (term.lost) return;
    if (renewed === null) {
      this.lose(term, 'the store no longer grants it (lapsed or taken over)');
      return;
    }
    if (!term.holds()) {
      this.lose(term, 'the lease ran out before the renewal came back');
      return;
    }
    term.renewed(renewed, askedAt, askedAt + this.ttlMs * (1 - this.drift));
    this.armWatchdog(term);
  }

  /** Gives up the moment the local deadline passes, even while a renewal hangs on an unreachable store. */
  private armWatchdog(term: Term): void {
    this.clearWatchdog();
    this.watchdog = setTimeout(() => {
      if (!term.holds()) this.lose(term, 'the lease ran out by the local clock (no renewal in time)');
      else this.armWatchdog(term);
    }, Math.ceil(term.remainingMs()) + 1);
  }

  private clearWatchdog(): void {
    if (this.watchdog !== null) clearTimeout(this.watchdog);
    this.watchdog = null;
  }

  private transition(work: () => Promise<void> | void): void {
    this.transitions = this.transitions.then(work).catch((error: unknown) => {
      this.log({ level: 'error', msg: 'leadership transition failed', error: messageOf(error) });
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

/**
 * Rejects when `promise` has not settled within `ms`: a hung store must not hang the lease loop. When the timer
 * fires, the answer may already wait in the event loop behind it (a busy process's timers run before its I/O): it
 * gets one more turn (setImmediate runs after pending I/O) before the store is taken as silent. Leases count their
 * term from when they were asked for, so an answer taken this late is no less safe.
 */
function bounded<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => setImmediate(() => reject(new Error(`no answer from the store within ${Math.round(ms)} ms`))),
      ms,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
