// Alarm records as the API shows them, and the shapes of the alarm and status routes.
import { z } from 'zod';
import type { AlarmRecord } from '../ports/store.js';
import { ALARM_KINDS, type AlarmView } from '../wire/alarms.js';

export const alarmView = z.object({
  id: z.string(),
  kind: z.enum(ALARM_KINDS),
  subject: z.string(),
  severity: z.enum(['critical', 'warning']),
  message: z.string(),
  raisedAt: z.number(),
  raisedBy: z.string(),
  acknowledgedAt: z.number().nullable(),
  acknowledgedBy: z.string().nullable(),
  note: z.string().nullable(),
  clearedAt: z.number().nullable(),
  clearedBy: z.string().nullable(),
});

export type AlarmRecordView = AlarmView & z.infer<typeof alarmView>;

export const alarmQuery = z.strictObject({
  /** open (the default): not cleared; all: the cleared ones too, each condition's latest occurrence. */
  state: z.enum(['open', 'all'], { error: 'expected open or all' }).default('open'),
});

/** `${kind}/${subject}`, percent-encoded in the path (the slash as %2F). */
export const alarmParams = z.strictObject({
  id: z
    .string()
    .min(3, { error: 'expected an alarm id such as pool.empty/pool' })
    .max(300, { error: 'expected at most 300 characters' })
    .regex(/^[a-z]+\.[a-z]+\/.+$/, { error: 'expected an alarm id such as pool.empty/pool' }),
});

export const acknowledgeBody = z.strictObject({
  note: z.string({ error: 'expected a string' }).max(500, { error: 'expected at most 500 characters' }).optional(),
});

export function toAlarmView(a: AlarmRecord): AlarmRecordView {
  const { seq: _seq, ...view } = a;
  return view;
}

/** Critical first, then the unacknowledged, then the oldest: the order a person should read them in. */
export function byUrgency(a: AlarmRecord, b: AlarmRecord): number {
  if (a.severity !== b.severity) return a.severity === 'critical' ? -1 : 1;
  if ((a.acknowledgedAt === null) !== (b.acknowledgedAt === null)) return a.acknowledgedAt === null ? -1 : 1;
  return a.raisedAt - b.raisedAt || (a.id < b.id ? -1 : 1);
}
