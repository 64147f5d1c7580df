// Failure detection through the real Redfish driver against the emulator, with the emulator's faults: a management
// path that fails is never a workload outage; a definitive signal fails a blade over at once. Times are scaled down
// (failAfterMs 100 ms): the outage lasts fifteen failure windows before it ends, as 60 s does 10 s.
import { afterEach, describe, expect, it } from 'vitest';
import {
  alarms,
  RIG_DETECTION,
  disturbed,
  inject,
  startRedfishRig,
  TWO_ACTIVE_ONE_STANDBY,
  verdictOf,
  type RedfishRig,
} from './testing/redfish-rig.js';
import type { FakeBladeSpec, FakeWorkloadSpec } from '../adapters/fake/index.js';
import { eventually } from '../ports/contract-support.js';

type Rig = RedfishRig;

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.stop();
  rig = null;
});

async function start(blades: FakeBladeSpec[], workloads: FakeWorkloadSpec[], powerDelayMs = 5): Promise<Rig> {
  rig = await startRedfishRig(blades, workloads, { powerDelayMs });
  return rig;
}

const twoActiveOneStandby = (): Promise<Rig> => start(...structuredClone(TWO_ACTIVE_ONE_STANDBY));

describe('failure detection over Redfish', () => {
  it('a whole-service outage: one endpoint alarm, blades suspect, nothing moves, all back to normal on its own', async () => {
    const r = await twoActiveOneStandby();
    await eventually(
      () => verdictOf(r, 'b3'),
      (v) => v === 'healthy',
      5_000,
      'b3 observed',
    );
    r.emulator.faults.service.outage(60_000);
    await eventually(
      () => alarms(r, 'alarm.raised', 'endpoint.unreachable'),
      (a) => a.length > 0,
      5_000,
      'the endpoint alarm',
    );
    for (const b of ['b1', 'b2', 'b3'])
      await eventually(
        () => verdictOf(r, b),
        (v) => v === 'suspect',
        5_000,
        `${b} suspect`,
      );
    // The outage goes on for many failure windows (and past the suspect alarm's delay) before the service returns.
    await new Promise((resolve) => setTimeout(resolve, 15 * RIG_DETECTION.failAfterMs));
    expect((await r.store.blades()).map((b) => b.verdict)).toEqual(['suspect', 'suspect', 'suspect']);
    r.emulator.faults.service.restore();
    await eventually(
      () => alarms(r, 'alarm.cleared', 'endpoint.unreachable'),
      (a) => a.length > 0,
      10_000,
      'the alarm cleared',
    );
    for (const b of ['b1', 'b2', 'b3'])
      await eventually(
        () => verdictOf(r, b),
        (v) => v === 'healthy',
        5_000,
        `${b} healthy again`,
      );
    expect(await r.store.transfers()).toEqual([]);
    expect(disturbed(r, 'W1')).toEqual([]);
    expect(disturbed(r, 'W2')).toEqual([]);
    expect(r.world.runningOn('W1')).toEqual(['b1']);
    expect(await alarms(r, 'alarm.raised', 'endpoint.unreachable')).toHaveLength(1);
    expect(await alarms(r, 'alarm.raised', 'blade.suspect')).toEqual([]);
    expect((await r.store.blades()).map((b) => b.state)).toEqual(['active', 'active', 'standby']);
  });

  it('a changed BMC password: one credentials alarm, nothing moves; fixing the BMC clears it', async () => {
    const r = await twoActiveOneStandby();
    await eventually(
      () => verdictOf(r, 'b1'),
      (v) => v === 'healthy',
      5_000,
      'b1 observed',
    );
    r.emulator.faults.service.changePassword('rotated');
    await eventually(
      () => alarms(r, 'alarm.raised', 'credentials.refused'),
      (a) => a.length > 0,
      5_000,
      'the credentials alarm',
    );
    for (const b of ['b1', 'b2', 'b3'])
      await eventually(
        () => verdictOf(r, b),
        (v) => v === 'credentials',
        5_000,
        `${b} credentials`,
      );
    expect((await r.store.blades()).map((b) => [b.state, b.power])).toEqual([
      ['active', 'on'],
      ['active', 'on'],
      ['standby', 'off'],
    ]);
    r.emulator.faults.service.changePassword('secret-d');
    await eventually(
      () => alarms(r, 'alarm.cleared', 'credentials.refused'),
      (a) => a.length > 0,
      5_000,
      'the alarm cleared',
    );
    await eventually(
      () => verdictOf(r, 'b1'),
      (v) => v === 'healthy',
      5_000,
      'b1 healthy again',
    );
    expect(await alarms(r, 'alarm.raised', 'credentials.refused')).toHaveLength(1);
    expect(await r.store.transfers()).toEqual([]);
    expect(disturbed(r, 'W1')).toEqual([]);
  });

  it('a blade reported Absent is never a target; an active one fails over at once', async () => {
    const r = await start(
      [
        { id: 'b1', resources: { memoryGiB: 64 } },
        { id: 'b3', resources: { memoryGiB: 64 }, power: 'off' },
        { id: 'b4', resources: { memoryGiB: 96 }, power: 'off' },
      ],
      [{ id: 'W1', requirements: { memoryGiB: 64 }, blade: 'b1' }],
    );
    inject(r, 'b3', { kind: 'state', state: 'Absent', contradictory: false });
    await eventually(
      () => r.store.blade('b3'),
      (b) => b?.state === 'failed',
      5_000,
      'b3 out of the pool',
    );
    expect(await r.store.blade('b3')).toMatchObject({ verdict: 'failed', verdictReason: 'State Absent' });
    inject(r, 'b1', { kind: 'state', state: 'Absent', contradictory: false });
    await eventually(
      () => r.store.workload('W1'),
      (w) => w?.state === 'running' && w.blade === 'b4',
      10_000,
      'W1 on b4',
    );
    const transfers = await r.store.transfers();
    expect(transfers.map((t) => [t.kind, t.from, t.to, t.status])).toEqual([['failover', 'b1', 'b4', 'done']]);
    expect(r.world.runningOn('W1')).toEqual(['b4']);
  });

  it('a reply that contradicts itself (PowerState On, State Absent) is suspect: nothing moves', async () => {
    const r = await twoActiveOneStandby();
    inject(r, 'b1', { kind: 'state', state: 'Absent', contradictory: true });
    await eventually(
      () => r.store.blade('b1'),
      (b) => b?.verdict === 'suspect',
      5_000,
      'b1 suspect',
    );
    expect((await r.store.blade('b1'))?.verdictReason).toBe('contradictory reply: PowerState On and State Absent');
    await eventually(
      () => alarms(r, 'alarm.raised', 'blade.suspect'),
      (a) => a.length > 0,
      5_000,
      'the suspect alarm',
    );
    expect(await r.store.transfers()).toEqual([]);
    expect(disturbed(r, 'W1')).toEqual([]);
    expect((await r.store.blade('b1'))?.state).toBe('active');
  });

  it('blade clear forgets a stale verdict; the next observation decides afresh', async () => {
    const r = await twoActiveOneStandby();
    inject(r, 'b3', { kind: 'network-loss', hang: false });
    await eventually(
      () => verdictOf(r, 'b3'),
      (v) => v === 'suspect',
      5_000,
      'b3 suspect',
    );
    r.world.setReachable('b3', true);
    await r.controller.clearBlade('b3', 'the BMC was reset', 'operator:ana');
    expect((await r.events()).find((e) => e.type === 'blade.cleared')).toMatchObject({
      actor: 'operator:ana',
      subject: 'b3',
      data: { reason: 'the BMC was reset', verdict: 'suspect' },
    });
    await eventually(
      () => verdictOf(r, 'b3'),
      (v) => v === 'healthy',
      5_000,
      'b3 healthy',
    );
    await expect(r.controller.clearBlade('nope', 'x', 'operator:ana')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('BMC hung and workload alive: nothing moves, an alarm', async () => {
    const r = await twoActiveOneStandby();
    inject(r, 'b1', { kind: 'network-loss', hang: true });
    await eventually(
      () => alarms(r, 'alarm.raised', 'blade.suspect'),
      (a) => a.some((e) => e.subject === 'b1'),
      5_000,
      'the alarm on b1',
    );
    expect((await r.store.blade('b1'))?.verdict).toBe('suspect');
    expect(await r.store.transfers()).toEqual([]);
    expect(disturbed(r, 'W1')).toEqual([]);
    expect(r.world.runningOn('W1')).toEqual(['b1']);
  });

  it('BMC hung and workload dead for failAfterMs: a failover waits on the fence with an alarm; fence confirm completes it', async () => {
    const r = await twoActiveOneStandby();
    inject(r, 'b1', { kind: 'network-loss', hang: true });
    inject(r, 'b1', { kind: 'power-loss' });
    await eventually(
      () => r.store.blade('b1'),
      (b) => b?.state === 'failed',
      5_000,
      'b1 failed',
    );
    expect((await r.store.blade('b1'))?.verdictReason).toMatch(/management path: .*; and .*W1 has no heartbeat/);
    await eventually(
      () => r.store.transfers({ open: true }),
      (t) => t.some((x) => x.status === 'waiting'),
      20_000,
      'the failover waits',
    );
    expect(r.world.runningOn('W1')).toEqual([]);
    expect(r.world.blade('b3')?.power).toBe('off');
    expect((await r.events()).some((e) => e.type === 'alert')).toBe(true);

    // The operator checked that b1 is off: on that word the failover proceeds and completes.
    await r.controller.confirmFence('b1', 'checked at the rack: b1 is dark', 'operator:ana');
    await eventually(
      () => r.store.workload('W1'),
      (w) => w?.state === 'running' && w.blade === 'b3',
      20_000,
      'W1 on b3',
    );
    const [t] = await r.store.transfers();
    const fence = t!.steps.filter((s) => s.name === 'fence').at(-1)!;
    expect(fence.status).toBe('succeeded');
    expect(JSON.parse(fence.output!)).toMatchObject({
      fence: { level: 'operator', by: 'operator:ana', reason: 'checked at the rack: b1 is dark' },
    });
    const confirmed = (await r.events()).find((e) => e.type === 'fence.confirmed');
    expect(confirmed).toMatchObject({
      actor: 'operator:ana',
      subject: 'b1',
      data: { reason: 'checked at the rack: b1 is dark' },
    });
    expect(r.world.runningOn('W1')).toEqual(['b3']);
  });

  it('a blade that dies during a drain: a failover within seconds, never a rollback onto the dead blade', async () => {
    // The target's power-on takes a while: the drain is still preparing it when its source dies.
    const r = await start(
      [
        { id: 'b1', resources: { memoryGiB: 64 } },
        { id: 'b3', resources: { memoryGiB: 64 }, power: 'off' },
      ],
      [{ id: 'W1', requirements: { memoryGiB: 64 }, blade: 'b1' }],
      300,
    );
    await eventually(
      () => verdictOf(r, 'b3'),
      (v) => v === 'healthy',
      5_000,
      'b3 observed',
    );
    await r.controller.maintenance('b1', true, 'operator:ana');
    const [drain] = await eventually(
      () => r.store.transfers({ open: true }),
      (open) => open.length > 0,
      5_000,
      'the drain started',
    );
    expect(drain).toMatchObject({ kind: 'cascade', from: 'b1', to: 'b3' });
    r.world.failBlade('b1');
    const failover = await eventually(
      async () => (await r.store.transfers()).find((t) => t.kind === 'failover' && t.status === 'done'),
      (t) => t !== undefined,
      10_000,
      'a failover from b1 done',
    );
    expect(failover).toMatchObject({ from: 'b1', to: 'b3' });
    expect(await r.store.transfer(drain!.id)).toMatchObject({ status: 'aborted' });
    // No rollback onto the dead source, let alone a loop of them; W1 runs once, on b3.
    const rollbacks = (await r.store.transfers()).flatMap((t) =>
      t.steps.filter((step) => step.name === 'rollback' && step.status === 'started'),
    );
    expect(rollbacks).toEqual([]);
    expect(r.world.runningOn('W1')).toEqual(['b3']);
    expect(await r.store.workload('W1')).toMatchObject({ blade: 'b3', state: 'running' });
    expect((await r.store.blade('b1'))?.state).toBe('failed');
  });
});
