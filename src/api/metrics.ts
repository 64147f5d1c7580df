// Prometheus metrics: counters and durations follow the audit log as it grows; gauges are read from the store at scrape time.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { fitOf } from '../core/fit.js';
import { floorsOf } from '../core/floors.js';
import type { Controller } from '../orchestrator/controller.js';
import type { AuditEvent, Store } from '../ports/store.js';
import { coalesce, type StateSnapshot } from './context.js';
import type { LogTail } from './log-tail.js';

interface StateFigures {
  readonly pool: number;
  readonly candidates: number;
  readonly surplus: number;
  readonly deficit: number;
  readonly pending: number;
  readonly open: number;
  readonly byState: Readonly<Record<string, number>>;
}

export class ControllerMetrics {
  readonly registry = new Registry();
  private stopped = false;
  private readonly failovers: Counter;
  private readonly cascades: Counter;
  private readonly placements: Counter;
  private readonly aborted: Counter<'kind'>;
  private readonly durations: Histogram<'kind' | 'outcome'>;
  private readonly driverErrors: Counter<'step'>;

  constructor(
    private readonly store: Store,
    private readonly controller: Controller,
    private readonly tail: LogTail,
    private readonly state: () => Promise<StateSnapshot>,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'cascade_process_' });
    this.failovers = new Counter({
      name: 'cascade_failovers_total',
      help: 'Failovers completed since this process started',
      registers,
    });
    this.cascades = new Counter({
      name: 'cascade_cascades_total',
      help: 'Cascades completed since this process started',
      registers,
    });
    this.placements = new Counter({
      name: 'cascade_placements_total',
      help: 'First placements of new workloads completed',
      registers,
    });
    this.aborted = new Counter({
      name: 'cascade_transfers_aborted_total',
      help: 'Transfers aborted, by kind',
      labelNames: ['kind'],
      registers,
    });
    this.durations = new Histogram({
      name: 'cascade_transfer_duration_seconds',
      help: 'From a transfer’s creation to its end, by kind and outcome',
      labelNames: ['kind', 'outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
      registers,
    });
    this.driverErrors = new Counter({
      name: 'cascade_driver_errors_total',
      help: 'Driver calls that failed during a transfer step (retried or final), by step',
      labelNames: ['step'],
      registers,
    });

    const figures = coalesce(() => this.figures());
    const gauge = (name: string, help: string, pick: (f: StateFigures) => number): void => {
      new Gauge({
        name,
        help,
        registers,
        collect: async function (this: Gauge) {
          this.set(pick(await figures()));
        },
      });
    };
    gauge('cascade_standby_pool_blades', 'Blades in the standby pool', (f) => f.pool);
    gauge(
      'cascade_candidates',
      'Active blades whose resources do not fit their workload exactly (Table 3)',
      (f) => f.candidates,
    );
    gauge('cascade_total_surplus', 'Sum of the surplus of every running workload on its blade', (f) => f.surplus);
    gauge('cascade_total_deficit', 'Sum of the deficit of every running workload on its blade', (f) => f.deficit);
    gauge('cascade_pending_workloads', 'Workloads waiting for a blade', (f) => f.pending);
    gauge('cascade_open_transfers', 'Transfers running or waiting', (f) => f.open);
    gauge(
      'cascade_open_proposals',
      'Cascades proposed or approved, not yet started (requireApproval)',
      () => this.controller.proposals().filter((p) => p.status === 'proposed' || p.status === 'approved').length,
    );
    new Gauge({
      name: 'cascade_blades',
      help: 'Blades by state',
      labelNames: ['state'],
      registers,
      collect: async function (this: Gauge<'state'>) {
        const f = await figures();
        for (const state of ['active', 'standby', 'failed', 'maintenance']) this.set({ state }, f.byState[state] ?? 0);
      },
    });
  }

  /** Follows the log from its head; runs until stop(). */
  start(): void {
    void this.follow(this.tail.head());
  }

  stop(): void {
    this.stopped = true;
  }

  private async follow(after: number): Promise<void> {
    let cursor = after;
    while (!this.stopped) {
      try {
        const page = await this.store.events(cursor, 1_000);
        if (page.length === 0) {
          await this.tail.wait(cursor, 1_000);
          continue;
        }
        cursor = page.at(-1)!.seq;
        for (const event of page) await this.count(event);
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 1_000).unref());
      }
    }
  }

  private async count(e: AuditEvent): Promise<void> {
    if (e.type === 'transfer.step.retry' || e.type === 'transfer.step.failed') {
      this.driverErrors.inc({ step: typeof e.data['step'] === 'string' ? e.data['step'] : 'unknown' });
      return;
    }
    if (e.type !== 'transfer.done' && e.type !== 'transfer.aborted') return;
    const t = await this.store.transfer(e.subject);
    const kind = t?.kind ?? (typeof e.data['kind'] === 'string' ? e.data['kind'] : 'unknown');
    if (e.type === 'transfer.done') {
      if (kind === 'failover') this.failovers.inc();
      else if (kind === 'cascade') this.cascades.inc();
      else if (kind === 'place') this.placements.inc();
    } else {
      this.aborted.inc({ kind });
    }
    if (t)
      this.durations.observe(
        { kind, outcome: e.type === 'transfer.done' ? 'done' : 'aborted' },
        Math.max(0, e.at - t.createdAt) / 1000,
      );
  }

  private async figures(): Promise<StateFigures> {
    const { blades, workloads, open, bladeById } = await this.state();
    const policy = this.controller.currentPolicy();
    const byState: Record<string, number> = {};
    for (const b of blades) byState[b.state] = (byState[b.state] ?? 0) + 1;
    let candidates = 0;
    let surplus = 0;
    let deficit = 0;
    for (const w of workloads) {
      if (w.state !== 'running' || w.blade === null) continue;
      const blade = bladeById.get(w.blade);
      if (!blade) continue;
      const fit = fitOf(blade.resources, w.requirements, policy.weights, floorsOf(w, policy));
      surplus += fit.surplus;
      deficit += fit.deficit;
      if (blade.state === 'active' && !(fit.feasible && fit.deficit === 0 && fit.surplus === 0)) candidates++;
    }
    return {
      pool: byState['standby'] ?? 0,
      candidates,
      surplus,
      deficit,
      pending: workloads.filter((w) => w.state === 'pending').length,
      open: open.length,
      byState,
    };
  }
}
