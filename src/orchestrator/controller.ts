// The controller: a level-triggered reconcile loop over blades, the plan, and transfers. Hardware
// events and timers enqueue ids; sync(id) compares what the store says with what the drivers see
// and takes the next step. On start it resumes every unfinished transfer from the store.
import { randomUUID } from 'node:crypto';
import { planCascade } from '../core/cascade.js';
import type { Placement } from '../core/decision.js';
import { fitOf } from '../core/fit.js';
import { DEFAULT_POLICY, type Policy, type Resources } from '../core/model.js';
import { planPlacements, type PlacementRequest } from '../core/placement.js';
import { deriveRequirements } from '../core/requirements.js';
import type { Clock } from '../ports/clock.js';
import type { HardwarePort } from '../ports/hardware.js';
import type { StoragePort } from '../ports/storage.js';
import type { BladeRecord, NewAuditEvent, Store, TransferRecord, WorkloadRecord } from '../ports/store.js';
import type { WorkloadPort } from '../ports/workloads.js';
import { ActionError } from './action-error.js';
import { refreshBlades } from './blade-refresh.js';
import { approvalRound, ProposalBook, type Proposal } from './approvals.js';
import { LIVE_TIMING, withDeadline, type RetryTiming } from './deadline.js';
import { Executor } from './executor.js';
import { releasing } from './transfer-machine.js';
import { WorkQueue } from './work-queue.js';

/** Resolves in the next turn of the event loop, after pending I/O callbacks. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The live defaults differ from the simulator's in one place: cooldown (DESIGN section 4). */
export const LIVE_POLICY: Policy = { ...DEFAULT_POLICY, cooldownSeconds: 600 };

export interface LogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly [key: string]: unknown;
}

/** What one discovery added: new blades in the pool, and running workloads adopted onto them. */
export interface Discovered {
  readonly blades: string[];
  readonly adopted: string[];
}

export interface ControllerOptions {
  readonly store: Store;
  readonly hardware: HardwarePort;
  readonly workloads: WorkloadPort;
  readonly storage: StoragePort;
  readonly clock: Clock;
  readonly timing?: RetryTiming;
  /** Written to the store on first start only; later the stored policy rules. */
  readonly policy?: Policy;
  readonly log?: (entry: LogEntry) => void;
  /** How often every blade's status is read even without events (ms); 0 turns polling off. */
  readonly pollMs?: number;
  /** How often every running workload is snapshotted for failovers from a dead blade (ms); 0 turns it off. */
  readonly checkpointMs?: number;
}

export class Controller {
  private readonly queue: WorkQueue;
  private readonly executor: Executor;
  private readonly timing: RetryTiming;
  private readonly log: (entry: LogEntry) => void;
  private policy: Policy = LIVE_POLICY;
  private unsubscribe: (() => void) | null = null;
  /** Planning, blade observations and operator actions change shared records: one at a time. */
  private exclusive: Promise<unknown> = Promise.resolve();
  private running = false;
  /** Issue 6: cascade proposals and their approvals, rebuilt from the audit log on start. */
  private readonly approvals = new ProposalBook();
  /** Running workloads discovery would not adopt, each logged once. */
  private readonly refusedAdoptions = new Set<string>();

  private constructor(private readonly o: ControllerOptions) {
    this.timing = o.timing ?? LIVE_TIMING;
    this.log = o.log ?? (() => {});
    this.queue = new WorkQueue((key) => this.sync(key), o.clock, (key, error, retryInMs) =>
      this.log({ level: 'warn', msg: 'sync failed; will retry', key, error: error.message, retryInMs }),
    );
    this.executor = new Executor(
      { hardware: o.hardware, workloads: o.workloads, storage: o.storage, store: o.store, clock: o.clock, timing: this.timing },
      {
        onStep: (t, step) => this.log({ level: step.status === 'failed' ? 'warn' : 'info', msg: `step ${step.name} ${step.status}`, transfer: t.id, workload: t.workload, kind: t.kind, from: t.from, to: t.to, attempt: step.attempt, ...(step.error ? { error: step.error } : {}) }),
        onSettled: (t) => this.settled(t),
        onRetry: (t, step, error, tries) => this.log({ level: 'warn', msg: `step ${step} retrying: ${error.message}`, transfer: t.id, workload: t.workload, step, tries }),
      },
    );
  }

