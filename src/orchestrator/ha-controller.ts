// A controller among several on one store: it runs the reconcile loop only while it holds the lease, and
// stands by otherwise (reads served, takeover at expiry). Each term runs a fresh Controller that resumes
// every unfinished transfer; its writes are fenced by the term's epoch and its driver calls by the lease.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { LeaseView } from '../ports/lease.js';
import type { LeasedStore } from '../ports/store.js';
import { Controller, type ControllerOptions, type LogEntry } from './controller.js';
import { fencedStore } from './fenced-store.js';
import { guardFencing, guardPorts } from './lease-guard.js';
import { Leadership, type Term } from './leadership.js';

export interface LeaseSettings {
  /** The partition this controller competes for; default "controller" (the whole site). */
  readonly name?: string;
  /** Unique per process; default host:pid:random. */
  readonly holder?: string;
  /** Default 15 000 ms; see docs/architecture.md (Deployment) for choosing it against database failover time. */
  readonly ttlMs?: number;
  readonly renewEveryMs?: number;
}

export interface HaControllerOptions extends ControllerOptions {
  readonly store: LeasedStore;
  readonly lease?: LeaseSettings;
  /** Runs after each term's Controller started (e.g. first-time discovery); its writes are fenced too. */
  readonly onLeading?: (controller: Controller, term: Term) => Promise<void> | void;
  /** Runs after a term ended and its Controller stopped. */
  readonly onStandby?: (reason: string) => Promise<void> | void;
}

export class HaController {
  readonly holder: string;
  private readonly leadership: Leadership;
  private leading: { term: Term; controller: Controller } | null = null;

  private constructor(private readonly o: HaControllerOptions) {
    this.holder = o.lease?.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    const log = o.log ?? (() => {});
    this.leadership = new Leadership({
      store: o.store,
      holder: this.holder,
      ...(o.lease?.name === undefined ? {} : { name: o.lease.name }),
      ...(o.lease?.ttlMs === undefined ? {} : { ttlMs: o.lease.ttlMs }),
      ...(o.lease?.renewEveryMs === undefined ? {} : { renewEveryMs: o.lease.renewEveryMs }),
      log,
      onGained: (term) => this.lead(term),
      onLost: (term, reason) => this.standBy(term, reason),
    });
  }

  /** Migrates the store, then competes for the lease; returns at once, leading or not. */
  static async start(options: HaControllerOptions): Promise<HaController> {
    await options.store.migrate();
    const ha = new HaController(options);
    ha.leadership.start();
    return ha;
  }

  /** The running Controller while this process leads (operator actions go there), else null. */
  leader(): Controller | null {
    return this.leading?.term.holds() ? this.leading.controller : null;
  }

  /** Who leads now, by the store: for a standby's API to name the leader. */
  currentLease(): Promise<LeaseView | null> {
    return this.o.store.lease(this.leadership.name);
  }

  /** Reads for the API and dashboard: the same store, leading or not. */
  get store(): LeasedStore {
    return this.o.store;
  }

  /** Stops competing; a leader stops its Controller and releases the lease so a standby takes over at once. */
  async stop(): Promise<void> {
    await this.leadership.stop();
  }

  private async lead(term: Term): Promise<void> {
    if (term.lost) return;
    const log = this.o.log ?? ((_: LogEntry) => {});
    const lose = (reason: string): void => this.leadership.lose(term, reason);
    const store = fencedStore(this.o.store, term, (error) => {
      log({
        level: 'warn',
        msg: 'write refused',
        code: error.code,
        reason: error.reason,
        decidedBy: error.decidedBy,
        lease: error.fence.lease,
        epoch: error.fence.epoch,
        currentEpoch: error.currentEpoch,
      });
      lose(error.message);
    });
    const expired = (): void => lose('the lease ran out by the local clock');
    const drivers = {
      ...guardPorts(this.o, term, expired),
      ...(this.o.fencing ? { fencing: guardFencing(this.o.fencing, term, expired) } : {}),
    };
    let controller: Controller;
    try {
      controller = await Controller.start({ ...this.o, ...drivers, store });
    } catch (error) {
      lose(`the controller did not start: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    // Lost while starting: onLost runs right after this (transitions are serial) and stops it.
    this.leading = { term, controller };
    if (!term.lost) await this.o.onLeading?.(controller, term);
  }

  private async standBy(term: Term, reason: string): Promise<void> {
    await this.stopTerm(term);
    await this.o.onStandby?.(reason);
  }

  private async stopTerm(term: Term): Promise<void> {
    const leading = this.leading;
    if (leading === null || leading.term !== term) return;
    this.leading = null;
    // In-flight work ends on its own: its driver calls and writes are refused from now on. Wait for
    // it, but not for ever: a write hanging on an unreachable database must not block the next term.
    await Promise.race([
      leading.controller.stop(),
      new Promise((resolve) => setTimeout(resolve, this.leadership.ttlMs).unref()),
    ]);
  }
}
