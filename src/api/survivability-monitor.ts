// Keeps the survivability report current off the request path: recomputed after commits (debounced, one at a
// time), read by GET /api/v1/survivability and the metrics; an audit event when the verdict gets worse.
import { isEligible } from '../core/eligibility.js';
import { DEFAULT_POLICY, type Policy, type Workload } from '../core/model.js';
import type { DomainLabels } from '../core/survivability-domains.js';
import type { DataCenterState } from '../core/survivability-what-if.js';
import { checkSurvivability, type SurvivabilityReport } from '../core/survivability.js';
import type { Clock } from '../ports/clock.js';
import type { CommitFeed } from '../ports/commit-feed.js';
import type { Store } from '../ports/store.js';
import type { StateSnapshot } from './context.js';

export interface SurvivabilitySnapshot {
  readonly report: SurvivabilityReport;
  /** ms since the epoch. */
  readonly computedAt: number;
  /** How long the check took, in ms. */
  readonly tookMs: number;
}

export interface MonitorOptions {
  readonly store: Store;
  readonly clock: Clock;
  /** A standing-by controller of an HA pair may not have read the policy yet. */
  readonly policy: () => Policy | undefined;
  /** Only the controller that leads records a worse verdict (default: always), so an HA pair records it once. */
  readonly leads?: () => boolean;
  readonly commits?: CommitFeed;
  readonly labels?: DomainLabels;
  /** Recompute after commits and record worse verdicts; without it, reads compute when the store changed. */
  readonly watch?: boolean;
  readonly debounceMs?: number;
}

/** The controller's state as the failover rules see it: what a failure could take away, and what could take over. */
export function liveState(
  snapshot: Pick<StateSnapshot, 'blades' | 'workloads' | 'open'>,
  policy: Policy,
  labels?: DomainLabels,
): DataCenterState {
  // A standby blade the planner would not use, by the planner's own rule, or one a transfer is moving onto is no
  // spare. The rule is asked without a clock: a burn-in ends on its own, and no commit would say when it has.
  const targets = new Set(snapshot.open.map((t) => t.to));
  const blades = snapshot.blades.map((b) => {
    if (b.state !== 'standby') return b;
    if (!isEligible(b)) return { ...b, state: 'failed' as const };
    return targets.has(b.id) ? { ...b, state: 'active' as const } : b;
  });
  const workloads: Workload[] = snapshot.workloads.map((w) => (w.state === 'pending' ? { ...w, blade: null } : w));
  return { blades, workloads, policy, ...(labels ? { labels } : {}) };
}

export class SurvivabilityMonitor {
  private latest: SurvivabilitySnapshot | null = null;
  private running: Promise<SurvivabilitySnapshot> | null = null;
  private dirty = true;
  private timer: NodeJS.Timeout | null = null;
  private stopListening: (() => void) | null = null;

  constructor(private readonly o: MonitorOptions) {}

  get labels(): DomainLabels | undefined {
    return this.o.labels;
  }

  start(): void {
    const listen = this.o.commits?.onCommit(() => this.changed());
    this.stopListening = listen ?? null;
    if (this.o.watch === true) this.schedule();
  }

  stop(): void {
    this.stopListening?.();
    this.stopListening = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** The latest report; computed now only before the first one exists, or when nothing watches the store. */
  async current(): Promise<SurvivabilitySnapshot> {
    const fresh = this.o.watch === true || (this.o.commits !== undefined && !this.dirty);
    if (this.latest !== null && fresh) return this.latest;
    return this.recompute();
  }

  /** A policy change through the API: the next check follows it at once. */
  changed(): void {
    this.dirty = true;
    if (this.o.watch === true) this.schedule();
  }

  private schedule(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.recompute().catch(() => {
        /* a store read failed (closing, fenced): the next commit tries again */
      });
    }, this.o.debounceMs ?? 200);
    this.timer.unref();
  }

  private recompute(): Promise<SurvivabilitySnapshot> {
    if (this.running !== null) return this.running;
    this.dirty = false;
    const run = (async () => {
      const policy = this.o.policy() ?? DEFAULT_POLICY;
      // Read here rather than through the API's shared snapshot, which may serve a read from before the commit.
      const store = this.o.store;
      const [blades, workloads, open] = await Promise.all([
        store.blades(),
        store.workloads(),
        store.transfers({ open: true }),
      ]);
      const state = liveState({ blades, workloads, open }, policy, this.o.labels);
      const started = performance.now();
      const report = checkSurvivability(state);
      const tookMs = Math.round((performance.now() - started) * 10) / 10;
      const snapshot = { report, computedAt: this.o.clock.now(), tookMs };
      const previous = this.latest;
      this.latest = snapshot;
      const leads = this.o.leads?.() ?? true;
      if (this.o.watch === true && leads && previous !== null && worse(previous.report, report)) {
        await this.record(previous.report, report);
      }
      return snapshot;
    })();
    this.running = run;
    void run
      .finally(() => {
        this.running = null;
        if (this.dirty && this.o.watch === true) this.schedule();
      })
      .catch(() => undefined);
    return run;
  }

  private async record(before: SurvivabilityReport, after: SurvivabilityReport): Promise<void> {
    const levels = Object.fromEntries(after.kinds.map((k) => [k.kind, k.survives]));
    const unprotected = after.unprotected.length;
    const data = { before: before.verdict, after: after.verdict, survives: levels, unprotected };
    const at = this.o.clock.now();
    const event = { at, actor: 'controller', type: 'survivability.worse', subject: 'survivability', data };
    await this.o.store.commit({ events: [event] });
  }
}

/** Worse: some domain kind survives fewer failures, or more workloads are unprotected. */
export function worse(before: SurvivabilityReport, after: SurvivabilityReport): boolean {
  if (after.unprotected.length > before.unprotected.length) return true;
  return after.kinds.some((k) => {
    const was = before.kinds.find((b) => b.kind === k.kind);
    return was !== undefined && k.survives < was.survives;
  });
}
