// Alarm records to and from rows, for both engines: the columns in one order, each read back checked.
import { z } from 'zod';
import type { AlarmRecord } from '../ports/store.js';
import { ALARM_KINDS } from '../wire/alarms.js';

export const ALARM_COLUMNS =
  'id, kind, subject, severity, message, raised_at, raised_by, acknowledged_at, acknowledged_by, note, cleared_at, cleared_by, seq';

/**
 * The upsert, with `?` (SQLite) or `$n` (PostgreSQL) placeholders. A row changes only for a newer event
 * (higher seq): two processes projecting the same log can never move a record back.
 */
export function upsertAlarmSql(placeholder: (n: number) => string): string {
  const columns = ALARM_COLUMNS.split(', ');
  const values = columns.map((_, i) => placeholder(i + 1)).join(', ');
  const updates = columns
    .filter((c) => c !== 'id')
    .map((c) => `${c} = excluded.${c}`)
    .join(', ');
  return `INSERT INTO alarms (${ALARM_COLUMNS}) VALUES (${values}) ON CONFLICT (id) DO UPDATE SET ${updates} WHERE excluded.seq > alarms.seq`;
}

export function alarmParams(a: AlarmRecord): unknown[] {
  return [
    a.id,
    a.kind,
    a.subject,
    a.severity,
    a.message,
    a.raisedAt,
    a.raisedBy,
    a.acknowledgedAt,
    a.acknowledgedBy,
    a.note,
    a.clearedAt,
    a.clearedBy,
    a.seq,
  ];
}

const alarmRow = z.object({
  id: z.string(),
  kind: z.enum(ALARM_KINDS),
  subject: z.string(),
  severity: z.enum(['critical', 'warning']),
  message: z.string(),
  raised_at: z.number(),
  raised_by: z.string(),
  acknowledged_at: z.number().nullable(),
  acknowledged_by: z.string().nullable(),
  note: z.string().nullable(),
  cleared_at: z.number().nullable(),
  cleared_by: z.string().nullable(),
  seq: z.number(),
});

export function toAlarm(row: unknown): AlarmRecord {
  const r = alarmRow.parse(row);
  return {
    id: r.id,
    kind: r.kind,
    subject: r.subject,
    severity: r.severity,
    message: r.message,
    raisedAt: r.raised_at,
    raisedBy: r.raised_by,
    acknowledgedAt: r.acknowledged_at,
    acknowledgedBy: r.acknowledged_by,
    note: r.note,
    clearedAt: r.cleared_at,
    clearedBy: r.cleared_by,
    seq: r.seq,
  };
}

export const ALARMS_SQL = `SELECT ${ALARM_COLUMNS} FROM alarms ORDER BY raised_at, id`;
export const OPEN_ALARMS_SQL = `SELECT ${ALARM_COLUMNS} FROM alarms WHERE cleared_at IS NULL ORDER BY raised_at, id`;
