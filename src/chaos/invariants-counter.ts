// The chaos run's counter invariant: a workload restarts at neither a gap nor lost state, against the checkpoints
// the controller committed.
import { checkpointIdOf } from '../adapters/fake/world-core.js';
import type { HistoryEntry } from '../adapters/fake/world-state.js';
import type { ChaosViolation, StoreRecords } from './invariants.js';

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