  static async start(options: ControllerOptions): Promise<Controller> {
    const c = new Controller(options);
    await options.store.migrate();
    const stored = await options.store.policy();
    if (stored) c.policy = stored;
    else await options.store.commit({ policy: (c.policy = options.policy ?? LIVE_POLICY), events: [c.event('controller', 'policy.set', 'policy', {})] });
    await c.approvals.load(options.store); // issue 6: approvals survive a restart
    c.running = true;
    c.unsubscribe = options.hardware.subscribe((e) => c.queue.add(`blade:${e.blade}`));
    const open = await options.store.transfers({ open: true });
    for (const t of open) c.queue.add(`transfer:${t.id}`);
    if (open.length > 0) c.log({ level: 'info', msg: `resuming ${open.length} unfinished transfer(s)`, transfers: open.map((t) => t.id) });
    for (const b of await options.store.blades()) c.queue.add(`blade:${b.id}`);
    c.queue.add('plan');
    c.tick('plan', c.policy.replanSeconds * 1000);
    if ((options.pollMs ?? 5000) > 0) c.tick('poll', options.pollMs ?? 5000);
    c.tick('checkpoints', options.checkpointMs ?? 300_000);
    return c;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.queue.stop();
    await this.queue.idle();
  }

  /** Resolves when no work is queued or running. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  currentPolicy(): Policy {
    return this.policy;
  }

  // --- operator actions: each is recorded with who asked ---

  async repair(blade: string, actor = 'operator'): Promise<void> {
    return this.serial(async () => {
      const b = await this.mustBlade(blade);
      if (b.state !== 'failed' && b.state !== 'maintenance') throw new ActionError('conflict', `blade ${blade} is ${b.state}; only a failed or maintenance blade can be repaired`);
      // Issue 10 (chaos): a blade still being fenced (or unwound) by a transfer must not rejoin the pool: the fence's
      // power-off, still in flight, would kill whatever the planner placed on it meanwhile.
      const busy = (await this.o.store.transfers({ open: true })).find((t) => t.from === blade || t.to === blade);
      if (busy) throw new ActionError('conflict', `blade ${blade} is still in transfer ${busy.id} (${busy.kind} of ${busy.workload}); repair it when that transfer ends`);
      // Issue 10 (chaos): a workload that failed with this blade still names it, so that its failover fences it first.
      // Back in the pool, the blade may host another workload before that failover runs, and the fence would kill it.
      // Powered off, the blade runs nothing: the workload lets go of it (and is placed from its latest checkpoint);
      // still on, or unknown, it may run there yet, and only the failover's fence may decide.
      const waiting = (await this.o.store.workloads()).filter((w) => w.state === 'pending' && w.blade === blade);
      if (waiting.length > 0 && b.power !== 'off') {
        throw new ActionError('conflict', `blade ${blade} may still run ${waiting.map((w) => w.id).join(', ')} (power ${b.power}): repair it once its failover has fenced it`);
      }
      await this.o.store.commit({
        blades: [{ ...b, state: 'standby' }],
        workloads: waiting.map((w) => ({ ...w, blade: null })),
        events: [this.event(actor, 'blade.repaired', blade, { was: b.state })],
      });
      this.queue.add(`blade:${blade}`);
      this.queue.add('plan');
    });
  }

  async maintenance(blade: string, on: boolean, actor = 'operator'): Promise<void> {
    return this.serial(async () => {
      const b = await this.mustBlade(blade);
      if (on && (b.state === 'standby' || b.state === 'active')) {
        await this.o.store.commit({ blades: [{ ...b, state: 'maintenance' }], events: [this.event(actor, 'blade.maintenance', blade, { on, drain: b.state === 'active' })] });
      } else if (!on && b.state === 'maintenance') {
        const hosts = (await this.o.store.workloads()).some((w) => w.blade === blade && w.state !== 'finished' && w.state !== 'pending');
        await this.o.store.commit({ blades: [{ ...b, state: hosts ? 'active' : 'standby' }], events: [this.event(actor, 'blade.maintenance', blade, { on })] });
      } else {
        throw new ActionError('conflict', `blade ${blade} is ${b.state}; maintenance ${on ? 'on' : 'off'} does not apply`);
      }
      this.queue.add('plan');
    });
  }

  /** A new workload to place; requirements may come from its driver instead of the caller. */
  async submit(w: { id: string; requirements?: Resources; priority?: number }, actor = 'operator'): Promise<void> {
    return this.serial(async () => {
      if (await this.o.store.workload(w.id)) throw new ActionError('conflict', `workload ${w.id} already exists`);
      const derived = w.requirements
        ? { requirements: w.requirements, source: 'declared' as const }
        : deriveRequirements({ declared: await this.o.workloads.declared(w.id), samples: await this.o.workloads.samples(w.id), host: null });
      if (!derived) throw new ActionError('invalid', `workload ${w.id}: no requirements given and its driver has none`);
      const record: WorkloadRecord = { id: w.id, requirements: derived.requirements, source: derived.source, priority: w.priority ?? 0, blade: null, state: 'pending', movedAt: null, pendingReason: null };
      await this.o.store.commit({ workloads: [record], events: [this.event(actor, 'workload.submitted', w.id, { requirements: derived.requirements, source: derived.source })] });
      this.queue.add('plan');
    });
  }

