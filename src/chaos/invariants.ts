// The chaos run's invariants, as pure functions over what the run left behind: the emulator's own history (what
// really ran where), the world's final state, and the controller's store (records and audit log). Each returns the
// violations it finds; an empty list is a pass.
import type { HistoryEntry } from '../adapters/fake/world-state.js';
import { planCascade } from '../core/cascade.js';
import { isEligible } from '../core/eligibility.js';
import type { Policy } from '../core/model.js';
import { planPlacements, type PlacementRequest } from '../core/placement.js';
import { heldByFault } from '../orchestrator/fault-class.js';
import type { AuditEvent, BladeRecord, TransferRecord, WorkloadRecord } from '../ports/store.js';
import { auditViolations } from './invariants-audit.js';
import { committedCheckpoints, counterViolations } from './invariants-counter.js';
import { fenceOrder, fenceRule } from './invariants-fencing.js';

export type InvariantRule =
  | 'placement'
  | 'two-blades'
  | 'counter'
  | 'fence'
  | 'audit'
  | 'cascade-left'
  | 'not-quiesced'
  | 'operator-answer'
  | 'healthy-failed'
  | 'healthy-disrupted';

export interface ChaosViolation {
  readonly rule: InvariantRule;
  /** The workload, blade or transfer it is about. */
  readonly subject: string;
  readonly message: string;
}

export interface FinalWorkload {
  readonly id: string;
  /** The blades it runs on in the emulator at the end (the invariant: at most one). */
  readonly runningOn: readonly string[];
}

export interface StoreRecords {
  readonly blades: readonly BladeRecord[];
  readonly workloads: readonly WorkloadRecord[];
  readonly transfers: readonly TransferRecord[];
  readonly events: readonly AuditEvent[];
  readonly policy: Policy;
}

export interface RunRecords {
  readonly history: readonly HistoryEntry[];
  readonly world: readonly FinalWorkload[];
  readonly store: StoreRecords;
  /** The harness saw the controller go quiet (no open transfer, nothing new in the log) before its deadline. */
  readonly quiesced: boolean;
}

/** Every invariant over one run's records. */
export function checkRun(r: RunRecords): ChaosViolation[] {
  return [
    ...(r.quiesced
      ? []
      : [
          {
            rule: 'not-quiesced' as const,
            subject: 'controller',
            message: 'the controller did not settle (open transfers or a changing log) before the deadline',
          },
        ]),
    ...placementViolations(r.store.workloads, r.store.blades, r.world),
    ...twoBladeRuns(r.history),
    ...counterViolations(r.history, committedCheckpoints(r.store)),
    ...fenceRule(r.history),
    ...fenceOrder(r.store.transfers),
    ...auditViolations(r.history, r.store.transfers, r.store.events),
    ...cascadesLeft(r.store),
  ];
}

/**
 * Every workload not finished runs on exactly one blade (the one the store names, an active blade, and the only one
 * the emulator runs it on) or is pending with a recorded reason and runs nowhere; a finished one runs nowhere; no
 * blade hosts two; nothing runs that the controller does not know.
 */
export function placementViolations(
  workloads: readonly WorkloadRecord[],
  blades: readonly BladeRecord[],
  world: readonly FinalWorkload[],
): ChaosViolation[] {
  const found: ChaosViolation[] = [];
  const v = (subject: string, message: string) => found.push({ rule: 'placement', subject, message });
  const bladeById = new Map(blades.map((b) => [b.id, b]));
  const running = new Map(world.map((w) => [w.id, w.runningOn]));
  const hosts = new Map<string, string>();
  for (const w of workloads) {
    const on = running.get(w.id) ?? [];
    if (w.state === 'running') {
      if (w.blade === null) v(w.id, `${w.id} is running on no blade`);
      else {
        if (on.length !== 1 || on[0] !== w.blade)
          v(w.id, `${w.id} is running on ${w.blade} in the store, but the emulator runs it on [${on.join(', ')}]`);
        const b = bladeById.get(w.blade);
        if (b?.state !== 'active') v(w.id, `${w.id} runs on ${w.blade}, which is ${b?.state ?? 'unknown'}, not active`);
        const other = hosts.get(w.blade);
        if (other !== undefined) v(w.blade, `${w.blade} hosts both ${other} and ${w.id}`);
        hosts.set(w.blade, w.id);
      }
    } else if (w.state === 'pending') {
      if (w.pendingReason === null || w.pendingReason.trim() === '')
        v(w.id, `${w.id} is pending with no recorded reason`);
      // A workload whose blade was declared failed may still run there until the failover fences it: safe, and
      // what the controller expects. Anywhere else it would be lost track of.
      if (on.some((b) => b !== w.blade))
        v(w.id, `${w.id} is pending in the store (blade ${w.blade ?? 'none'}) but runs on [${on.join(', ')}]`);
    } else if (w.state === 'finished') {
      if (on.length > 0) v(w.id, `${w.id} is finished but still runs on [${on.join(', ')}]`);
    } else {
      v(w.id, `${w.id} is still ${w.state} after the system went quiet`);
    }
  }
  const known = new Set(workloads.map((w) => w.id));
  for (const w of world)
    if (!known.has(w.id) && w.runningOn.length > 0)
      v(w.id, `${w.id} runs on [${w.runningOn.join(', ')}] but the controller does not know it`);
  return found;
}

