// The alarm record an `alarm.*` audit event leaves: a pure fold of the log, so any process may replay it.
import type { AlarmRecord, AuditEvent } from '../ports/store.js';
import { alarmId, isAlarmKind, type AlarmSeverity } from '../wire/alarms.js';

/** How severe a kind is when its event does not say. */
const DEFAULT_SEVERITY: Readonly<Record<string, AlarmSeverity>> = {
  'blade.suspect': 'warning',
  'pool.empty': 'warning',
  'transfer.stuck': 'warning',
};

export function isAlarmEvent(e: AuditEvent): boolean {
  return e.type === 'alarm.raised' || e.type === 'alarm.cleared' || e.type === 'alarm.acknowledged';
}

/** The id an alarm event is about, or null when it is not one this version understands. */
export function alarmIdOf(e: AuditEvent): string | null {
  const kind = e.data['kind'];
  return isAlarmEvent(e) && typeof kind === 'string' && isAlarmKind(kind) ? alarmId(kind, e.subject) : null;
}

/** The record after `e`; `current` unchanged when the event does not apply (already applied, or nothing open). */
export function applyAlarmEvent(current: AlarmRecord | null, e: AuditEvent): AlarmRecord | null {
  const kind = e.data['kind'];
  if (!isAlarmEvent(e) || typeof kind !== 'string' || !isAlarmKind(kind)) return current;
  if (current !== null && e.seq <= current.seq) return current;
  const message = typeof e.data['message'] === 'string' ? e.data['message'] : kind;
  const severity =
    e.data['severity'] === 'warning' || e.data['severity'] === 'critical'
      ? e.data['severity']
      : (DEFAULT_SEVERITY[kind] ?? 'critical');
  const open = current !== null && current.clearedAt === null;
  if (e.type === 'alarm.raised') {
    // Raised again while open: the newest message, the first time.
    if (open) return { ...current, message, severity, seq: e.seq };
    return {
      id: alarmId(kind, e.subject),
      kind,
      subject: e.subject,
      severity,
      message,
      raisedAt: e.at,
      raisedBy: e.actor,
      acknowledgedAt: null,
      acknowledgedBy: null,
      note: null,
      clearedAt: null,
      clearedBy: null,
      seq: e.seq,
    };
  }
  if (!open) return current;
  if (e.type === 'alarm.acknowledged') {
    const note = typeof e.data['note'] === 'string' ? e.data['note'] : null;
    return { ...current, acknowledgedAt: e.at, acknowledgedBy: e.actor, note, seq: e.seq };
  }
  return { ...current, clearedAt: e.at, clearedBy: e.actor, seq: e.seq };
}
