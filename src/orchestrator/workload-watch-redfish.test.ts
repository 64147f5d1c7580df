// Workload monitoring through the real Redfish driver against the emulator: a workload that dies on a blade that
// answers well is restarted in place, and moved after the restart threshold; a live one is never touched. Times are
// scaled down (failAfterMs 100 ms).
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
import { RESTART_LIMIT } from '../core/workload-watch.js';
import { eventually } from '../ports/contract-support.js';

type Rig = RedfishRig;

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.stop();
  rig = null;
});

async function start(blades: FakeBladeSpec[], workloads: FakeWorkloadSpec[]): Promise<Rig> {
  rig = await startRedfishRig(blades, workloads);
  return rig;
}

const twoActiveOneStandby = (): Promise<Rig> => start(...structuredClone(TWO_ACTIVE_ONE_STANDBY));

const ofType = async (r: Rig, type: string) => (await r.events()).filter((e) => e.type === type);

/** Where the emulator runs the workload, null when nowhere. */
const runsOn = (r: Rig, workload: string): string | null => {
  const w = r.world.workload(workload);
  return w?.state === 'running' ? w.blade : null;
};

describe('workload monitoring over Redfish', () => {
  it('a workload that crashes on a healthy blade runs again on the same blade; its alarm raised then cleared', async () => {
    const r = await twoActiveOneStandby();
    await eventually(
      () => verdictOf(r, 'b1'),
      (v) => v === 'healthy',
      5_000,
      'b1 observed',
    );
    inject(r, 'b1', { kind: 'workload-crash' });
    expect(runsOn(r, 'W1')).toBeNull();
    await eventually(
      () => ofType(r, 'workload.restarted'),
      (e) => e.length === 1,
      10_000,
      'W1 restarted',
    );
    expect(runsOn(r, 'W1')).toBe('b1');
    expect(await r.store.workload('W1')).toMatchObject({ state: 'running', blade: 'b1', pendingReason: null });
    await eventually(
      () => alarms(r, 'alarm.cleared', 'workload.down'),
      (a) => a.length === 1,
      10_000,
      'the alarm cleared',
    );
    const raised = await alarms(r, 'alarm.raised', 'workload.down');
    expect(raised.map((e) => e.subject)).toEqual(['W1']);
    expect((await ofType(r, 'workload.down')).map((e) => e.subject)).toEqual(['W1']);
    expect(await ofType(r, 'blade.failed')).toEqual([]);
    expect(await ofType(r, 'transfer.created')).toEqual([]);
    expect((await r.store.blade('b1'))?.state).toBe('active');
    // The other workload was never disturbed.
    expect(disturbed(r, 'W2')).toEqual([]);
  });

  it(`a workload that keeps crashing is moved after ${RESTART_LIMIT} restarts; the blade stays in service`, async () => {
    const r = await twoActiveOneStandby();
    await eventually(
      () => verdictOf(r, 'b1'),
      (v) => v === 'healthy',
      5_000,
      'b1 observed',
    );
    for (let k = 0; k < RESTART_LIMIT; k++) {
      inject(r, 'b1', { kind: 'workload-crash' });
      await eventually(
        () => ofType(r, 'workload.restarted'),
        (e) => e.length === k + 1,
        10_000,
        `restart ${k + 1}`,
      );
      expect(runsOn(r, 'W1')).toBe('b1');
    }
    inject(r, 'b1', { kind: 'workload-crash' });
    await eventually(
      async () => (await r.store.workload('W1'))?.blade,
      (b) => b === 'b3',
      15_000,
      'W1 moved to b3',
    );
    await r.controller.idle();
    expect(runsOn(r, 'W1')).toBe('b3');
    expect(await r.store.workload('W1')).toMatchObject({ state: 'running', blade: 'b3' });
    expect((await ofType(r, 'workload.restarted')).length).toBe(RESTART_LIMIT);
    const created = await ofType(r, 'transfer.created');
    expect(created.map((e) => (e.data as { kind: string; from: string; to: string }).to)).toEqual(['b3']);
    expect(await ofType(r, 'blade.failed')).toEqual([]);
    // Its old blade went back to the pool: fenced off as a failover's source is, never failed.
    expect((await r.store.blade('b1'))?.state).toBe('standby');
    expect(disturbed(r, 'W2')).toEqual([]);
  });

  it('a restart that fails (its saved state unusable) is a workload fault: no blade fails, the workload is held with the reason', async () => {
    const r = await twoActiveOneStandby();
    await eventually(
      () => verdictOf(r, 'b1'),
      (v) => v === 'healthy',
      5_000,
      'b1 observed',
    );
    // A stored checkpoint the hypervisor does not know: restoring it is refused as bad-checkpoint.
    const forged = { workload: 'W1', blade: 'b1', sequence: 1e9, data: 'forged', takenAt: Date.now() };
    await r.store.commit({ checkpoints: [forged] });
    inject(r, 'b1', { kind: 'workload-crash' });
    const failed = await eventually(
      () => ofType(r, 'workload.pending'),
      (e) => e.some((x) => (x.data as { reason?: string }).reason === 'restart-failed'),
      10_000,
      'the failed restart recorded',
    );
    expect(JSON.stringify(failed[0]!.data)).toContain('restart on b1 failed');
    await r.controller.idle();
    expect(await ofType(r, 'workload.restarted')).toEqual([]);
    expect(await ofType(r, 'blade.failed')).toEqual([]);
    expect((await r.store.blade('b1'))?.state).not.toBe('failed');
    // The failover that followed met the same unusable state on b3: the workload is held pending with the reason,
    // and neither blade is blamed.
    const w = await r.store.workload('W1');
    expect(w).toMatchObject({ state: 'pending' });
    expect(w?.pendingReason).toContain('not a saved state of W1');
    expect((await r.store.blades()).filter((b) => b.state === 'failed')).toEqual([]);
    expect(disturbed(r, 'W2')).toEqual([]);
  });

  it('a live workload is never restarted or moved, over many polls', async () => {
    const r = await twoActiveOneStandby();
    await eventually(
      () => verdictOf(r, 'b1'),
      (v) => v === 'healthy',
      5_000,
      'b1 observed',
    );
    // Twenty failure windows at a 20 ms poll: many liveness reads of each workload.
    await new Promise((resolve) => setTimeout(resolve, 20 * RIG_DETECTION.failAfterMs));
    expect(await ofType(r, 'workload.down')).toEqual([]);
    expect(await ofType(r, 'workload.restarted')).toEqual([]);
    expect(await ofType(r, 'transfer.created')).toEqual([]);
    expect(disturbed(r, 'W1')).toEqual([]);
    expect(disturbed(r, 'W2')).toEqual([]);
    expect([runsOn(r, 'W1'), runsOn(r, 'W2')]).toEqual(['b1', 'b2']);
  });
});
