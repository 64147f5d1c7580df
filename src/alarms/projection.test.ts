// The alarm record each alarm event leaves: raised, acknowledged, cleared, and raised again.
import { describe, expect, it } from 'vitest';
import type { AlarmRecord, AuditEvent } from '../ports/store.js';
import { applyAlarmEvent } from './projection.js';

let seq = 0;
const ev = (type: string, data: Record<string, unknown>, actor = 'controller', subject = 'pool'): AuditEvent => ({
  seq: ++seq,
  at: seq * 10,
  actor,
  type,
  subject,
  data,
});
const fold = (events: AuditEvent[]): AlarmRecord | null =>
  events.reduce<AlarmRecord | null>((r, e) => applyAlarmEvent(r, e), null);

describe('the alarm record an event leaves', () => {
  it('is raised, acknowledged and cleared with who and when', () => {
    const raised = ev('alarm.raised', { kind: 'pool.empty', message: 'no spare' });
    const acked = ev(
      'alarm.acknowledged',
      { kind: 'pool.empty', message: 'no spare', note: 'ordering two' },
      'token:alice',
    );
    const cleared = ev('alarm.cleared', { kind: 'pool.empty', message: 'no spare (resolved)' });
    expect(fold([raised, acked, cleared])).toStrictEqual({
      id: 'pool.empty/pool',
      kind: 'pool.empty',
      subject: 'pool',
      severity: 'warning',
      message: 'no spare',
      raisedAt: raised.at,
      raisedBy: 'controller',
      acknowledgedAt: acked.at,
      acknowledgedBy: 'token:alice',
      note: 'ordering two',
      clearedAt: cleared.at,
      clearedBy: 'controller',
      seq: cleared.seq,
    });
  });

  it('starts over when raised again after a clear, and keeps its first time when raised again while open', () => {
    const first = ev(
      'alarm.raised',
      { kind: 'endpoint.unreachable', message: 'enc-a: refused' },
      'driver:redfish',
      'enc-a',
    );
    const again = ev(
      'alarm.raised',
      { kind: 'endpoint.unreachable', message: 'enc-a: timeout', severity: 'warning' },
      'driver:redfish',
      'enc-a',
    );
    const open = fold([first, again]);
    expect(open).toMatchObject({ raisedAt: first.at, message: 'enc-a: timeout', severity: 'warning', seq: again.seq });
    const cleared = ev('alarm.cleared', { kind: 'endpoint.unreachable', message: 'ok' }, 'driver:redfish', 'enc-a');
    const later = ev(
      'alarm.raised',
      { kind: 'endpoint.unreachable', message: 'enc-a: refused' },
      'driver:redfish',
      'enc-a',
    );
    expect(fold([first, cleared, later])).toMatchObject({ raisedAt: later.at, clearedAt: null, severity: 'critical' });
  });

  it('ignores an event it applied already, an acknowledgement of nothing open, and unknown kinds', () => {
    const raised = ev('alarm.raised', { kind: 'pool.empty', message: 'x' });
    const record = applyAlarmEvent(null, raised);
    expect(applyAlarmEvent(record, raised)).toBe(record);
    expect(applyAlarmEvent(null, ev('alarm.acknowledged', { kind: 'pool.empty', message: 'x' }))).toBeNull();
    expect(applyAlarmEvent(null, ev('alarm.raised', { kind: 'disk.full', message: 'x' }))).toBeNull();
    expect(applyAlarmEvent(record, ev('blade.failed', { kind: 'pool.empty' }))).toBe(record);
  });
});
