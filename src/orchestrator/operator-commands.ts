// Operator commands: each checks the records, commits its change with who asked, and queues a plan.
import type { Proposal } from '../core/approval-round.js';
import type { Policy, Resources } from '../core/model.js';
import { deriveRequirements } from '../core/requirements.js';
import type { BladeRecord, WorkloadRecord } from '../ports/store.js';
import { ActionError } from './action-error.js';
import { mustBlade, type ControllerContext, type RunningWorkload } from './controller-context.js';
import { withDeadline } from './deadline.js';
import { driverCode, heldByFault } from './fault-class.js';
import { refuseLeftoverRepair } from './reconcilers/leftover-copy.js';

export class OperatorCommands {
  constructor(private readonly c: ControllerContext) {}
  async repair(blade: string, actor: string): Promise<void> {
    const { c } = this;
    const { store } = c.o;
    return c.serial(async () => {
      const b = await mustBlade(store, blade);
      if (b.state !== 'failed' && b.state !== 'maintenance')
        throw new ActionError(
          'conflict',
          `blade ${blade} is ${b.state}; only a failed or maintenance blade can be repaired`,
        );
      // A blade still being fenced (or unwound) by a transfer must not rejoin the pool: the fence's power-off,
      // still in flight, would kill whatever the planner placed on it meanwhile.
      const busy = (await store.transfers({ open: true })).find((t) => t.from === blade || t.to === blade);
      if (busy)
        throw new ActionError(
          'conflict',
          `blade ${blade} is still in transfer ${busy.id} (${busy.kind} of ${busy.workload}); repair it when that transfer ends`,
        );
      await refuseLeftoverRepair(store, b); // it may still run the workload it lost (leftover-copy.ts)
      // A workload that failed with this blade still names it, so that its failover fences it first. Back in the
      // pool, the blade may host another workload before that failover runs, and the fence would kill it.
      // Powered off, the blade runs nothing: the workload lets go of it (and is placed from its latest checkpoint);
      // still on, or unknown, it may run there yet, and only the failover's fence may decide.
      const waiting = (await store.workloads()).filter((w) => w.state === 'pending' && w.blade === blade);
      if (waiting.length > 0 && b.power !== 'off') {
        throw new ActionError(
          'conflict',
          `blade ${blade} may still run ${waiting.map((w) => w.id).join(', ')} (power ${b.power}): repair it once its failover has fenced it`,
        );
      }
      // A maintenance blade whose drain never happened (no standby to drain to) still runs its workload: repaired,
      // it is back in service as that workload's host, never a standby the next failover would start another on.
      const hosted = (await store.workloads()).filter(
        (w) => w.blade === blade && (w.state === 'running' || w.state === 'transferring'),
      );
      await store.commit({
        // Its burn-in (policy.repairBurnInSeconds) counts from now: the planner's eligibility rule reads it.
        blades: [{ ...b, state: hosted.length > 0 ? 'active' : 'standby', burnInSince: c.o.clock.now() }],
        workloads: waiting.map((w) => ({ ...w, blade: null })),
        events: [
          c.event(actor, 'blade.repaired', blade, {
            was: b.state,
            ...(hosted.length > 0 ? { hosts: hosted.map((w) => w.id) } : {}),
          }),
        ],
      });
      // An operator's word that it was off held for that failure only.
      c.fenceConfirmations.delete(blade);
      c.queue.add(`blade:${blade}`);
      c.queue.add('plan');
    });
  }

