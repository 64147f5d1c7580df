// The chaos run's invariants, as pure functions over what the run left behind: the emulator's own history (what
// really ran where), the world's final state, and the controller's store (records and audit log). Each returns the
// violations it finds; an empty list is a pass.
import { checkpointIdOf } from '../adapters/fake/world-core.js';
import type { HistoryEntry } from '../adapters/fake/world-state.js';
import { planCascade } from '../core/cascade.js';
import { isEligible } from '../core/eligibility.js';
import type { Policy } from '../core/model.js';
import { planPlacements, type PlacementRequest } from '../core/placement.js';
import { heldByFault } from '../orchestrator/fault-class.js';
import type { AuditEvent, BladeRecord, TransferRecord, WorkloadRecord } from '../ports/store.js';

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

interface BladeFacts {
  power: 'on' | 'off';
  failed: boolean;
  critical: boolean;
  unreachable: boolean;
}

/**
 * No blade was started before its source was fenced: a workload never starts on a new blade while the blade it last
 * ran on is faulty (failed, critical or unreachable) and still on; and no blade holding a workload's boot storage is
 * powered on (it would boot the workload) while that workload's last blade is faulty and still on. Powering on an
 * empty blade, without the workload's storage, is no start; and a workload the controller captured (quiesced) on
 * its last blade cannot run there any more, so a cascade that captured it before the blade went bad needs no fence.
 * (The fakes' fenceViolations is stricter: it flags any power-on of the next target after the fault, even an empty
 * one a cascade prepared before the failover began.)
 */
export function fenceRule(history: readonly HistoryEntry[]): ChaosViolation[] {
  const blades = new Map<string, BladeFacts>();
  const attached = new Map<string, string>();
  const lastBlade = new Map<string, string>();
  const captured = new Set<string>();
  const found: ChaosViolation[] = [];
  const facts = (id: string): BladeFacts => {
    let f = blades.get(id);
    if (!f) {
      f = { power: 'on', failed: false, critical: false, unreachable: false };
      blades.set(id, f);
    }
    return f;
  };
  const unfenced = (id: string | undefined): boolean => {
    if (id === undefined) return false;
    const f = facts(id);
    return f.power === 'on' && (f.failed || f.critical || f.unreachable);
  };
  for (const e of history) {
    switch (e.kind) {
      case 'blade-added':
        blades.set(e.blade, { power: e.power, failed: false, critical: e.health === 'critical', unreachable: false });
        break;
      case 'blade-removed':
        blades.set(e.blade, { power: 'off', failed: false, critical: false, unreachable: false });
        break;
      case 'power-effective':
        facts(e.blade).power = e.power;
        break;
      case 'health':
        facts(e.blade).critical = e.health === 'critical';
        break;
      case 'reachable':
        facts(e.blade).unreachable = e.reachable !== 'yes';
        break;
      case 'fault':
        if (e.fault === 'fail') facts(e.blade).failed = true;
        if (e.fault === 'repair') facts(e.blade).failed = false;
        break;
      case 'attached':
        attached.set(e.workload, e.blade);
        break;
      case 'power-requested':
        if (e.power !== 'on') break;
        for (const [workload, blade] of attached) {
          const last = lastBlade.get(workload);
          if (
            blade === e.blade &&
            last !== undefined &&
            last !== e.blade &&
            !captured.has(workload) &&
            unfenced(last)
          ) {
            found.push({
              rule: 'fence',
              subject: workload,
              message: `${e.blade}, holding ${workload}'s boot storage, was powered on at ${e.at} while ${last}, where ${workload} last ran, was faulty and not yet fenced`,
            });
          }
        }
        break;
      case 'started': {
        const last = lastBlade.get(e.workload);
        if (last !== undefined && last !== e.blade && !captured.has(e.workload) && unfenced(last)) {
          found.push({
            rule: 'fence',
            subject: e.workload,
            message: `${e.workload} started on ${e.blade} at ${e.at} while ${last}, where it last ran, was faulty and not yet fenced`,
          });
        }
        lastBlade.set(e.workload, e.blade);
        captured.delete(e.workload);
        break;
      }
      case 'stopped':
        if (e.why === 'captured') captured.add(e.workload);
        break;
      case 'detached':
        // A storage fence: the SAN no longer presents the boot disk to that blade, so the workload cannot run there.
        if (lastBlade.get(e.workload) === e.blade) captured.add(e.workload);
        break;
      case 'migrated':
        lastBlade.set(e.workload, e.to);
        captured.delete(e.workload);
        break;
      default:
        break;
    }
  }
  return found;
}

