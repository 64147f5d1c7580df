// The chaos run's audit invariant: the log accounts for every transfer and for every arrival of a workload on a blade.
import type { HistoryEntry } from '../adapters/fake/world-state.js';
import type { AuditEvent, TransferRecord } from '../ports/store.js';
import type { ChaosViolation } from './invariants.js';

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
