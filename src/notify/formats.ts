// What a destination receives for one audit event: Cascade's JSON body, Alertmanager's webhook body, or the
// environment of an alert script. Pure functions of the event (and, for alarms, the record it left).
import type { AuditEvent } from '../ports/store.js';

export interface Notice {
  readonly event: AuditEvent;
  /** For alarm events: the alarm's id, kind, severity and message, from the event itself. */
  readonly alarm: {
    readonly id: string;
    readonly kind: string;
    readonly severity: string;
    readonly message: string;
  } | null;
}

export function noticeOf(event: AuditEvent): Notice {
  const kind = event.data['kind'];
  const isAlarm = event.type.startsWith('alarm.') && typeof kind === 'string';
  const severity = event.data['severity'];
  const message = event.data['message'];
  return {
    event,
    alarm: isAlarm
      ? {
          id: `${kind}/${event.subject}`,
          kind,
          severity: typeof severity === 'string' ? severity : 'critical',
          message: typeof message === 'string' ? message : kind,
        }
      : null,
  };
}

/** firing, resolved or acknowledged, as an alarm's receiver thinks of it. */
export function statusOf(n: Notice): 'firing' | 'resolved' | 'acknowledged' | 'event' {
  if (n.event.type === 'alarm.raised') return 'firing';
  if (n.event.type === 'alarm.cleared') return 'resolved';
  if (n.event.type === 'alarm.acknowledged') return 'acknowledged';
  return 'event';
}

export function jsonBody(n: Notice): unknown {
  const { seq, at, type, actor, subject, data } = n.event;
  return {
    source: 'cascade',
    status: statusOf(n),
    event: { seq, at: new Date(at).toISOString(), type, actor, subject, data },
    alarm: n.alarm,
  };
}

/**
 * Alertmanager's webhook_config body (version 4), one alert per notice. An acknowledgement is not a state
 * Alertmanager knows: it goes out as still firing, with the acknowledgement in an annotation.
 */
export function alertmanagerBody(n: Notice, receiver: string): unknown {
  const status = statusOf(n) === 'resolved' ? 'resolved' : 'firing';
  const labels = {
    alertname: n.alarm?.kind ?? n.event.type,
    subject: n.event.subject,
    severity: n.alarm?.severity ?? 'info',
    source: 'cascade',
  };
  const annotations: Record<string, string> = {
    summary: n.alarm?.message ?? n.event.type,
    event: n.event.type,
    actor: n.event.actor,
  };
  if (n.event.type === 'alarm.acknowledged') annotations['acknowledged_by'] = n.event.actor;
  const at = new Date(n.event.at).toISOString();
  const alert = {
    status,
    labels,
    annotations,
    startsAt: status === 'firing' ? at : '0001-01-01T00:00:00Z',
    endsAt: status === 'resolved' ? at : '0001-01-01T00:00:00Z',
    generatorURL: '',
    fingerprint: fingerprint(`${labels.alertname}/${labels.subject}`),
  };
  return {
    version: '4',
    groupKey: `{}:{alertname="${labels.alertname}", subject="${labels.subject}"}`,
    truncatedAlerts: 0,
    status,
    receiver,
    groupLabels: { alertname: labels.alertname, subject: labels.subject },
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: '',
    alerts: [alert],
  };
}

/** The environment of an alert script, named as Pacemaker names its CRM_alert_* variables. */
export function scriptEnvironment(n: Notice, recipient: string | undefined): Record<string, string> {
  return {
    CASCADE_alert_version: '1',
    CASCADE_alert_kind: n.event.type,
    CASCADE_alert_status: statusOf(n),
    CASCADE_alert_seq: String(n.event.seq),
    CASCADE_alert_timestamp: new Date(n.event.at).toISOString(),
    CASCADE_alert_timestamp_epoch: String(Math.floor(n.event.at / 1000)),
    CASCADE_alert_actor: n.event.actor,
    CASCADE_alert_subject: n.event.subject,
    CASCADE_alert_alarm: n.alarm?.id ?? '',
    CASCADE_alert_alarm_kind: n.alarm?.kind ?? '',
    CASCADE_alert_severity: n.alarm?.severity ?? '',
    CASCADE_alert_desc: n.alarm?.message ?? n.event.type,
    CASCADE_alert_recipient: recipient ?? '',
  };
}

/** 16 hex digits, stable per alarm: FNV-1a 64. */
function fingerprint(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text)) h = BigInt.asUintN(64, (h ^ BigInt(byte)) * 0x100000001b3n);
  return h.toString(16).padStart(16, '0');
}