/** From the controller's own records: no failover ran its start step before its fence had succeeded. */
export function fenceOrder(transfers: readonly TransferRecord[]): ChaosViolation[] {
  const found: ChaosViolation[] = [];
  for (const t of transfers) {
    if (t.kind !== 'failover') continue;
    const start = t.steps.findIndex((s) => s.name === 'start');
    const fenced = t.steps.findIndex((s) => s.name === 'fence' && s.status === 'succeeded');
    if (start >= 0 && (fenced < 0 || fenced > start))
      found.push({
        rule: 'fence',
        subject: t.id,
        message: `failover ${t.id} of ${t.workload} started ${t.to} before the fence of ${t.from ?? '?'} succeeded`,
      });
  }
  return found;
}

/** A checkpoint the controller committed: by the emulator's id when the record holds it, else by blade and sequence. */
export interface Committed {
  readonly ids: ReadonlySet<string>;
  /** workload -> (blade, sequence, when committed) of checkpoints known only from the audit log. */
  readonly logged: ReadonlyMap<
    string,
    readonly { readonly blade: string; readonly sequence: number; readonly at: number }[]
  >;
}

/** The checkpoints the controller committed: periodic snapshots (audit log) and captured state (transfer steps). */
export function committedCheckpoints(store: Pick<StoreRecords, 'events' | 'transfers'>): Committed {
  const ids = new Set<string>();
  const logged = new Map<string, { blade: string; sequence: number; at: number }[]>();
  for (const e of store.events) {
    const { blade, sequence } = e.data;
    if (e.type === 'workload.checkpointed' && typeof blade === 'string' && typeof sequence === 'number')
      logged.set(e.subject, [...(logged.get(e.subject) ?? []), { blade, sequence, at: e.at }]);
  }
  for (const t of store.transfers) {
    for (const s of t.steps) {
      if (s.status !== 'succeeded' || s.output === null) continue;
      const id = parseCheckpointId(s.output);
      if (id !== null) ids.add(id);
    }
  }
  return { ids, logged };
}

function parseCheckpointId(output: string): string | null {
  try {
    const value = JSON.parse(output) as { checkpoint?: { data?: unknown } } | null;
    const data = value?.checkpoint?.data;
    return typeof data === 'string' ? checkpointIdOf(data) : null;
  } catch {
    return null;
  }
}

/**
 * A workload's counter (its sequence) restarts after a stop neither ahead of where it stopped (a gap: state that
 * never existed) nor behind the newest checkpoint the controller had committed from before the stop (state lost
 * that had been saved). Live migration carries the counter by construction. A snapshot logged by the audit log counts
 * for the emulator's checkpoint of the same blade and sequence taken before it and before the workload's next start
 * (a later run can reach the same sequence again).
 */
