// Keeps the alarm records current: projects every `alarm.*` audit event into its record, and raises and clears
// the conditions stored state shows (conditions.ts) after commits and on a timer (a stuck step needs no commit).
import { DEFAULT_POLICY, type Policy } from '../core/model.js';
import type { Clock } from '../ports/clock.js';
import type { CommitFeed } from '../ports/commit-feed.js';
import type { LeaseView } from '../ports/lease.js';
import type { AlarmRecord, AuditEvent, NewAuditEvent, Store } from '../ports/store.js';
import { alarmEvent, alarmId } from '../wire/alarms.js';
import { alarmConditions, DERIVED_KINDS } from './conditions.js';
import { followLog, type LogWaiter } from './follow-log.js';
import { alarmIdOf, applyAlarmEvent } from './projection.js';

export interface AlarmMonitorOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly tail: LogWaiter;
  readonly commits?: CommitFeed;
  readonly policy: () => Policy | undefined;
  /** Only the leading controller raises and clears derived alarms, so an HA pair raises each once. */
  readonly leads: () => boolean;
  /** With several controllers: reads the leadership lease, so a standby can say that no one leads. */
  readonly lease?: () => Promise<LeaseView | null>;
  /** A running transfer on one step for longer than this is stuck (default 5 min). */
  readonly stuckAfterMs?: number;
  readonly leaderlessAfterMs?: number;
  /** How often conditions are checked without a commit (default 5 s). */
  readonly everyMs?: number;
  readonly debounceMs?: number;
}

/** Who raises and clears the derived alarms in the audit log. */
export const DERIVED_ACTOR = 'controller';

export class AlarmMonitor {
  private stopped = true;
  private timer: NodeJS.Timeout | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private evaluating: Promise<void> | null = null;
  private stopListening: (() => void) | null = null;
  /** The seqs of the leadership.lost events this process committed (the newest few). */
  private readonly leadershipHere: number[] = [];

  constructor(private readonly o: AlarmMonitorOptions) {}

  start(): void {
    this.stopped = false;
    void this.follow();
    this.stopListening =
      this.o.commits?.onCommit((events) => {
        // Its own raises and clears need no second look; anything else may change a condition.
        if (events.every((e) => e.type.startsWith('alarm.'))) return;
        this.soon();
      }) ?? null;
    this.timer = setInterval(() => this.soon(), this.o.everyMs ?? 5_000);
    this.timer.unref();
    this.soon();
  }

  stop(): void {
    this.stopped = true;
    this.stopListening?.();
    if (this.timer) clearInterval(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
    this.timer = null;
    this.debounce = null;
  }

  /** Applies alarm events to their records now (an acknowledgement through the API answers with its result). */
  async project(events: readonly AuditEvent[]): Promise<void> {
    const changed = new Map<string, AlarmRecord | null>();
    for (const e of events) {
      const id = alarmIdOf(e);
      if (id === null) continue;
      const before = changed.has(id) ? changed.get(id)! : await this.o.store.alarm(id);
      const after = applyAlarmEvent(before, e);
      if (after !== before) changed.set(id, after);
    }
    const alarms = [...changed.values()].filter((a): a is AlarmRecord => a !== null);
    if (alarms.length > 0) await this.o.store.commit({ alarms });
  }

  /** Raises what the stored state shows and clears what it no longer does; one run at a time. */
  evaluate(): Promise<void> {
    this.evaluating ??= this.run().finally(() => {
      this.evaluating = null;
    });
    return this.evaluating;
  }

  private soon(): void {
    if (this.stopped || this.debounce !== null) return;
    this.debounce = setTimeout(() => {
      this.debounce = null;
      this.evaluate().catch(() => {
        /* a store read failed (closing, fenced): the next commit or tick tries again */
      });
    }, this.o.debounceMs ?? 200);
    this.debounce.unref();
  }

  private async follow(): Promise<void> {
    // Resume after the newest event any record reflects; older alarm events are in the records already.
    let from = 0;
    for (;;) {
      try {
        from = Math.max(0, ...(await this.o.store.alarms()).map((a) => a.seq));
        break;
      } catch {
        if (this.stopped) return;
        await new Promise((resolve) => setTimeout(resolve, 1_000).unref());
      }
    }
    await followLog(
      this.o.store,
      this.o.tail,
      from,
      (page) => this.project(page),
      () => this.stopped,
    );
  }

  private async run(): Promise<void> {
    const leads = this.o.leads();
    if (!leads && this.o.lease === undefined) return;
    const store = this.o.store;
    const [blades, workloads, open, alarms, lease] = await Promise.all([
      store.blades(),
      store.workloads(),
      store.transfers({ open: true }),
      store.alarms({ open: true }),
      this.o.lease ? this.o.lease() : Promise.resolve(undefined),
    ]);
    const now = this.o.clock.now();
    const conditions = alarmConditions({
      blades,
      workloads,
      open,
      now,
      policy: this.o.policy() ?? DEFAULT_POLICY,
      stuckAfterMs: this.o.stuckAfterMs ?? 300_000,
      ...(lease === undefined ? {} : { lease }),
      ...(this.o.leaderlessAfterMs === undefined ? {} : { leaderlessAfterMs: this.o.leaderlessAfterMs }),
    }).filter((c) => leads || c.kind === 'leadership.lost');
    // A standby answers only for leadership; everything else is the leader's to raise and clear.
    const mine = (kind: string): boolean =>
      leads ? DERIVED_KINDS.includes(kind as never) : kind === 'leadership.lost';
    const openIds = new Set(alarms.map((a) => a.id));
    const present = new Set(conditions.map((c) => alarmId(c.kind, c.subject)));
    const events: NewAuditEvent[] = [];
    for (const c of conditions) {
      if (openIds.has(alarmId(c.kind, c.subject))) continue;
      events.push(
        alarmEvent('alarm.raised', now, DERIVED_ACTOR, c.subject, {
          kind: c.kind,
          message: c.message,
          severity: c.severity,
        }),
      );
    }
    for (const a of alarms) {
      if (!mine(a.kind) || present.has(a.id)) continue;
      events.push(
        alarmEvent('alarm.cleared', now, DERIVED_ACTOR, a.subject, {
          kind: a.kind,
          message: `${a.message} (resolved)`,
        }),
      );
    }
    if (events.length === 0 || this.stopped) return;
    const committed = await store.commit({ events });
    for (const e of committed) if (e.data['kind'] === 'leadership.lost') this.leadershipHere.push(e.seq);
    this.leadershipHere.splice(0, this.leadershipHere.length - 100);
    await this.project(committed);
  }

  /** Whether this process raised or cleared the leadership.lost alarm at `seq`: a standby notifies of its own. */
  committedHere(seq: number): boolean {
    return this.leadershipHere.includes(seq);
  }
}
