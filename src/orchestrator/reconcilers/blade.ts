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
  private reading = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly c: ControllerContext,
    private readonly pollMs: number,
  ) {}

  async sync(id: string): Promise<number | null> {
    if (id !== EVERY) {
      // The BMC (and, for a silent one, the workload's heartbeat) is asked outside the exclusive section: a hung one
      // (up to its deadline) holds up no operator action, plan or other blade; what it said is weighed inside,
      // against the records as they are then.
      const moves = this.c.moves.get(id) ?? 0;
      if (!(await this.c.o.store.blade(id))) return null;
      const seen = await this.read(id);
      const heartbeat = await this.heartbeat(id, seen);
      await this.c.serial(() => this.observe(id, seen, heartbeat, moves));
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

  private async observe(id: string, seen: BladeObservation, heartbeat: Heartbeat | null, moves: number): Promise<void> {
    const { c } = this;
    const { store, clock } = c.o;
    // A transfer into or out of this blade began or ended while its controller was asked: the answer may predate
    // the power change it made. Ask again rather than judge the blade on it.
    if ((c.moves.get(id) ?? 0) !== moves) {
      c.queue.add(`blade:${id}`);
      return;
    }
    // The record and the open transfers as they are after the status call, which can take up to its deadline: a
    // cascade that released this blade meanwhile (now standby, off) must not make it look dead.
    const blade = await store.blade(id);
    if (!blade) return;
    const open = await store.transfers({ open: true });
    const targetOf = open.find((t) => t.to === id);
    const sourceOf = open.find((t) => t.from === id);
    // Power off counts against an active blade unless a transfer is switching it on (target) or off (source). A
    // source counts as switched off only once the cascade's release began; before that, a source that went dark lost
    // the workload (or the place to roll it back to), and the rollback would never end.
    const active = blade.state === 'active' && !targetOf && !(sourceOf && releasing(sourceOf));
    const raw = verdictOf(seen, active);
    const hosted = (await store.workloads()).find((w) => w.blade === id && w.state === 'running');
    const liveness =
      raw.verdict === 'suspect' && hosted && heartbeat?.workload === hosted.id ? heartbeat.liveness : null;
    const now = clock.now();
    // A repaired (or cleared) blade starts afresh: its old failure is over.
    let prev = this.#detector.get(id) ?? null;
    if (prev?.verdict === 'failed' && blade.state !== 'failed') prev = null;
    const step = observe(prev, raw, liveness, now, c.o.detection ?? DEFAULT_DETECTION);
    this.#detector.set(id, step.state);
    const { verdict, reason } = step.state;
    const all = await store.blades();
    const events = this.alarmsFor(blade, seen, step.alarm, verdict, reason, now, all);
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
    const updated: BladeRecord = { ...withFacts(blade, seen), ...observed, verdict, verdictReason: reason };
    // The enclosure's power is every blade's in it: all of them leave (or rejoin) the pool with this read, so a
    // failover decided before the others are read again does not pick a blade in a chassis that has just gone dark.
    const peers = enclosurePeers(blade, updated, all);
    // A maintenance blade that dies while it still holds a workload (a drain under way) fails like any other: its
    // drain becomes a failover, never a rollback onto the dead blade. An empty one just stays out of the pool.
    const holds = blade.state === 'maintenance' && (hosted !== undefined || sourceOf !== undefined);
    if (verdict !== 'failed' || blade.state === 'failed' || (blade.state === 'maintenance' && !holds)) {
      // Onto the record read after the status call (above): a transfer that ended meanwhile (its target now
      // active) must not be undone by this write of power and health.
      const eligibility = updated.systemState !== blade.systemState || peers.length > 0;
      const changed =
        updated.power !== blade.power ||
        updated.health !== blade.health ||
        updated.verdictReason !== blade.verdictReason ||
        updated.chassisPower !== blade.chassisPower ||
        eligibility;
      if (changed || events.length > 0) await store.commit({ blades: [updated, ...peers], events });
      // A blade that joins or leaves the pool changes the plan.
      if (blade.verdict !== verdict || eligibility || updated.chassisPower !== blade.chassisPower) c.queue.add('plan');
      return;
    }

    const workloads: WorkloadRecord[] = [];
    // Only the transfer's own workload is taken care of by it; another one on the blade fails over.
    if (hosted && sourceOf?.workload !== hosted.id)
      workloads.push({ ...hosted, state: 'pending', pendingReason: `blade ${id} failed` });
    events.push(...this.#alarms.clear('blade.suspect', id, `blade ${id} failed: ${reason}`, now));
    const data = { health: updated.health, power: updated.power, workload: hosted?.id ?? null, reason };
    await store.commit({
      blades: [{ ...updated, state: 'failed' }, ...peers],
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
  }

  /** The blade's status, or why there is none: refused credentials apart from every other management-path fault. */
  private async read(id: string): Promise<BladeObservation> {
    const { hardware, clock } = this.c.o;
    while (this.reading >= READS_AT_ONCE) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.reading++;
    try {
      const s = await withDeadline(clock, hardware.status(id), this.c.timing.callMs, `status of ${id}`);
      return {
        kind: 'status',
        power: s.power,
        health: s.health,
        ...(s.state === undefined ? {} : { state: s.state }),
        ...(s.chassisPower === undefined ? {} : { chassisPower: s.chassisPower }),
      };
    } catch (error) {
      const code = (error as { readonly code?: unknown } | null)?.code === 'auth' ? 'auth' : 'path';
      return { kind: 'error', code, message: error instanceof Error ? error.message : String(error) };
    } finally {
      this.reading--;
      this.waiting.shift()?.();
    }
  }

  /** For a blade whose controller gave no usable answer: the heartbeat of the workload it runs, if any. */
  private async heartbeat(id: string, seen: BladeObservation): Promise<Heartbeat | null> {
    if (verdictOf(seen, true).verdict !== 'suspect') return null;
    const hosted = (await this.c.o.store.workloads()).find((w) => w.blade === id && w.state === 'running');
    return hosted ? { workload: hosted.id, liveness: await this.liveness(hosted.id, id) } : null;
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

/**
 * The record with what eligibility reads from this observation: Status.State and the enclosure's power as the driver
 * said them (absent when it said none); a BMC that did not answer leaves both as they were.
 */
function withFacts(blade: BladeRecord, seen: BladeObservation): BladeRecord {
  if (seen.kind === 'error') return blade;
  const { systemState: _state, chassisPower: _power, ...rest } = blade;
  return {
    ...rest,
    ...(typeof seen.state === 'string' ? { systemState: seen.state } : {}),
    ...(seen.chassisPower === undefined ? {} : { chassisPower: seen.chassisPower }),
  };
}

/** The other blades of the same enclosure (same endpoint and chassis) whose enclosure power this read changes. */
function enclosurePeers(blade: BladeRecord, updated: BladeRecord, all: readonly BladeRecord[]): BladeRecord[] {
  const chassis = blade.location?.chassis;
  const power = updated.chassisPower;
  if (chassis === undefined || power === undefined || power === blade.chassisPower) return [];
  return all
    .filter((b) => b.id !== blade.id && b.endpoint === blade.endpoint && b.location?.chassis === chassis)
    .filter((b) => b.chassisPower !== power)
    .map((b) => ({ ...b, chassisPower: power }));
}
