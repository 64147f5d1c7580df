// The blade reconciler: observes a blade through its controller, turns what it says (or why it said nothing) into a
// verdict with a reason (src/core/verdict.ts), and fails the blade over only on a `failed` verdict.
import {
  DEFAULT_DETECTION,
  failDueAt,
  failureEvidence,
  observe,
  verdictOf,
  type BladeObservation,
  type DetectorState,
} from '../../core/verdict.js';
import type { BladeRecord, NewAuditEvent, WorkloadRecord } from '../../ports/store.js';
import { EVERY, type ControllerContext, type Reconciler } from '../controller-context.js';
import { fanOut } from '../fan-out.js';
import { releasing } from '../transfer-machine.js';
import {
  enclosurePeers,
  heartbeatOf,
  ReadLimit,
  READS_AT_ONCE,
  silenceOf,
  SPREAD,
  SWEEP_WIDTH,
  TIMER_SLACK_MS,
  type Asked,
  statusOf,
  withFacts,
  type Heartbeat,
  type Weighed,
} from './blade-facts.js';
import { DetectionAlarms } from './detection-alarms.js';
import { WorkloadWatch, type RestartJob } from './workload-watch.js';

export class BladeReconciler implements Reconciler {
  readonly #detector = new Map<string, DetectorState>();
  readonly #alarms = new DetectionAlarms();
  /** Blades being observed now -> when that observation settles. */
  readonly #busy = new Map<string, Promise<void>>();
  /** Blades whose status read is in flight -> what that observation asked with; and each blade's last heartbeat. */
  readonly #asking = new Map<string, Asked>();
  readonly #heard = new Map<string, Heartbeat | null>();
  /** Each blade's latest observation weighed: when its reads answered, on which moves. */
  readonly #weighed = new Map<string, Weighed>();
  readonly #watch: WorkloadWatch;
  readonly #reads = new ReadLimit(READS_AT_ONCE);

  constructor(
    private readonly c: ControllerContext,
    private readonly pollMs: number,
  ) {
    this.#watch = new WorkloadWatch(c);
  }

