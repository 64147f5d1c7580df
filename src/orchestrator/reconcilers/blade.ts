// The blade reconciler: observes a blade through its controller, turns what it says (or why it said nothing) into a
// verdict with a reason (src/core/verdict.ts), and fails the blade over only on a `failed` verdict.
import {
  DEFAULT_DETECTION,
  observe,
  verdictOf,
  type BladeObservation,
  type DetectorState,
  type Liveness,
} from '../../core/verdict.js';
import type { BladeRecord, NewAuditEvent, WorkloadRecord } from '../../ports/store.js';
import { EVERY, type ControllerContext, type Reconciler } from '../controller-context.js';
import { withDeadline } from '../deadline.js';
import { releasing } from '../transfer-machine.js';
import { DetectionAlarms } from './detection-alarms.js';
import { WorkloadWatch, type RestartJob } from './workload-watch.js';

/** A running workload's liveness, read with its blade's status. */
interface Heartbeat {
  readonly workload: string;
  readonly liveness: Liveness;
}

/** Status reads at once: enough that a few hung BMCs hold up no other blade, few enough not to flood the drivers. */
const READS_AT_ONCE = 4;

export class BladeReconciler implements Reconciler {
  readonly #detector = new Map<string, DetectorState>();
  readonly #alarms = new DetectionAlarms();
  readonly #watch: WorkloadWatch;
  private reading = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly c: ControllerContext,
    private readonly pollMs: number,
  ) {
    this.#watch = new WorkloadWatch(c);
  }

  async sync(id: string): Promise<number | null> {
    if (id !== EVERY) {
      // The BMC (and, for a silent one, the workload's heartbeat) is asked outside the exclusive section: a hung one
      // (up to its deadline) holds up no operator action, plan or other blade; what it said is weighed inside,
      // against the records as they are then.
      const moves = this.c.moves.get(id) ?? 0;
      if (!(await this.c.o.store.blade(id))) return null;
      const seen = await this.read(id);
      const heartbeat = await this.heartbeat(id, seen);
      const job = await this.c.serial(() => this.observe(id, seen, heartbeat, moves));
      if (job) await this.#watch.restart(job);
      return null;
    }
    // Polling: every blade is read again even when its controller sends no events.
    for (const b of await this.c.o.store.blades()) this.c.queue.add(`blade:${b.id}`);
    return this.pollMs > 0 ? this.pollMs : null;
  }

  /** An operator's `blade clear`: the detector forgets what it concluded, and the next observation starts afresh. */
  forget(id: string): NewAuditEvent[] {
    this.#detector.delete(id);
    this.#alarms.forget(id);
    return this.#alarms.clear('blade.suspect', id, `blade ${id}: cleared by an operator`, this.c.o.clock.now());
  }

  private async observe(
    id: string,
    seen: BladeObservation,
    heartbeat: Heartbeat | null,
    moves: number,
  ): Promise<RestartJob | null> {
    const { c } = this;
    const { store, clock } = c.o;
    // A transfer into or out of this blade began or ended while its controller was asked: the answer may predate
    // the power change it made. Ask again rather than judge the blade on it.
    if ((c.moves.get(id) ?? 0) !== moves) {
      c.queue.add(`blade:${id}`);
      return null;
    }
    // The record and the open transfers as they are after the status call, which can take up to its deadline: a
    // cascade that released this blade meanwhile (now standby, off) must not make it look dead.
    const blade = await store.blade(id);
    if (!blade) return null;
    const open = await store.transfers({ open: true });
    const targetOf = open.find((t) => t.to === id);
    const sourceOf = open.find((t) => t.from === id);
    // Power off counts against an active blade unless a transfer is switching it on (target) or off (source). A
    // source counts as switched off only once the cascade's release began; before that, a source that went dark lost
    // the workload (or the place to roll it back to), and the rollback would never end.
    // A failover away from a blade that stays in service (its workload, not the blade, was down) fences it on purpose.
    const fencing = sourceOf?.kind === 'failover' && sourceOf.steps.some((s) => s.name === 'fence');
    const active = blade.state === 'active' && !targetOf && !(sourceOf && (releasing(sourceOf) || fencing));
    const raw = verdictOf(seen, active);
    const hosted = (await store.workloads()).find((w) => w.blade === id && w.state === 'running');
    const heard = hosted && heartbeat?.workload === hosted.id ? heartbeat.liveness : null;
    const liveness = raw.verdict === 'suspect' ? heard : null;
    const now = clock.now();
    // A repaired (or cleared) blade starts afresh: its old failure is over.
    let prev = this.#detector.get(id) ?? null;
    if (prev?.verdict === 'failed' && blade.state !== 'failed') prev = null;
    const step = observe(prev, raw, liveness, now, c.o.detection ?? DEFAULT_DETECTION);
    this.#detector.set(id, step.state);
    const { verdict, reason } = step.state;
    const events = this.alarmsFor(blade, seen, step.alarm, verdict, reason, now, await store.blades());
    const status =
      seen.kind === 'status'
        ? { power: seen.power, health: seen.health }
        : { power: 'unknown' as const, health: 'unreachable' as const };
    // A refused login says nothing about the blade: it keeps its last power and health.
    const observed =
      seen.kind === 'error' && seen.code === 'auth' ? { power: blade.power, health: blade.health } : status;
    if (blade.verdict !== verdict) {
      events.push(c.event('controller', 'blade.verdict', id, { verdict, reason, previous: blade.verdict ?? null }));
      c.log({ level: verdict === 'healthy' ? 'info' : 'warn', msg: `blade ${id}: ${verdict} (${reason})` });
    }
    const updated: BladeRecord = { ...blade, ...observed, verdict, verdictReason: reason };
    // A maintenance blade that dies while it still holds a workload (a drain under way) fails like any other: its
    // drain becomes a failover, never a rollback onto the dead blade. An empty one just stays out of the pool.
    const holds = blade.state === 'maintenance' && (hosted !== undefined || sourceOf !== undefined);
    if (verdict !== 'failed' || blade.state === 'failed' || (blade.state === 'maintenance' && !holds)) {
      // Onto the record read after the status call (above): a transfer that ended meanwhile (its target now
      // active) must not be undone by this write of power and health.
      const changed =
        updated.power !== blade.power ||
        updated.health !== blade.health ||
        updated.verdictReason !== blade.verdictReason;
      // The workload's own liveness on a blade that looks well: down means a restart in place (workload-watch.ts).
      const watched = this.#watch.observe(updated, verdict, hosted, heard, open, now);
      events.push(...watched.events);
      const workloads = watched.workload ? [watched.workload] : [];
      if (changed || events.length > 0) await store.commit({ blades: [updated], workloads, events });
      if (blade.verdict !== verdict) c.queue.add('plan'); // a blade that joins or leaves the pool changes the plan
      // A failed blade not read off may run an old copy, if its fence did not cut its power (leftover-copy.ts).
      if (blade.state === 'failed' && updated.power !== 'off') c.queue.add(`leftover:${id}`);
      return watched.job;
    }

    const workloads: WorkloadRecord[] = [];
    // Only the transfer's own workload is taken care of by it; another one on the blade fails over.
    if (hosted && sourceOf?.workload !== hosted.id)
      workloads.push({ ...hosted, state: 'pending', pendingReason: `blade ${id} failed` });
    events.push(...this.#alarms.clear('blade.suspect', id, `blade ${id} failed: ${reason}`, now));
    const data = { health: updated.health, power: updated.power, workload: hosted?.id ?? null, reason };
    await store.commit({
      blades: [{ ...updated, state: 'failed' }],
      workloads,
      events: [...events, c.event('controller', 'blade.failed', id, data)],
    });
    c.log({
      level: 'warn',
      msg: `blade ${id} failed`,
      health: updated.health,
      power: updated.power,
      reason,
      workload: hosted?.id ?? null,
    });
    if (targetOf) c.queue.add(`transfer:${targetOf.id}`);
    if (sourceOf) c.queue.add(`transfer:${sourceOf.id}`);
    c.queue.add('plan');
    return null;
  }

  /** Runs one read with at most READS_AT_ONCE others. */
  private async bounded<T>(read: () => Promise<T>): Promise<T> {
    while (this.reading >= READS_AT_ONCE) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.reading++;
    try {
      return await read();
    } finally {
      this.reading--;
      this.waiting.shift()?.();
    }
  }

  /** The blade's status, or why there is none: refused credentials apart from every other management-path fault. */
  private read(id: string): Promise<BladeObservation> {
    return this.bounded(() => this.readNow(id));
  }

  private async readNow(id: string): Promise<BladeObservation> {
    const { hardware, clock } = this.c.o;
    try {
      const s = await withDeadline(clock, hardware.status(id), this.c.timing.callMs, `status of ${id}`);
      return { kind: 'status', power: s.power, health: s.health, ...(s.state === undefined ? {} : { state: s.state }) };
    } catch (error) {
      const code = (error as { readonly code?: unknown } | null)?.code === 'auth' ? 'auth' : 'path';
      return { kind: 'error', code, message: error instanceof Error ? error.message : String(error) };
    }
  }

  /**
   * The heartbeat of the workload the blade runs, if any: for a silent controller, the second signal; for one that
   * answers well, whether the workload itself is still alive. A blade that is failing anyway is not asked.
   */
  private async heartbeat(id: string, seen: BladeObservation): Promise<Heartbeat | null> {
    const { verdict } = verdictOf(seen, true);
    if (verdict === 'failed' || verdict === 'credentials') return null;
    const hosted = (await this.c.o.store.workloads()).find((w) => w.blade === id && w.state === 'running');
    if (!hosted) return null;
    return { workload: hosted.id, liveness: await this.bounded(() => this.liveness(hosted.id, id)) };
  }

  /** The workload's own heartbeat; one that does not answer within the call deadline counts as lost. */
  private async liveness(workload: string, blade: string): Promise<Liveness> {
    const { workloads, clock } = this.c.o;
    try {
      const seen = await withDeadline(
        clock,
        workloads.liveness(workload),
        this.c.timing.callMs,
        `liveness of ${workload}`,
      );
      if (seen.alive && seen.blade !== blade)
        return { alive: false, reason: `${workload} runs on ${seen.blade}, not ${blade}` };
      return { alive: seen.alive, reason: seen.reason };
    } catch (error) {
      return {
        alive: false,
        reason: `${workload}: liveness unknown (${error instanceof Error ? error.message : String(error)})`,
      };
    }
  }

  private alarmsFor(
    blade: BladeRecord,
    seen: BladeObservation,
    due: boolean,
    verdict: string,
    reason: string,
    now: number,
    all: readonly BladeRecord[],
  ): NewAuditEvent[] {
    const endpointOf = (b: BladeRecord): string => {
      const named: unknown = this.c.o.hardware.endpointOf?.(b.id);
      return typeof named === 'string' ? named : b.endpoint;
    };
    const endpoint = endpointOf(blade);
    const path = seen.kind === 'status' ? 'answers' : seen.code === 'auth' ? 'refused' : 'silent';
    const peers = all.filter((b) => endpointOf(b) === endpoint).map((b) => b.id);
    const events = this.#alarms.path(
      blade.id,
      endpoint,
      path,
      peers,
      now,
      seen.kind === 'error' ? seen.message : 'answers',
    );
    // One alarm for a whole silent endpoint, not one per blade.
    if (due && !this.#alarms.isRaised('endpoint.unreachable', endpoint)) {
      events.push(
        ...this.#alarms.raise(
          'blade.suspect',
          blade.id,
          `blade ${blade.id} is suspect: ${reason}; its workload is left alone`,
          'warning',
          now,
        ),
      );
    }
    if (verdict !== 'suspect' && verdict !== 'failed')
      events.push(...this.#alarms.clear('blade.suspect', blade.id, `blade ${blade.id}: ${verdict}`, now));
    return events;
  }
}
