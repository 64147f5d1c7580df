// The management-path invariant, over the emulator's own history: no workload is stopped, captured or moved by a
// failover while both its blade and the workload itself were healthy (blade powered, no hardware fault; workload
// running). A lost BMC, a password change, an Absent that contradicts PowerState On: none of them is a reason.
import type { HistoryEntry } from '../adapters/fake/world-state.js';
import type { AuditEvent, TransferRecord } from '../ports/store.js';
import type { ChaosViolation } from './invariants.js';

/**
 * How far before the controller failed a failover's source a hardware fault still explains it: the detector needs a
 * few observations of the fault (poll periods, flap damping, calls that time out) before it fails the blade.
 */
export const FAULT_LOOKBACK_MS = 3_000;

/** Spans of a blade's ill health, [from, to), from the emulator's record; `to` Infinity while it lasts. */
type Spans = { from: number; to: number }[];

/** When each blade was not healthy: its power lost, failed (until repaired), health critical, pulled. */
export function illHealth(history: readonly HistoryEntry[]): ReadonlyMap<string, Spans> {
  const spans = new Map<string, Spans>();
  const bad = new Map<string, { off: boolean; failed: boolean; critical: boolean }>();
  // A power-off someone asked for (a fence, a cascade's release) is no fault of the blade's; one nobody asked for is.
  const asked = new Set<string>();
  const facts = (blade: string) => {
    let f = bad.get(blade);
    if (!f) {
      f = { off: false, failed: false, critical: false };
      bad.set(blade, f);
    }
    return f;
  };
  const update = (
    blade: string,
    at: number,
    change: (f: { off: boolean; failed: boolean; critical: boolean }) => void,
  ) => {
    const f = facts(blade);
    const was = f.off || f.failed || f.critical;
    change(f);
    const is = f.off || f.failed || f.critical;
    const list = spans.get(blade) ?? [];
    spans.set(blade, list);
    if (!was && is) list.push({ from: at, to: Infinity });
    else if (was && !is) {
      const open = list.at(-1);
      if (open) open.to = at;
    }
  };
  for (const e of history) {
    switch (e.kind) {
      case 'blade-added':
        update(e.blade, e.at, (f) => {
          f.off = e.power === 'off';
          f.critical = e.health === 'critical';
          f.failed = false;
        });
        break;
      case 'power-requested':
        if (e.power === 'off') asked.add(e.blade);
        else asked.delete(e.blade);
        break;
      case 'outlet':
        if (e.power === 'off') asked.add(e.blade);
        break;
      case 'power-effective':
        if (e.power === 'off' && asked.delete(e.blade)) break;
        update(e.blade, e.at, (f) => {
          f.off = e.power === 'off';
        });
        break;
      case 'health':
        update(e.blade, e.at, (f) => {
          f.critical = e.health === 'critical';
        });
        break;
      case 'fault':
        // A power loss shows as power-effective off; a workload crash is the workload's, not the blade's.
        if (e.fault === 'fail' || e.fault === 'repair')
          update(e.blade, e.at, (f) => {
            f.failed = e.fault === 'fail';
          });
        else if (e.fault === 'power-loss')
          update(e.blade, e.at, (f) => {
            f.off = true;
          });
        break;
      default:
        break;
    }
  }
  return spans;
}

/** What took a workload off its blade: a stop for a capture, a power off or a storage fence, or a live migration. */
function disruption(e: HistoryEntry, workload: string, blade: string): boolean {
  if (e.kind === 'stopped')
    return e.workload === workload && e.blade === blade && e.why !== 'blade-failed' && e.why !== 'blade-removed';
  return e.kind === 'migrated' && e.workload === workload && e.from === blade;
}

/** The store's events the invariant reads: when the controller failed a blade, and when an operator undid that. */
export type BladeEvent = Pick<AuditEvent, 'at' | 'type' | 'subject'>;

/**
 * When the controller failed `blade` for the failover created at `createdAt`: its latest `blade.failed` at or before
 * then, unless a repair or a clear came after it; else the failover's creation. A failover waits for a standby
 * (an empty pool) for as long as it takes, so its creation can be long after the fault that caused it.
 */
export function failedAt(events: readonly BladeEvent[], blade: string, createdAt: number): number {
  let at: number | null = null;
  for (const e of events) {
    if (e.subject !== blade || e.at > createdAt) continue;
    if (e.type === 'blade.failed') at = e.at;
    else if ((e.type === 'blade.repaired' || e.type === 'blade.cleared') && at !== null && e.at >= at) at = null;
  }
  return at ?? createdAt;
}

/**
 * For every failover in the store, the emulator's first disruption of its workload on its source after the failover
 * was created and before the workload's next transfer (a failover that found its workload dead disrupts nothing, and
 * a later cascade that brought it back to the same blade and moved it away again is that cascade's doing); a
 * violation when the source had no ill health from FAULT_LOOKBACK_MS before the controller failed it
 * (failedAt) until that disruption (the workload ran there then, or it could not have been stopped). The controller's
 * events say only when it acted; whether the blade was ill is read from the emulator's history alone.
 */
export function healthyDisrupted(
  history: readonly HistoryEntry[],
  transfers: readonly TransferRecord[],
  events: readonly BladeEvent[] = [],
): ChaosViolation[] {
  const spans = illHealth(history);
  const found: ChaosViolation[] = [];
  for (const t of transfers) {
    if (t.kind !== 'failover' || t.from === null) continue;
    const from = t.from;
    const next = Math.min(
      ...transfers.filter((u) => u.workload === t.workload && u.createdAt > t.createdAt).map((u) => u.createdAt),
    );
    const hit = history.find((e) => e.at >= t.createdAt && e.at < next && disruption(e, t.workload, from));
    if (!hit) continue;
    const windowFrom = failedAt(events, from, t.createdAt) - FAULT_LOOKBACK_MS;
    const ill = (spans.get(from) ?? []).some((s) => s.from <= hit.at && s.to >= windowFrom);
    if (ill) continue;
    const what =
      hit.kind === 'migrated' ? `moved to ${hit.to}` : hit.kind === 'stopped' ? `stopped (${hit.why})` : hit.kind;
    found.push({
      rule: 'healthy-disrupted',
      subject: t.workload,
      message: `failover ${t.id}: ${t.workload} was ${what} on ${from} at ${hit.at}, while ${from} had been powered and free of hardware faults since ${windowFrom} and ${t.workload} ran there`,
    });
  }
  return found;
}