  async maintenance(blade: string, on: boolean, actor: string): Promise<void> {
    const { c } = this;
    const { store } = c.o;
    return c.serial(async () => {
      const b = await mustBlade(store, blade);
      if (on && (b.state === 'standby' || b.state === 'active')) {
        await store.commit({
          blades: [{ ...b, state: 'maintenance' }],
          events: [c.event(actor, 'blade.maintenance', blade, { on, drain: b.state === 'active' })],
        });
      } else if (!on && b.state === 'maintenance') {
        // A blade an open transfer aims at is that transfer's, as if it hosted the workload already.
        const targeted = (await store.transfers({ open: true })).some((t) => t.to === blade);
        const hosts =
          targeted ||
          (await store.workloads()).some((w) => w.blade === blade && w.state !== 'finished' && w.state !== 'pending');
        await store.commit({
          blades: [{ ...b, state: hosts ? 'active' : 'standby' }],
          events: [c.event(actor, 'blade.maintenance', blade, { on })],
        });
      } else {
        throw new ActionError(
          'conflict',
          `blade ${blade} is ${b.state}; maintenance ${on ? 'on' : 'off'} does not apply`,
        );
      }
      c.queue.add('plan');
    });
  }

  async submit(
    w: {
      id: string;
      requirements?: Resources;
      priority?: number;
      minimum?: Readonly<Record<string, number>>;
      pinned?: boolean;
    },
    actor: string,
  ): Promise<void> {
    const { c } = this;
    const { store, workloads } = c.o;
    // Asked before the exclusive section: a slow hypervisor delays this submit, never the other operators.
    await this.mustExist(w.id);
    const derived = w.requirements
      ? { requirements: w.requirements, source: 'declared' as const }
      : deriveRequirements({
          declared: await workloads.declared(w.id),
          samples: await workloads.samples(w.id),
          host: null,
        });
    return c.serial(async () => {
      if (await store.workload(w.id)) throw new ActionError('conflict', `workload ${w.id} already exists`);
      if (!derived) throw new ActionError('invalid', `workload ${w.id}: no requirements given and its driver has none`);
      const record: WorkloadRecord = {
        id: w.id,
        requirements: derived.requirements,
        source: derived.source,
        priority: w.priority ?? 0,
        blade: null,
        state: 'pending',
        movedAt: null,
        pendingReason: null,
        ...(w.minimum === undefined ? {} : { minimum: w.minimum }),
        ...(w.pinned === true ? { pinned: true } : {}),
      };
      await store.commit({
        workloads: [record],
        events: [
          c.event(actor, 'workload.submitted', w.id, { requirements: derived.requirements, source: derived.source }),
        ],
      });
      c.queue.add('plan');
    });
  }

  /**
   * The workload driver must know a submitted workload: one it does not know fails every placement. Only a definite
   * "unknown" refuses; a driver that cannot answer now is logged, and a placement's failure then holds the workload.
   */
  private async mustExist(id: string): Promise<void> {
    const { c } = this;
    try {
      await withDeadline(c.o.clock, c.o.workloads.status(id), c.timing.callMs, `status of ${id}`);
    } catch (error) {
      if (driverCode(error) === 'unknown-workload')
        throw new ActionError('unknown-to-driver', `workload ${id} is unknown to the workload driver`);
      c.log({
        level: 'warn',
        msg: `could not check that ${id} exists: ${error instanceof Error ? error.message : String(error)}`,
        workload: id,
      });
    }
  }

  /** Outside the lock: for callers that already hold it (discovery). */
  async adoptNow(w: RunningWorkload, actor: string): Promise<void> {
    const { c } = this;
    const { store, workloads } = c.o;
    const blade = await mustBlade(store, w.blade);
    const derived = deriveRequirements({
      declared: await workloads.declared(w.id),
      samples: await workloads.samples(w.id),
      host: blade.resources,
    });
    const record: WorkloadRecord = {
      id: w.id,
      requirements: derived!.requirements,
      source: derived!.source,
      priority: w.priority ?? 0,
      blade: w.blade,
      state: 'running',
      movedAt: null,
      pendingReason: null,
    };
    await store.commit({
      workloads: [record],
      blades: [{ ...blade, state: 'active' }],
      events: [c.event(actor, 'workload.adopted', w.id, { blade: w.blade, source: derived!.source })],
    });
    c.queue.add('plan');
  }