  /**
   * A workload already running on a blade when Cascade first sees it. Its requirements come from
   * its driver's metadata, else measured samples, else the host blade (the patent's three sources).
   */
  async adopt(w: { id: string; blade: string; priority?: number }, actor = 'operator'): Promise<void> {
    return this.serial(() => this.adoptNow(w, actor));
  }

  private async adoptNow(w: { id: string; blade: string; priority?: number }, actor: string): Promise<void> {
    const blade = await this.mustBlade(w.blade);
    const derived = deriveRequirements({ declared: await this.o.workloads.declared(w.id), samples: await this.o.workloads.samples(w.id), host: blade.resources });
    const record: WorkloadRecord = { id: w.id, requirements: derived!.requirements, source: derived!.source, priority: w.priority ?? 0, blade: w.blade, state: 'running', movedAt: null, pendingReason: null };
    await this.o.store.commit({ workloads: [record], blades: [{ ...blade, state: 'active' }], events: [this.event(actor, 'workload.adopted', w.id, { blade: w.blade, source: derived!.source })] });
    this.queue.add('plan');
  }

  async finish(workload: string, actor = 'operator'): Promise<void> {
    return this.serial(async () => {
      const w = await this.o.store.workload(workload);
      if (!w) throw new ActionError('not-found', `unknown workload ${workload}`);
      if (w.state === 'transferring') throw new ActionError('conflict', `workload ${workload} is in a transfer; finish it when the transfer ends`);
      const blades: BladeRecord[] = [];
      if (w.state === 'running' && w.blade) {
        const b = await this.o.store.blade(w.blade);
        if (b && b.state === 'active') blades.push({ ...b, state: 'standby' });
      }
      await this.o.store.commit({ workloads: [{ ...w, state: 'finished', blade: null }], blades, events: [this.event(actor, 'workload.finished', workload, {})] });
      this.queue.add('plan');
    });
  }

  /**
   * Snapshots a running workload through its driver and keeps the snapshot in the store: if its
   * blade dies before it can be captured, the failover restores this. Returns the sequence.
   */
  async checkpoint(workload: string, actor = 'controller'): Promise<number | null> {
    const w = await this.o.store.workload(workload);
    if (!w || w.state !== 'running' || w.blade === null) return null;
    const snapshot = await withDeadline(this.o.clock, this.o.workloads.checkpoint(workload, w.blade), this.timing.callMs, `checkpoint of ${workload}`);
    await this.o.store.commit({
      checkpoints: [{ ...snapshot, takenAt: this.o.clock.now() }],
      events: [this.event(actor, 'workload.checkpointed', workload, { blade: snapshot.blade, sequence: snapshot.sequence })],
    });
    return snapshot.sequence;
  }

