// Alarms: conditions an operator must see and act on, shared by the code that detects them, the alarm
// records, the API, the CLI, the dashboard and the notifications.
//
// An alarm is identified by its kind and subject. Code that notices a condition through an event rather than
// through stored state (an endpoint that stopped answering, a refused login, a lost lease) appends
// `alarm.raised` when it begins and `alarm.cleared` when it ends, with `alarmEvent`. Conditions that stored
// state shows by itself (an empty pool, a waiting fence, a stuck transfer) are derived from that state.
import type { NewAuditEvent } from '../ports/store.js';

export const ALARM_KINDS = [
  /** subject: a transfer id. A failover waits because no fencing level confirmed its source is off. */
  'fence.unconfirmed',
  /** subject: an endpoint name. The whole management service of an endpoint stopped answering. */
  'endpoint.unreachable',
  /** subject: an endpoint name. Authentication was refused after a fresh login. */
  'credentials.refused',
  /** subject: a blade id. The blade's management path is lost while nothing says it is down. */
  'blade.suspect',
  /** subject: "pool". No standby blade can take a workload. */
  'pool.empty',
  /** subject: a workload id. The workload runs nowhere: pending, or failing over. */
  'workload.down',
  /** subject: a workload id. No blade can take the workload. */
  'workload.unplaceable',
  /** subject: a transfer id. A transfer has been on one step for longer than its threshold. */
  'transfer.stuck',
  /** subject: the controller's identity. This controller lost its leadership lease. */
  'leadership.lost',
  /** subject: a blade id. A blade fenced without a power cut shows an old copy and could not be powered off. */
  'blade.leftover-copy',
] as const;

export type AlarmKind = (typeof ALARM_KINDS)[number];

export type AlarmSeverity = 'critical' | 'warning';

export const ALARM_EVENT_TYPES = ['alarm.raised', 'alarm.cleared', 'alarm.acknowledged'] as const;
export type AlarmEventType = (typeof ALARM_EVENT_TYPES)[number];

/** The `data` of an `alarm.*` audit event; the event's `subject` is the alarm's subject. */
export interface AlarmEventData {
  readonly kind: AlarmKind;
  /** What a person reads: what is wrong and, where known, what to do ("endpoint enc-a: connection refused"). */
  readonly message: string;
  readonly severity?: AlarmSeverity;
  /** For `alarm.acknowledged`: the operator's note. */
  readonly note?: string;
}

/** One alarm as the API and its readers see it. */
export interface AlarmView {
  /** `${kind}/${subject}`: stable while the condition lasts. */
  readonly id: string;
  readonly kind: AlarmKind;
  readonly subject: string;
  readonly severity: AlarmSeverity;
  readonly message: string;
  readonly raisedAt: number;
  readonly acknowledgedAt: number | null;
  readonly acknowledgedBy: string | null;
  readonly clearedAt: number | null;
}

export function alarmId(kind: AlarmKind, subject: string): string {
  return `${kind}/${subject}`;
}

export function isAlarmKind(kind: string): kind is AlarmKind {
  return (ALARM_KINDS as readonly string[]).includes(kind);
}

/** The audit event that raises, clears or acknowledges an alarm. */
export function alarmEvent(
  type: AlarmEventType,
  at: number,
  actor: string,
  subject: string,
  data: AlarmEventData,
): NewAuditEvent {
  return { at, actor, type, subject, data: { ...data } };
}