  /** `unplacedOnly`: a withdrawal, refused for a workload that runs (or moves) already. */
  async finish(workload: string, actor: string, unplacedOnly = false): Promise<void> {
    const { c } = this;
    const { store } = c.o;
    return c.serial(async () => {
      const w = await store.workload(workload);
      if (!w) throw new ActionError('not-found', `unknown workload ${workload}`);
      if (unplacedOnly && w.state !== 'pending' && w.state !== 'transferring') {
        throw new ActionError(
          'conflict',
          `workload ${workload} is ${w.state}; only a pending or placing workload can be withdrawn (finish a running one)`,
        );
      }
      const open = (await store.transfers({ open: true })).find((t) => t.workload === workload);
      // A placement can be withdrawn: its transfer sees the workload finished, powers the target off and frees it.
      // A failover or cascade moves a workload that ran already: it must land first.
      if (w.state === 'transferring' && open?.kind !== 'place') {
        throw new ActionError(
          'conflict',
          `workload ${workload} is in a ${open?.kind ?? ''} transfer; finish it when the transfer ends`,
        );
      }
      const blades: BladeRecord[] = [];
      if (w.state === 'running' && w.blade) {
        const b = await store.blade(w.blade);
        // A blade another open transfer moves into or out of stays that transfer's: freed here, the planner would aim
        // a second transfer at it.
        const claimed = (await store.transfers({ open: true })).some((t) => t.to === w.blade || t.from === w.blade);
        if (b && b.state === 'active' && !claimed) blades.push({ ...b, state: 'standby' });
      }
      const withdrawn = w.state !== 'running';
      const events = [
        c.event(actor, 'workload.finished', workload, withdrawn ? { withdrawn: true, was: w.state } : {}),
      ];
      await store.commit({
        workloads: [{ ...w, state: 'finished', blade: null, pendingReason: null }],
        blades,
        events,
      });
      if (open) c.queue.add(`transfer:${open.id}`);
      c.queue.add('plan');
    });
  }

  async setRequirements(workload: string, requirements: Resources, actor: string): Promise<WorkloadRecord> {
    const { c } = this;
    const { store } = c.o;
    return c.serial(async () => {
      const w = await store.workload(workload);
      if (!w) throw new ActionError('not-found', `unknown workload ${workload}`);
      if (w.state === 'finished' || w.state === 'transferring')
        throw new ActionError(
          'conflict',
          `workload ${workload} is ${w.state}; its requirements can change when it is running or pending`,
        );
      // New requirements are the operator's word that the workload changed: one held after a workload fault is tried again.
      const changed: WorkloadRecord = {
        ...w,
        requirements,
        source: 'declared',
        ...(heldByFault(w) ? { pendingReason: null } : {}),
      };
      await store.commit({
        workloads: [changed],
        events: [c.event(actor, 'workload.requirements', workload, { before: w.requirements, after: requirements })],
      });
      c.queue.add('plan');
      return changed;
    });
  }

  async setPolicy(policy: Policy, actor: string): Promise<Policy> {
    const { c } = this;
    return c.serial(async () => {
      const before = c.policy;
      const changes = Object.fromEntries(
        Object.entries(policy).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(before[k as keyof Policy])),
      );
      await c.o.store.commit({ policy, events: [c.event(actor, 'policy.changed', 'policy', { changes })] });
      c.policy = policy;
      c.queue.add('plan');
      return policy;
    });
  }

  async decide(
    id: number,
    type: 'cascade.approved' | 'cascade.rejected',
    actor: string,
    reason: string | null,
  ): Promise<Proposal> {
    const { c } = this;
    return c.serial(async () => {
      const p = c.approvals.get(id);
      if (!p) throw new ActionError('not-found', `unknown proposal ${id}`);
      if (p.status !== 'proposed')
        throw new ActionError(
          'conflict',
          `proposal ${id} is ${p.status}; only a proposed cascade can be approved or rejected`,
        );
      const committed = await c.o.store.commit({
        events: [
          c.event(actor, type, p.workload, { proposal: id, from: p.from, to: p.to, ...(reason ? { reason } : {}) }),
        ],
      });
      c.approvals.apply(committed);
      c.queue.add('plan');
      return c.approvals.get(id)!;
    });
  }
}