  /**
   * Blades the hardware reports that the store does not know yet join the pool. `running` (issue 5: the first
   * start on a live data center) adopts the workloads already on those blades in the same exclusive section, so no
   * plan runs in between and mistakes an occupied blade for a standby one. Serve calls this again periodically:
   * a blade whose BMC did not answer the first inventory joins later, and the workload on it is adopted then.
   * A running workload is adopted only when the store does not know it and its blade is known and free
   * (just found, or standby with no transfer aimed at it); one whose blade is still unknown waits for the next
   * discovery. An adoption that fails is logged.
   */
  async discover(actor = 'controller', running: readonly { id: string; blade: string; priority?: number }[] = []): Promise<Discovered> {
    return this.serial(async () => {
      const stored = await this.o.store.blades();
      const known = new Set(stored.map((b) => b.id));
      const listed = await this.o.hardware.inventory(known);
      const fresh = listed.filter((b) => !known.has(b.id));
      const records: BladeRecord[] = fresh.map((b) => ({ id: b.id, resources: b.resources, state: 'standby', ...(b.location ? { location: b.location } : {}), ...(b.name ? { name: b.name } : {}), power: 'unknown', health: 'ok', endpoint: 'driver' }));
      if (records.length > 0) await this.o.store.commit({ blades: records, events: records.map((b) => this.event(actor, 'blade.added', b.id, { resources: b.resources })) });
      // Known blades the driver re-read and found changed: new resources are audited, and the plan below sees them.
      const refreshed = refreshBlades(stored, listed);
      if (refreshed.records.length > 0) await this.o.store.commit({ blades: refreshed.records, events: refreshed.resized.map((r) => this.event(actor, 'blade.resources', r.blade, { before: r.before, after: r.after })) });
      const adopted: string[] = [];
      const candidates = running.length === 0 ? [] : await this.adoptable(running, stored, records);
      for (const w of candidates) {
        try {
          await this.adoptNow(w, actor);
          adopted.push(w.id);
        } catch (error) {
          this.log({ level: 'warn', msg: `could not adopt ${w.id} on ${w.blade}`, workload: w.id, blade: w.blade, error: error instanceof Error ? error.message : String(error) });
        }
      }
      for (const b of records) this.queue.add(`blade:${b.id}`);
      this.queue.add('plan');
      return { blades: records.map((b) => b.id), adopted };
    });
  }

  /** The running workloads discovery may adopt (see discover); the others are left for a later one, or logged. */
  private async adoptable(
    running: readonly { id: string; blade: string; priority?: number }[],
    stored: readonly BladeRecord[],
    fresh: readonly BladeRecord[],
  ): Promise<{ id: string; blade: string; priority?: number }[]> {
    const workloads = new Set((await this.o.store.workloads()).map((w) => w.id));
    const blades = new Map([...stored, ...fresh].map((b) => [b.id, b]));
    const targeted = new Set((await this.o.store.transfers({ open: true })).map((t) => t.to));
    const claimed = new Set<string>();
    const found: { id: string; blade: string; priority?: number }[] = [];
    for (const w of running) {
      if (workloads.has(w.id)) continue;
      const blade = blades.get(w.blade);
      if (blade === undefined) continue; // its BMC has not answered yet: the next discovery
      if (blade.state !== 'standby' || targeted.has(w.blade) || claimed.has(w.blade)) {
        if (this.refusedAdoptions.has(w.id)) continue; // said once; discovery repeats every half minute
        this.refusedAdoptions.add(w.id);
        this.log({ level: 'warn', msg: `not adopting ${w.id}: its blade ${w.blade} is ${claimed.has(w.blade) ? 'claimed by another adopted workload' : targeted.has(w.blade) ? 'the target of a transfer' : blade.state}`, workload: w.id, blade: w.blade });
        continue;
      }
      claimed.add(w.blade);
      found.push(w);
    }
    return found;
  }

  // --- issue 6: operator actions the HTTP API needs ---

  isRunning(): boolean {
    return this.running;
  }

  /** New declared requirements for a workload; the planner reconsiders its fit at once. */
  async setRequirements(workload: string, requirements: Resources, actor = 'operator'): Promise<WorkloadRecord> {
    return this.serial(async () => {
      const w = await this.o.store.workload(workload);
      if (!w) throw new ActionError('not-found', `unknown workload ${workload}`);
      if (w.state === 'finished' || w.state === 'transferring') throw new ActionError('conflict', `workload ${workload} is ${w.state}; its requirements can change when it is running or pending`);
      const changed: WorkloadRecord = { ...w, requirements, source: 'declared' };
      await this.o.store.commit({ workloads: [changed], events: [this.event(actor, 'workload.requirements', workload, { before: w.requirements, after: requirements })] });
      this.queue.add('plan');
      return changed;
    });
  }

