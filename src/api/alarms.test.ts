// Alarms and the operator status over real HTTP: derived alarms raised and cleared as the data center changes,
// event-raised alarms projected, acknowledgement by an operator only, the gauges, and the workload-centred status.
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../orchestrator/testing/harness.js';
import { alarmEvent } from '../wire/alarms.js';
import type { OperatorStatus } from './operator-status.js';
import { apiHarness, type ApiHarness } from './testing/api-harness.js';

let t: ApiHarness | null = null;
afterEach(async () => {
  await t?.stop();
  t = null;
});

interface Alarm {
  id: string;
  kind: string;
  severity: string;
  message: string;
  acknowledgedBy: string | null;
  note: string | null;
  clearedAt: number | null;
  clearedBy: string | null;
}

const TWO_BLADES = {
  blades: [
    { id: 'A', resources: { memoryGiB: 64 }, location: { chassis: 'c1', slot: 1 } },
    { id: 'B', resources: { memoryGiB: 64 }, power: 'off' as const, location: { chassis: 'c1', slot: 2 } },
  ],
  workloads: [{ id: 'W1', requirements: { memoryGiB: 64 }, blade: 'A' }],
};

const alarms = async (h: ApiHarness, state = 'open'): Promise<Alarm[]> =>
  ((await h.request('GET', `/api/v1/alarms?state=${state}`, { as: 'viewer' })).body as { items: Alarm[] }).items;
const ids = async (h: ApiHarness, state = 'open'): Promise<string[]> =>
  (await alarms(h, state)).map((a) => a.id).sort();
const status = async (h: ApiHarness): Promise<OperatorStatus> =>
  (await h.request('GET', '/api/v1/status', { as: 'viewer' })).body as OperatorStatus;

describe('alarms', () => {
  it('are raised when the pool empties and a workload goes down, and cleared when a blade comes back', async () => {
    t = await apiHarness(TWO_BLADES, { emulator: true });
    await t.h.settle();
    expect(await ids(t)).toStrictEqual([]);
    expect((await status(t)).summary).toBe('OK: 1 workload(s) running');

    expect((await t.request('POST', '/api/v1/blades/A/fail', { as: 'operator' })).status).toBe(202);
    await t.h.settle();
    await eventually(async () => (await ids(t!)).includes('pool.empty/pool'), 5_000, 'pool.empty');

    expect((await t.request('POST', '/api/v1/blades/B/fail', { as: 'operator' })).status).toBe(202);
    await t.h.settle();
    await eventually(async () => (await ids(t!)).includes('workload.down/W1'), 5_000, 'workload.down');
    const down = (await alarms(t)).find((a) => a.id === 'workload.down/W1')!;
    expect(down).toMatchObject({ kind: 'workload.down', severity: 'critical' });

    const s = await status(t);
    expect(s.workloads).toMatchObject({ total: 1, running: 0, down: 1 });
    expect(s.down).toMatchObject([{ workload: 'W1', state: 'pending' }]);
    expect(s.down[0]!.since).not.toBeNull();
    expect(s.summary).toBe('DOWN: 1 of 1 workload(s) not running');
    expect(s.alarms.map((a) => a.id)).toStrictEqual(['workload.down/W1', 'pool.empty/pool']);

    const metrics = (await t.request('GET', '/metrics', { as: 'viewer' })).text;
    expect(metrics).toContain('cascade_open_alarms{kind="workload.down",severity="critical"} 1');
    expect(metrics).toContain('cascade_open_alarms{kind="pool.empty",severity="warning"} 1');
    expect(metrics).toContain('cascade_open_alarms{kind="fence.unconfirmed",severity="critical"} 0');

    // The hardware repaired: W1 is placed on A again, and both alarms clear, with who and when.
    expect((await t.request('POST', '/api/v1/emulator/blades/A/repair', { as: 'operator' })).status).toBe(200);
    await t.h.settle();
    await eventually(async () => !(await ids(t!)).includes('workload.down/W1'), 8_000, 'workload.down to clear');
    const all = await alarms(t, 'all');
    expect(all.find((a) => a.id === 'workload.down/W1')).toMatchObject({ clearedBy: 'controller' });
    expect(all.find((a) => a.id === 'workload.down/W1')!.clearedAt).not.toBeNull();
  });

  it('are acknowledged by an operator with a note, not by a viewer, and not once cleared', async () => {
    t = await apiHarness(TWO_BLADES, { emulator: true });
    await t.h.settle();
    await t.h.store.commit({
      events: [
        alarmEvent('alarm.raised', Date.now(), 'driver:redfish', 'enc-a', {
          kind: 'endpoint.unreachable',
          message: 'enc-a: connection refused',
        }),
      ],
    });
    await eventually(
      async () => (await ids(t!)).includes('endpoint.unreachable/enc-a'),
      5_000,
      'the event-raised alarm',
    );
    const path = `/api/v1/alarms/${encodeURIComponent('endpoint.unreachable/enc-a')}/acknowledge`;
    expect((await t.request('POST', path, { as: 'viewer' })).status).toBe(403);
    const acked = await t.request('POST', path, { as: 'operator', body: { note: 'cabling being checked' } });
    expect(acked.status).toBe(200);
    expect(acked.body).toMatchObject({
      acknowledgedBy: 'token:operator-1',
      note: 'cabling being checked',
      clearedAt: null,
    });
    const unacked = (await t.request('GET', '/metrics', { as: 'viewer' })).text;
    expect(unacked).toContain('cascade_unacknowledged_alarms{kind="endpoint.unreachable",severity="critical"} 0');
    expect(unacked).toContain('cascade_open_alarms{kind="endpoint.unreachable",severity="critical"} 1');

    // Derived alarms never clear what a detector raised; its own clear does.
    await t.h.store.commit({
      events: [
        alarmEvent('alarm.cleared', Date.now(), 'driver:redfish', 'enc-a', {
          kind: 'endpoint.unreachable',
          message: 'enc-a answers again',
        }),
      ],
    });
    await eventually(async () => !(await ids(t!)).includes('endpoint.unreachable/enc-a'), 5_000, 'the clear');
    expect((await t.request('POST', path, { as: 'operator' })).status).toBe(409);
    const unknown = await t.request('POST', `/api/v1/alarms/${encodeURIComponent('pool.empty/pool')}/acknowledge`, {
      as: 'operator',
    });
    expect(unknown.status).toBe(404);
    expect((await t.request('POST', '/api/v1/alarms/nonsense/acknowledge', { as: 'operator' })).body).toMatchObject({
      error: { field: 'params.id' },
    });
    const types = (
      (await t.request('GET', '/api/v1/events?after=0&limit=1000', { as: 'viewer' })).body as {
        items: { type: string; actor: string }[];
      }
    ).items.filter((e) => e.type.startsWith('alarm.'));
    expect(types).toContainEqual(expect.objectContaining({ type: 'alarm.acknowledged', actor: 'token:operator-1' }));
  });
});