  async sync(id: string): Promise<number | null> {
    if (id !== EVERY) {
      if (await this.failWhenDue(id)) return null;
      // A sweep observing this blade right now goes first: what changed since is seen by this observation.
      for (let busy = this.#busy.get(id); busy; busy = this.#busy.get(id)) await busy;
      await this.#observing(id);
      return null;
    }
    // Polling, the safety net under the events: every blade read again, spread over the period and a few at once,
    // leaving a read free for a blade an event named (its failure is decided without waiting for the sweep).
    const { clock, store } = this.c.o;
    const started = clock.now();
    const ids = (await store.blades()).map((b) => b.id);
    const swept = await fanOut(
      clock,
      ids,
      { width: SWEEP_WIDTH, spreadMs: this.pollMs * SPREAD, going: () => this.c.running },
      (blade) => (this.#busy.has(blade) ? Promise.resolve() : this.#observing(blade)),
    );
    if (swept.failed > 0)
      this.c.log({ level: 'warn', msg: `blade sweep: ${swept.failed} observation(s) failed`, errors: swept.errors });
    return this.pollMs > 0 ? Math.max(1, this.pollMs - (clock.now() - started)) : null;
  }

  /** One observation of a blade, known to the sweep so it does not observe the same blade alongside. */
  async #observing(id: string): Promise<void> {
    const run = this.#observeOnce(id);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.#busy.set(id, settled);
    try {
      await run;
    } finally {
      if (this.#busy.get(id) === settled) this.#busy.delete(id);
    }
  }

  async #observeOnce(id: string): Promise<void> {
    // The BMC (and, for a silent one, the workload's heartbeat) is asked outside the exclusive section: a hung one
    // (up to its deadline) holds up no operator action, plan or other blade; what it said is weighed inside,
    // against the records as they are then.
    const moves = this.c.moves.get(id) ?? 0;
    const before = await this.c.o.store.blade(id);
    if (!before) return;
    // Both asked at once, so that a silence of both counts from when they were asked (the later of the two, each
    // once it had its turn), not from a hung read's deadline.
    let at = 0;
    const start = (): void => {
      at = Math.max(at, this.c.o.clock.now());
    };
    const [seen, heard] = await Promise.all([this.read(id, moves, before.state, start), this.heartbeat(id, start)]);
    const { verdict } = verdictOf(seen, true);
    const heartbeat = verdict === 'failed' || verdict === 'credentials' ? null : heard;
    this.#heard.set(id, heartbeat);
    const asked: Asked = { moves, state: before.state, at, answeredAt: this.c.o.clock.now() };
    const job = await this.c.serial(() => this.observe(id, seen, heartbeat, asked));
    if (job) await this.#watch.restart(job);
  }

  /**
   * The detector's timer (failDueAt): at the due time, a status read still unanswered is not waited out to its
   * deadline. The observations made already fail the blade, the read in flight standing for the same silence; one
   * that answered meanwhile is weighed instead, as always. False when there is nothing to decide now.
   */
  async failWhenDue(id: string): Promise<boolean> {
    const prev = this.#detector.get(id);
    const due = prev ? failDueAt(prev, this.c.o.detection ?? DEFAULT_DETECTION) : null;
    const asking = this.#asking.get(id);
    const now = this.c.o.clock.now();
    if (due === null || asking === undefined || now + TIMER_SLACK_MS < due) return false;
    const message = `status of ${id}: no answer in ${now - asking.at} ms, still asked`;
    const seen: BladeObservation = { kind: 'error', code: 'path', message };
    const job = await this.c.serial(async () =>
      this.#asking.get(id) === asking ? this.observe(id, seen, this.#heard.get(id) ?? null, asking) : null,
    );
    if (job) await this.#watch.restart(job);
    return true;
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
    asked: Asked,
  ): Promise<RestartJob | null> {
    const { c } = this;
    const { store, clock } = c.o;
    // The record and the open transfers as they are after the status call, which can take up to its deadline: a
    // cascade that released this blade meanwhile (now standby, off) must not make it look dead.
    const blade = await store.blade(id);
    if (!blade) return null;
    // A transfer into or out of this blade began or ended while its controller was asked, or an operator changed
    // the blade (a repair, maintenance): the answer may predate that change (the health a repair fixed, the power
    // a transfer switched). Ask again rather than judge the blade on it.
    if ((c.moves.get(id) ?? 0) !== asked.moves || blade.state !== asked.state) {
      c.queue.add(`blade:${id}`);
      return null;
    }
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
    // Read only when it can matter: every blade's observation reading every workload was quadratic in the blades.
    const hostedOf = async () => (await store.workloads()).find((w) => w.blade === id && w.state === 'running');
    let hosted = raw.verdict === 'healthy' && heartbeat === null ? undefined : await hostedOf();
    const heard = hosted && heartbeat?.workload === hosted.id ? heartbeat.liveness : null;
    const liveness = raw.verdict === 'suspect' ? heard : null;
    const now = clock.now();
    // A repaired (or cleared) blade starts afresh: its old failure is over.
    let prev = this.#detector.get(id) ?? null;
    if (prev?.verdict === 'failed' && blade.state !== 'failed') prev = null;
    const settings = c.o.detection ?? DEFAULT_DETECTION;
    const lifeAt = hosted && heartbeat?.workload === hosted.id ? heartbeat.lifeAt : null;
    const step = observe(prev, raw, liveness, now, settings, {
      askedAt: asked.at,
      lifeAt,
      ...silenceOf(prev !== null ? this.#weighed.get(id) : undefined, seen, asked, now, this.pollMs),
    });
    this.#detector.set(id, step.state);
    this.#weighed.set(id, { at: asked.answeredAt ?? now, moves: asked.moves });
    // Failed when the period ends, not at a read's end; its own key, as a sync of `blade:ID` may wait for a hung read.
    const due = failDueAt(step.state, settings);
    if (due !== null) c.queue.addAfter(`due:${id}`, due - now);
    const { verdict, reason } = step.state;
    if (verdict === 'failed' && raw.verdict === 'healthy') hosted = await hostedOf();
    // Every blade's record only when it can matter: a silent path (is the whole endpoint silent?) or an enclosure
    // whose power this read changed (its other blades leave or rejoin the pool with it).
    const silent = seen.kind === 'error' && seen.code === 'path';
    const enclosureChanged =
      seen.kind === 'status' && seen.chassisPower !== undefined && seen.chassisPower !== blade.chassisPower;
    const all = silent || enclosureChanged ? await store.blades() : [];
    const endpointOf = (b: BladeRecord): string => {
      const named: unknown = c.o.hardware.endpointOf?.(b.id);
      return typeof named === 'string' ? named : b.endpoint;
    };
    const said = { blade, seen, due: step.alarm, verdict, reason, now };
    const events = this.#alarms.forObservation(said, silent ? all : [], endpointOf);
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
    // What a failure rested on is the failover's to read (steps.ts); it is written with the failure and lasts as long.
    const failure = verdict !== 'failed' ? undefined : step.changed ? failureEvidence(seen, liveness) : blade.failure;
    const updated: BladeRecord = { ...withFacts(blade, seen), ...observed, verdict, verdictReason: reason, failure };
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
      // The workload's own liveness on a blade that looks well: down means a restart in place (workload-watch.ts).
      const watched = this.#watch.observe(updated, verdict, hosted, heard, open, now);
      events.push(...watched.events);
      const workloads = watched.workload ? [watched.workload] : [];
      if (changed || events.length > 0) await store.commit({ blades: [updated, ...peers], workloads, events });
      // A blade that joins or leaves the pool changes the plan.
      if (blade.verdict !== verdict || eligibility || updated.chassisPower !== blade.chassisPower) c.queue.add('plan');
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
    return null;
  }

  /** The blade's status, or why there is none: refused credentials apart from every other management-path fault. */
  private read(id: string, moves: number, state: BladeRecord['state'], start: () => void): Promise<BladeObservation> {
    let mine: Asked | null = null;
    return this.#reads
      .run(() => {
        start();
        mine = { moves, state, at: this.c.o.clock.now() };
        this.#asking.set(id, mine);
        return statusOf(this.c, id);
      })
      .finally(() => {
        if (mine && this.#asking.get(id) === mine) this.#asking.delete(id);
      });
  }

  /**
   * The heartbeat of the workload the blade runs, if any: for a silent controller the second signal, for one that
   * answers well whether the workload is alive. Not weighed when the status read fails (or its login is refused).
   */
  private async heartbeat(id: string, start: () => void): Promise<Heartbeat | null> {
    const hosted = (await this.c.o.store.workloads()).find((w) => w.blade === id && w.state === 'running');
    if (!hosted) return null;
    return this.#reads.run(() => {
      start();
      return heartbeatOf(this.c, hosted.id, id);
    });
  }
}