  /** Replaces the policy (the caller validated it); it rules from the next plan on. */
  async setPolicy(policy: Policy, actor = 'operator'): Promise<Policy> {
    return this.serial(async () => {
      const before = this.policy;
      const changes = Object.fromEntries(Object.entries(policy).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(before[k as keyof Policy])));
      await this.o.store.commit({ policy, events: [this.event(actor, 'policy.changed', 'policy', { changes })] });
      this.policy = policy;
      this.queue.add('plan');
      return policy;
    });
  }

  /** Cascade proposals (requireApproval): the open ones, then the latest closed ones. */
  proposals(): Proposal[] {
    return this.approvals.list();
  }

  /** Approves a proposed cascade; the next plan starts it if it is still possible and worthwhile. */
  async approve(id: number, actor = 'operator'): Promise<Proposal> {
    return this.decide(id, 'cascade.approved', actor, null);
  }

  /** Rejects a proposed cascade: that move is not proposed again while the workload stays where it is. */
  async reject(id: number, actor = 'operator', reason: string | null = null): Promise<Proposal> {
    return this.decide(id, 'cascade.rejected', actor, reason);
  }

  private async decide(id: number, type: 'cascade.approved' | 'cascade.rejected', actor: string, reason: string | null): Promise<Proposal> {
    return this.serial(async () => {
      const p = this.approvals.get(id);
      if (!p) throw new ActionError('not-found', `unknown proposal ${id}`);
      if (p.status !== 'proposed') throw new ActionError('conflict', `proposal ${id} is ${p.status}; only a proposed cascade can be approved or rejected`);
      const committed = await this.o.store.commit({ events: [this.event(actor, type, p.workload, { proposal: id, from: p.from, to: p.to, ...(reason ? { reason } : {}) })] });
      this.approvals.apply(committed);
      this.queue.add('plan');
      return this.approvals.get(id)!;
    });
  }

  // --- reconcile ---

  private serial<T>(work: () => Promise<T>): Promise<T> {
    // Issue 6: each exclusive step starts in a new turn of the event loop. With a synchronous store
    // (SQLite) a queue of plans and blade observations is otherwise one unbroken chain of microtasks,
    // and the HTTP API, the event streams and the drivers' own I/O waited seconds for it to drain.
    const run = this.exclusive.then(turn).then(work);
    this.exclusive = run.catch(() => {});
    return run;
  }

  private async sync(key: string): Promise<void> {
    if (key === 'plan') return this.serial(() => this.plan());
    if (key === 'poll') {
      for (const b of await this.o.store.blades()) this.queue.add(`blade:${b.id}`);
      return;
    }
    if (key === 'checkpoints') {
      for (const w of await this.o.store.workloads()) if (w.state === 'running') this.queue.add(`checkpoint:${w.id}`);
      return;
    }
    const [kind, id] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    if (kind === 'blade') return this.serial(() => this.observeBlade(id));
    if (kind === 'checkpoint') {
      await this.checkpoint(id);
      return;
    }
    if (kind === 'transfer') {
      const t = await this.o.store.transfer(id);
      if (t?.status === 'waiting') await this.executor.retryWaiting(id);
      else await this.executor.drive(id);
    }
  }

  /** Compares a blade's record with what its controller reports; a blade that died loses its workload to a failover. */
  private async observeBlade(id: string): Promise<void> {
    if (!(await this.o.store.blade(id))) return;
    let status: { power: 'on' | 'off' | 'unknown'; health: BladeRecord['health'] };
    try {
      status = await withDeadline(this.o.clock, this.o.hardware.status(id), this.timing.callMs, `status of ${id}`);
    } catch {
      status = { power: 'unknown', health: 'unreachable' };
    }
    // Issue 10 (chaos): the record and the open transfers as they are after the status call, which can take up to its
    // deadline: a cascade that released this blade meanwhile (now standby, off) must not make it look dead.
    const blade = await this.o.store.blade(id);
    if (!blade) return;
    const open = await this.o.store.transfers({ open: true });
    const targetOf = open.find((t) => t.to === id);
    const sourceOf = open.find((t) => t.from === id);
    const dead =
      status.health === 'critical' ||
      status.health === 'unreachable' ||
      // An active blade that lost power, unless a transfer is switching it on (target) or off (source).
      // Issue 10 (chaos): a source counts as switched off only once the cascade's release began; before that, a
      // source that went dark lost the workload (or the place to roll it back to), and the rollback never ended.
      (blade.state === 'active' && status.power === 'off' && !targetOf && !(sourceOf && releasing(sourceOf)));
    const changed = status.power !== blade.power || status.health !== blade.health;
    if (!dead || blade.state === 'failed' || blade.state === 'maintenance') {
      // Issue 10 (chaos): onto the record read after the status call (above): a transfer that ended meanwhile (its
      // target now active) must not be undone by this write of power and health.
      if (changed) await this.o.store.commit({ blades: [{ ...blade, power: status.power, health: status.health }] });
      return;
    }

    const failed: BladeRecord = { ...blade, state: 'failed', power: status.power, health: status.health };
    const workloads: WorkloadRecord[] = [];
    const hosted = (await this.o.store.workloads()).find((w) => w.blade === id && w.state === 'running');
    // Issue 10 (chaos): only the transfer's own workload is taken care of by it; another one on the blade fails over.
    if (hosted && sourceOf?.workload !== hosted.id) workloads.push({ ...hosted, state: 'pending', pendingReason: `blade ${id} failed` });
    await this.o.store.commit({
      blades: [failed],
      workloads,
      events: [this.event('controller', 'blade.failed', id, { health: status.health, power: status.power, workload: hosted?.id ?? null })],
    });
    this.log({ level: 'warn', msg: `blade ${id} failed`, health: status.health, power: status.power, workload: hosted?.id ?? null });
    if (targetOf) this.queue.add(`transfer:${targetOf.id}`);
    if (sourceOf) this.queue.add(`transfer:${sourceOf.id}`);
    this.queue.add('plan');
  }

  /** Failovers and placements first (they never wait), then maintenance drains, then cascades into the free slots. */
  private async plan(): Promise<void> {
    const { store, clock } = this.o;
    const policy = this.policy;
    const blades = new Map((await store.blades()).map((b) => [b.id, b]));
    const workloads = await store.workloads();
    const open = await store.transfers({ open: true });
    const busy = new Set(open.map((t) => t.workload));
    const created: TransferRecord[] = [];
    const touched = new Map<string, WorkloadRecord>();
    const events: NewAuditEvent[] = [];
    const standby = (): BladeRecord[] => [...blades.values()].filter((b) => b.state === 'standby' && b.health !== 'critical' && b.health !== 'unreachable');
    const start = (p: Placement, drain: boolean, extra: Record<string, unknown> = {}): void => {
      const w = workloads.find((x) => x.id === p.workload)!;
      const t: TransferRecord = { id: `${p.kind}-${randomUUID().slice(0, 8)}`, kind: p.kind, workload: p.workload, from: p.from, to: p.to, before: p.before, after: p.after, status: 'running', reason: null, drain, steps: [], createdAt: clock.now(), updatedAt: clock.now() };
      created.push(t);
      busy.add(w.id);
      blades.set(p.to, { ...blades.get(p.to)!, state: 'active' });
      touched.set(w.id, { ...w, state: 'transferring', pendingReason: null });
      events.push(this.event('controller', 'transfer.created', t.id, { kind: t.kind, workload: t.workload, from: t.from, to: t.to, before: t.before, after: t.after, drain, runnersUp: p.runnersUp, ...extra }));
    };

    const requests: PlacementRequest[] = workloads
      .filter((w) => w.state === 'pending' && !busy.has(w.id))
      .map((w) => {
        const source = w.blade ? blades.get(w.blade) : undefined;
        return source
          ? { workload: w, kind: 'failover' as const, from: source.id, before: fitOf(source.resources, w.requirements, policy.weights) }
          : { workload: w, kind: 'place' as const, from: null, before: null };
      });
    if (requests.length > 0) {
      const placed = planPlacements(requests, standby(), policy);
      for (const p of placed.placements) start(p, false);
      for (const p of placed.pending) {
        const w = workloads.find((x) => x.id === p.workload)!;
        const reason = `${p.reason}: ${p.detail}`;
        if (w.pendingReason !== reason) {
          touched.set(w.id, { ...w, pendingReason: reason });
          events.push(this.event('controller', 'workload.pending', w.id, { reason: p.reason, detail: p.detail }));
          // Issue 5: a decision not to move is a decision too; the log says why.
          this.log({ level: 'warn', msg: `${w.id} pending: ${reason}`, workload: w.id });
        }
      }
    }

    const drains: PlacementRequest[] = workloads
      .filter((w) => w.state === 'running' && !busy.has(w.id) && w.blade !== null && blades.get(w.blade)?.state === 'maintenance')
      .map((w) => ({ workload: w, kind: 'cascade' as const, from: w.blade, before: fitOf(blades.get(w.blade!)!.resources, w.requirements, policy.weights) }));
    if (drains.length > 0) for (const p of planPlacements(drains, standby(), policy).placements) start(p, true);

    const slots = Math.max(0, policy.maxConcurrentTransfers - open.length - created.length);
    const now = clock.now();
    const frozen = new Set(busy);
    for (const w of workloads) if (w.movedAt !== null && now - w.movedAt < policy.cooldownSeconds * 1000) frozen.add(w.id);
    const cascade = planCascade({ blades: [...blades.values()], workloads: workloads.filter((w) => !busy.has(w.id)), policy, slots, frozen });
    // Issue 6: with approval on, approved moves that are still worthwhile start, new moves are proposed
    // once (not every round), and proposals that can no longer happen expire; see approvals.ts.
    const cooling = new Set([...frozen].filter((id) => !busy.has(id)));
    const usable = (b: BladeRecord): boolean => b.state === 'standby' && b.health !== 'critical' && b.health !== 'unreachable';
    if (policy.requireApproval) {
      const round = approvalRound({ book: this.approvals, blades, workloads, busy, cooling, policy, slots, moves: [...cascade.moves, ...cascade.deferred], usable });
      for (const { proposal, move } of round.start) start(move, false, { proposal });
      for (const m of round.propose) events.push(this.event('controller', 'cascade.proposed', m.workload, { from: m.from, to: m.to, saving: m.saving, before: m.before, after: m.after }));
      for (const { proposal: p, reason } of round.expire) events.push(this.event('controller', 'cascade.expired', p.workload, { proposal: p.id, from: p.from, to: p.to, reason }));
    } else {
      for (const m of cascade.moves) start(m, false);
      for (const p of this.approvals.openProposals()) events.push(this.event('controller', 'cascade.expired', p.workload, { proposal: p.id, from: p.from, to: p.to, reason: 'approval is no longer required' }));
    }

    if (created.length === 0 && touched.size === 0 && events.length === 0) return;
    const reserved = created.map((t) => blades.get(t.to)!);
    const committed = await store.commit({ transfers: created, workloads: [...touched.values()], blades: reserved, events });
    this.approvals.apply(committed); // issue 6
    for (const t of created) {
      this.log({ level: 'info', msg: `${t.kind} ${t.workload}: ${t.from ?? '-'} -> ${t.to}`, transfer: t.id });
      this.queue.add(`transfer:${t.id}`);
    }
  }

  private settled(t: TransferRecord): void {
    this.log({ level: t.status === 'done' ? 'info' : 'warn', msg: `transfer ${t.status}`, transfer: t.id, workload: t.workload, kind: t.kind, from: t.from, to: t.to, ...(t.reason ? { reason: t.reason } : {}) });
    if (t.status === 'waiting') {
      // An unconfirmed fence: try again later; nothing else happens to this workload meanwhile.
      void this.o.clock.sleep(this.timing.maxBackoffMs).then(() => this.running && this.queue.add(`transfer:${t.id}`));
    }
    this.queue.add('plan');
  }

  private tick(key: string, everyMs: number): void {
    if (everyMs <= 0) return;
    void this.o.clock.sleep(everyMs).then(() => {
      if (!this.running) return;
      this.queue.add(key);
      this.tick(key, everyMs);
    });
  }

  private async mustBlade(id: string): Promise<BladeRecord> {
    const b = await this.o.store.blade(id);
    if (!b) throw new ActionError('not-found', `unknown blade ${id}`);
    return b;
  }

  private event(actor: string, type: string, subject: string, data: Record<string, unknown>): NewAuditEvent {
    return { at: this.o.clock.now(), actor, type, subject, data };
  }
}