/** From the emulator's record of runs: a workload started on a blade while its run on another had not ended. */
export function twoBladeRuns(history: readonly HistoryEntry[]): ChaosViolation[] {
  const open = new Map<string, { blade: string; since: number }>();
  const occupant = new Map<string, string>();
  const found: ChaosViolation[] = [];
  for (const e of history) {
    if (e.kind === 'started') {
      const run = open.get(e.workload);
      if (run && run.blade !== e.blade) {
        found.push({
          rule: 'two-blades',
          subject: e.workload,
          message: `${e.workload} started on ${e.blade} at ${e.at} while its run on ${run.blade} (since ${run.since}) had not ended`,
        });
      }
      const other = occupant.get(e.blade);
      if (other !== undefined && other !== e.workload && open.get(other)?.blade === e.blade) {
        found.push({
          rule: 'two-blades',
          subject: e.blade,
          message: `${e.workload} started on ${e.blade} at ${e.at} while ${other} ran there`,
        });
      }
      open.set(e.workload, { blade: e.blade, since: e.at });
      occupant.set(e.blade, e.workload);
    } else if (e.kind === 'stopped') {
      if (open.get(e.workload)?.blade === e.blade) open.delete(e.workload);
    } else if (e.kind === 'migrated') {
      open.set(e.workload, { blade: e.to, since: e.at });
      occupant.set(e.to, e.workload);
    } else if (e.kind === 'refused' && e.reason === 'running-elsewhere' && e.workload !== null) {
      // The emulator refused a second start; real hardware would not have.
      found.push({
        rule: 'two-blades',
        subject: e.workload,
        message: `${e.op} of ${e.workload} on ${e.blade ?? '?'} at ${e.at} while it ran elsewhere (refused by the emulator)`,
      });
    }
  }
  return found;
}

/**
 * On the final state, the core planners propose nothing: no worthwhile cascade, no pending workload that fits a
 * standby blade. A standby blade the one eligibility rule leaves out (its enclosure without power, a System not
 * Enabled) is no target here either: what the BMCs say is the controller's to weigh, how well it placed is checked.
 */
export function cascadesLeft(store: Pick<StoreRecords, 'blades' | 'workloads' | 'policy'>): ChaosViolation[] {
  const found: ChaosViolation[] = [];
  const blades = store.blades.filter((b) => b.state !== 'standby' || isEligible(b));
  const plan = planCascade({
    blades,
    workloads: store.workloads,
    policy: store.policy,
    slots: store.policy.maxConcurrentTransfers,
  });
  for (const m of [...plan.moves, ...plan.deferred]) {
    found.push({
      rule: 'cascade-left',
      subject: m.workload,
      message: `a worthwhile cascade was left undone: ${m.workload} ${m.from ?? '?'} -> ${m.to} (saving ${m.saving})`,
    });
  }
  // A workload held after a workload fault (unknown to the hypervisor, its image unusable) waits for an operator: the
  // controller's planner leaves it out by design, and so does this check.
  const requests: PlacementRequest[] = store.workloads
    .filter((w) => w.state === 'pending' && !heldByFault(w))
    .map((w) => ({ workload: w, kind: w.blade === null ? 'place' : 'failover', from: w.blade, before: null }));
  if (requests.length > 0) {
    const standby = blades.filter((b) => b.state === 'standby');
    for (const p of planPlacements(requests, standby, store.policy).placements) {
      found.push({
        rule: 'cascade-left',
        subject: p.workload,
        message: `${p.workload} is pending while standby blade ${p.to} could take it`,
      });
    }
  }
  return found;
}
