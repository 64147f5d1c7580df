// Store contract, part four: alarm records round-trip, upsert by id, filter the open ones, and commit atomically.
import { describe, expect, it } from 'vitest';
import type { AlarmRecord } from '../ports/store.js';
import type { ContractContext } from './store-contract.js';
import { T0, event } from './store-contract-records.js';

export function alarm(id: string, overrides: Partial<AlarmRecord> = {}): AlarmRecord {
  return {
    id,
    kind: 'pool.empty',
    subject: 'pool',
    severity: 'warning',
    message: 'no standby blade: a failure now leaves its workload down 🔥',
    raisedAt: T0,
    raisedBy: 'controller',
    acknowledgedAt: null,
    acknowledgedBy: null,
    note: null,
    clearedAt: null,
    clearedBy: null,
    seq: 1,
    ...overrides,
  };
}

export function alarmContract(context: ContractContext): void {
  describe('alarms', () => {
    it('start empty, round-trip exactly, sorted by raisedAt then id', async () => {
      const store = context.store();
      expect(await store.alarms()).toStrictEqual([]);
      expect(await store.alarm('pool.empty/pool')).toBeNull();
      const records = [
        alarm('transfer.stuck/T2', { kind: 'transfer.stuck', subject: 'T2', raisedAt: T0 + 5, seq: 4 }),
        alarm('pool.empty/pool', {
          acknowledgedAt: T0 + 1,
          acknowledgedBy: 'token:alice',
          note: 'ordering spares',
          seq: 3,
        }),
        alarm('fence.unconfirmed/T1', {
          kind: 'fence.unconfirmed',
          subject: 'T1',
          severity: 'critical',
          clearedAt: T0 + 9,
          clearedBy: 'controller',
          seq: 9,
        }),
      ];
      await store.commit({ alarms: records });
      expect((await store.alarms()).map((a) => a.id)).toStrictEqual([
        'fence.unconfirmed/T1',
        'pool.empty/pool',
        'transfer.stuck/T2',
      ]);
      for (const record of records) expect(await store.alarm(record.id)).toStrictEqual(record);
    });

    it('filter the open ones (not cleared) with open: true', async () => {
      const store = context.store();
      await store.commit({ alarms: [alarm('a/1'), alarm('b/2', { clearedAt: T0 + 1, clearedBy: 'controller' })] });
      expect((await store.alarms({ open: true })).map((a) => a.id)).toStrictEqual(['a/1']);
      expect((await store.alarms({ open: false })).map((a) => a.id)).toStrictEqual(['a/1', 'b/2']);
    });

    it('are replaced by an upsert: an acknowledgement and a clear stick', async () => {
      const store = context.store();
      await store.commit({ alarms: [alarm('pool.empty/pool')] });
      const acked = alarm('pool.empty/pool', { acknowledgedAt: T0 + 2, acknowledgedBy: 'token:bob', seq: 2 });
      await store.commit({ alarms: [acked] });
      expect(await store.alarm('pool.empty/pool')).toStrictEqual(acked);
      const cleared = { ...acked, clearedAt: T0 + 3, clearedBy: 'controller', seq: 3 };
      await store.commit({ alarms: [cleared] });
      expect(await store.alarms()).toStrictEqual([cleared]);
      expect(await store.alarms({ open: true })).toStrictEqual([]);
    });

    it('keep the newer record when an upsert carries an older seq', async () => {
      const store = context.store();
      const newer = alarm('pool.empty/pool', { clearedAt: T0 + 5, clearedBy: 'controller', seq: 7 });
      await store.commit({ alarms: [newer] });
      await store.commit({ alarms: [alarm('pool.empty/pool', { seq: 6 })] });
      expect(await store.alarm('pool.empty/pool')).toStrictEqual(newer);
    });

    it('commit with their events or not at all', async () => {
      const store = context.store();
      const bad = alarm('x/1', { severity: 'fatal' as AlarmRecord['severity'] });
      await expect(store.commit({ events: [event(1)], alarms: [alarm('ok/1'), bad] })).rejects.toThrow();
      expect(await store.alarms()).toStrictEqual([]);
      expect(await store.events(0, 10)).toStrictEqual([]);
    });
  });
}
