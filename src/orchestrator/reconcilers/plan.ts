// The plan reconciler: reads a snapshot, lets decideRound decide, and commits what it decided in one write.
import { randomUUID } from 'node:crypto';
import type { Placement } from '../../core/decision.js';
import { decideRound, type RoundDecision, type RoundSnapshot } from '../../core/round.js';
import type { BladeRecord, NewAuditEvent, RoundRecord, TransferRecord, WorkloadRecord } from '../../ports/store.js';
import { moved, type ControllerContext, type Reconciler } from '../controller-context.js';
import { heldByFault } from '../fault-class.js';
import { roundRecord } from '../round-record.js';

export class PlanReconciler implements Reconciler {
  constructor(private readonly c: ControllerContext) {}

  /** Plans now; looks again after replanSeconds, or sooner when a cooldown that holds a cascade back ends. */
  async sync(): Promise<number | null> {
    const wakeAt = await this.c.serial(() => this.plan());
    const replanMs = this.c.policy.replanSeconds * 1000;
    const untilWake = wakeAt === null ? Infinity : Math.max(1, wakeAt - this.c.o.clock.now());
    const after = Math.min(replanMs > 0 ? replanMs : Infinity, untilWake);
    return Number.isFinite(after) ? after : null;
  }

  private async plan(): Promise<number | null> {
    const { c } = this;
    const { store, clock } = c.o;
    const policy = c.policy;
    const open = await store.transfers({ open: true });
    // A blade an open transfer aims at is reserved by it, whatever its record says: never a second transfer's target.
    const aimed = new Set(open.map((t) => t.to));
    const blades = (await store.blades()).map((b) =>
      b.state === 'standby' && aimed.has(b.id) ? { ...b, state: 'active' as const } : b,
    );
    // A workload held after a workload fault waits for an operator; placing it again would fail the same way.
    const workloads = (await store.workloads()).filter((w) => !heldByFault(w));
    const bladeOf = new Map(workloads.map((w) => [w.id, w.blade]));
    if (policy.requireApproval) c.approvals.forgetRejections((id) => bladeOf.get(id) ?? null);
    const snapshot: RoundSnapshot = {
      blades,
      workloads,
      transfers: open,
      proposals: c.approvals.openProposals(),
      rejected: c.approvals.rejectedMoves(),
    };
    const now = clock.now();
    const decision = decideRound(snapshot, policy, now);
    // A round that starts or proposes something keeps its input, so the decision can be replayed.
    const acts =
      decision.placements.length + decision.drains.length + decision.cascades.length + decision.propose.length > 0;
    await this.apply(decision, blades, workloads, acts ? roundRecord(snapshot, policy, now) : null, now);
    return decision.wakeAt;
  }

  private async apply(
    d: RoundDecision,
    blades: readonly BladeRecord[],
    workloads: readonly WorkloadRecord[],
    round: RoundRecord | null,
    now: number,
  ): Promise<void> {
    const { c } = this;
    const { store, clock } = c.o;
    const bladeById = new Map(blades.map((b) => [b.id, b]));
    const workloadById = new Map(workloads.map((w) => [w.id, w]));
    const created: TransferRecord[] = [];
    const reserved: BladeRecord[] = [];
    const touched = new Map<string, WorkloadRecord>();
    const events: NewAuditEvent[] = [];
    const ref = round === null ? {} : { round: { hash: round.hash, now } };
    const start = (p: Placement, drain: boolean, extra: Record<string, unknown> = {}): void => {
      const w = workloadById.get(p.workload)!;
      const t: TransferRecord = {
        id: `${p.kind}-${randomUUID().slice(0, 8)}`,
        kind: p.kind,
        workload: p.workload,
        from: p.from,
        to: p.to,
        before: p.before,
        after: p.after,
        status: 'running',
        reason: null,
        drain,
        steps: [],
        createdAt: clock.now(),
        updatedAt: clock.now(),
      };
      created.push(t);
      reserved.push({ ...bladeById.get(p.to)!, state: 'active' });
      touched.set(w.id, { ...w, state: 'transferring', pendingReason: null });
      const data = {
        kind: t.kind,
        workload: t.workload,
        from: t.from,
        to: t.to,
        before: t.before,
        after: t.after,
        drain,
        runnersUp: p.runnersUp,
        ...extra,
        ...ref,
      };
      events.push(c.event('controller', 'transfer.created', t.id, data));
    };

    for (const p of d.placements) start(p, false);
    for (const p of d.pending) {
      const w = workloadById.get(p.workload)!;
      const reason = `${p.reason}: ${p.detail}`;
      if (w.pendingReason === reason) continue;
      touched.set(w.id, { ...w, pendingReason: reason });
      events.push(c.event('controller', 'workload.pending', w.id, { reason: p.reason, detail: p.detail }));
      // A decision not to move is a decision too; the log says why.
      c.log({ level: 'warn', msg: `${w.id} pending: ${reason}`, workload: w.id });
    }
    for (const p of d.drains) start(p, true);
    for (const s of d.cascades) start(s.move, false, s.proposal === null ? {} : { proposal: s.proposal });
    for (const m of d.propose)
      events.push(
        c.event('controller', 'cascade.proposed', m.workload, {
          from: m.from,
          to: m.to,
          saving: m.saving,
          before: m.before,
          after: m.after,
          ...ref,
        }),
      );
    for (const { proposal: p, reason } of d.expire)
      events.push(
        c.event('controller', 'cascade.expired', p.workload, { proposal: p.id, from: p.from, to: p.to, reason }),
      );

    if (created.length === 0 && touched.size === 0 && events.length === 0) return;
    const rounds = round === null ? [] : [round];
    const committed = await store.commit({
      transfers: created,
      workloads: [...touched.values()],
      blades: reserved,
      events,
      rounds,
    });
    c.approvals.apply(committed);
    for (const t of created) {
      moved(c, t);
      c.log({ level: 'info', msg: `${t.kind} ${t.workload}: ${t.from ?? '-'} -> ${t.to}`, transfer: t.id });
      c.queue.add(`transfer:${t.id}`);
    }
  }
}
