// Workload monitoring on blades that look well: a running workload that lost its own sign of life for long enough is
// down (src/core/workload-watch.ts), is restarted in place from its latest checkpoint (or cold), and after a failed
// restart or too many restarts is moved by a failover. Only ever about the workload: it never fails the blade.
import { DEFAULT_DETECTION, type Liveness } from '../../core/verdict.js';
import { DOWN_PREFIX, isDown, watchWorkload, type WatchState } from '../../core/workload-watch.js';
import type { BladeRecord, NewAuditEvent, TransferRecord, WorkloadRecord } from '../../ports/store.js';
import type { Checkpoint } from '../../ports/workloads.js';
import { alarmEvent } from '../../wire/alarms.js';
import type { ControllerContext } from '../controller-context.js';
import { withDeadline } from '../deadline.js';

/** A restart decided inside the exclusive section, run outside it (the restore can take up to its deadline). */
export interface RestartJob {
  readonly workload: string;
  readonly blade: string;
}

/** Verdicts on which the blade itself is trusted: anything else is the blade detector's to act on. */
const TRUSTED = new Set(['healthy', 'degraded']);

export class WorkloadWatch {
  readonly #state = new Map<string, WatchState>();
  /** Restarts under way: their workload is not judged again until they end. */
  readonly #restarting = new Set<string>();

  constructor(private readonly c: ControllerContext) {}

  /**
   * One observation of the workload on a blade, inside the exclusive section. Returns the events to commit with the
   * blade's observation, the workload record to write, and a restart to run afterwards.
   */
  observe(
    blade: BladeRecord,
    verdict: string,
    hosted: WorkloadRecord | undefined,
    liveness: Liveness | null,
    open: readonly TransferRecord[],
    now: number,
  ): { events: NewAuditEvent[]; workload: WorkloadRecord | null; job: RestartJob | null } {
    const none = { events: [], workload: null, job: null };
    const busy =
      hosted !== undefined && open.some((t) => t.workload === hosted.id || t.from === blade.id || t.to === blade.id);
    // A suspect or failed blade is the blade detector's; a moving workload is its transfer's.
    if (
      !hosted ||
      liveness === null ||
      busy ||
      this.#restarting.has(hosted.id) ||
      blade.state !== 'active' ||
      !TRUSTED.has(verdict)
    ) {
      if (hosted && !busy && !TRUSTED.has(verdict)) this.#state.delete(hosted.id);
      return none;
    }
    const step = watchWorkload(
      this.#state.get(hosted.id) ?? null,
      blade.id,
      liveness,
      now,
      this.c.o.detection ?? DEFAULT_DETECTION,
    );
    this.#state.set(hosted.id, step.state);
    const { action } = step;
    if (action.kind === 'none') return none;
    const data = { blade: blade.id, reason: action.reason, action: action.kind };
    // Raised here, in the commit that records it down: a restart in place is over before the alarm monitor looks.
    const message = `${hosted.id} is down on ${blade.id}: ${action.reason}`;
    const events = [
      this.c.event('controller', 'workload.down', hosted.id, data),
      alarmEvent('alarm.raised', now, 'controller', hosted.id, {
        kind: 'workload.down',
        message,
        severity: 'critical',
      }),
    ];
    this.c.log({ level: 'warn', msg: `${hosted.id} down on ${blade.id}: ${action.reason}`, workload: hosted.id });
    if (action.kind === 'move') return { events, workload: this.moved(hosted, action.reason), job: null };
    const workload = { ...hosted, pendingReason: `${DOWN_PREFIX}${action.reason}; restarting on ${blade.id}` };
    return { events, workload, job: { workload: hosted.id, blade: blade.id } };
  }

  /** Restores the workload on its blade, then records how that went, unless its record changed meanwhile. */
  async restart(job: RestartJob): Promise<void> {
    this.#restarting.add(job.workload);
    try {
      await this.restartNow(job);
    } finally {
      this.#restarting.delete(job.workload);
    }
  }

  private async restartNow(job: RestartJob): Promise<void> {
    const { store, workloads, clock } = this.c.o;
    let error: string | null = null;
    try {
      const stored = await store.latestCheckpoint(job.workload);
      // A checkpoint taken on another blade restores here as well: the state is the workload's, not the blade's.
      const from: Checkpoint = stored
        ? { workload: stored.workload, blade: stored.blade, sequence: stored.sequence, data: stored.data }
        : { workload: job.workload, blade: job.blade, sequence: 0, data: '' };
      const what = `restore ${job.workload} on ${job.blade}`;
      await withDeadline(clock, workloads.restore(job.workload, job.blade, from), this.c.timing.callMs, what);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    await this.c.serial(async () => {
      const w = await store.workload(job.workload);
      const open = await store.transfers({ open: true });
      if (!w || !isDown(w) || w.blade !== job.blade || open.some((t) => t.workload === w.id)) return;
      const at = clock.now();
      if (error === null) {
        const data = { blade: job.blade, restarts: this.#state.get(w.id)?.restarts.length ?? 1 };
        await store.commit({
          workloads: [{ ...w, pendingReason: null }],
          events: [
            this.c.event('controller', 'workload.restarted', w.id, data),
            alarmEvent('alarm.cleared', at, 'controller', w.id, {
              kind: 'workload.down',
              message: `${w.id} runs again on ${job.blade}`,
            }),
          ],
        });
        this.c.log({ level: 'info', msg: `${w.id} restarted on ${job.blade}`, workload: w.id, at });
        return;
      }
      const reason = `restart on ${job.blade} failed: ${error}`;
      this.#state.delete(w.id);
      await store.commit({
        workloads: [this.moved(w, reason)],
        events: [this.c.event('controller', 'workload.pending', w.id, { reason: 'restart-failed', detail: reason })],
      });
      this.c.log({ level: 'warn', msg: `${w.id}: ${reason}; moving it`, workload: w.id });
      this.c.queue.add('plan');
    });
  }

  /** Pending on its blade: the planner fails it over to another blade, or says why none fits. */
  private moved(w: WorkloadRecord, reason: string): WorkloadRecord {
    this.c.queue.add('plan');
    return { ...w, state: 'pending', pendingReason: `workload down on ${w.blade ?? '-'}: ${reason}` };
  }
}
