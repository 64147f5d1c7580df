// An alarm as the store keeps it: the projection of its `alarm.*` audit events (src/wire/alarms.ts).
import type { AlarmKind, AlarmSeverity } from '../wire/alarms.js';

export interface AlarmRecord {
  /** `${kind}/${subject}` (alarmId): one record per condition; raised again after a clear, it starts over. */
  readonly id: string;
  readonly kind: AlarmKind;
  readonly subject: string;
  readonly severity: AlarmSeverity;
  readonly message: string;
  readonly raisedAt: number;
  /** The actor of the `alarm.raised` event ("controller", "driver:redfish"). */
  readonly raisedBy: string;
  readonly acknowledgedAt: number | null;
  readonly acknowledgedBy: string | null;
  /** The operator's note with the acknowledgement. */
  readonly note: string | null;
  readonly clearedAt: number | null;
  readonly clearedBy: string | null;
  /** The seq of the last audit event applied to the record: the projection never applies one twice. */
  readonly seq: number;
}