export function counterViolations(history: readonly HistoryEntry[], committed: Committed): ChaosViolation[] {
  const starts = new Map<string, number[]>();
  for (const e of history) if (e.kind === 'started') starts.set(e.workload, [...(starts.get(e.workload) ?? []), e.at]);
  const isCommitted = (e: Extract<HistoryEntry, { kind: 'checkpoint' }>): boolean => {
    if (committed.ids.has(e.checkpoint)) return true;
    const nextStart = (starts.get(e.workload) ?? []).find((at) => at > e.at) ?? Infinity;
    return (committed.logged.get(e.workload) ?? []).some(
      (c) => c.blade === e.blade && c.sequence === e.sequence && c.at >= e.at && c.at < nextStart,
    );
  };
  const saved = new Map<string, number>();
  const stopped = new Map<string, { at: number; sequence: number; saved: number }>();
  const found: ChaosViolation[] = [];
  for (const e of history) {
    if (e.kind === 'checkpoint' && isCommitted(e)) {
      saved.set(e.workload, Math.max(saved.get(e.workload) ?? -1, e.sequence));
    } else if (e.kind === 'stopped') {
      stopped.set(e.workload, { at: e.at, sequence: e.sequence, saved: saved.get(e.workload) ?? -1 });
    } else if (e.kind === 'started') {
      const last = stopped.get(e.workload);
      stopped.delete(e.workload);
      if (last === undefined || e.how === 'initial') continue;
      if (e.sequence > last.sequence) {
        found.push({
          rule: 'counter',
          subject: e.workload,
          message: `${e.workload} ${e.how}d on ${e.blade} at sequence ${e.sequence}, ahead of ${last.sequence} where it stopped (a gap)`,
        });
      } else if (e.sequence < last.saved) {
        found.push({
          rule: 'counter',
          subject: e.workload,
          message: `${e.workload} ${e.how}d on ${e.blade} at sequence ${e.sequence}, behind its last committed checkpoint ${last.saved} (it stopped at ${last.sequence})`,
        });
      }
    }
  }
  return found;
}

/**
 * The audit log accounts for every transfer: each has its transfer.created event, and a done or aborted one once
 * closed; and every time the emulator saw a workload start or arrive on a blade after its first start, a transfer of
 * that workload to (or back to) that blade had been created before.
 */
export function auditViolations(
  history: readonly HistoryEntry[],
  transfers: readonly TransferRecord[],
  events: readonly AuditEvent[],
): ChaosViolation[] {
  const found: ChaosViolation[] = [];
  const byType = (type: string) => new Map(events.filter((e) => e.type === type).map((e) => [e.subject, e]));
  const created = byType('transfer.created');
  const done = byType('transfer.done');
  const aborted = byType('transfer.aborted');
  for (const t of transfers) {
    if (!created.has(t.id))
      found.push({
        rule: 'audit',
        subject: t.id,
        message: `transfer ${t.id} (${t.kind} of ${t.workload}) has no transfer.created event`,
      });
    if (t.status === 'done' && !done.has(t.id))
      found.push({
        rule: 'audit',
        subject: t.id,
        message: `transfer ${t.id} is done but the log has no transfer.done`,
      });
    if (t.status === 'aborted' && !aborted.has(t.id))
      found.push({
        rule: 'audit',
        subject: t.id,
        message: `transfer ${t.id} is aborted but the log has no transfer.aborted`,
      });
  }
  const createdAt = new Map<string, { workload: string; blades: readonly (string | null)[]; at: number }[]>();
  for (const t of transfers) {
    const at = created.get(t.id)?.at ?? t.createdAt;
    createdAt.set(t.workload, [
      ...(createdAt.get(t.workload) ?? []),
      { workload: t.workload, blades: [t.to, t.from], at },
    ]);
  }
  // A workload found down on a blade that looks well is restarted there without a transfer, after this event.
  const restarts = events.filter(
    (e) => e.type === 'workload.down' && (e.data as { action?: unknown }).action === 'restart',
  );
  const accounted = (workload: string, blade: string, at: number) =>
    (createdAt.get(workload) ?? []).some((t) => t.blades.includes(blade) && t.at <= at) ||
    restarts.some((e) => e.subject === workload && (e.data as { blade?: unknown }).blade === blade && e.at <= at);
  for (const e of history) {
    const arrival =
      e.kind === 'started' && e.how !== 'initial'
        ? { workload: e.workload, blade: e.blade }
        : e.kind === 'migrated'
          ? { workload: e.workload, blade: e.to }
          : null;
    if (arrival && !accounted(arrival.workload, arrival.blade, e.at)) {
      found.push({
        rule: 'audit',
        subject: arrival.workload,
        message: `${arrival.workload} arrived on ${arrival.blade} at ${e.at} with no transfer of it to that blade in the log`,
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
