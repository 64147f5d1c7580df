// Which blades a failover may take, through the real Redfish driver against the emulator: never a standby in an
// enclosure without power, and a target that will not power on is given up within powerOnMs for the next-best blade.
import { afterEach, describe, expect, it } from 'vitest';
import { startRedfishRig, type RedfishRig } from './testing/redfish-rig.js';
import type { FakeBladeSpec, FakeWorkloadSpec } from '../adapters/fake/index.js';
import { eventually } from '../ports/contract-support.js';
import type { RetryTiming } from './deadline.js';
import { TEST_DETECTION, TEST_TIMING } from './testing/harness.js';

type Rig = RedfishRig;

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.stop();
  rig = null;
});

async function start(blades: FakeBladeSpec[], workloads: FakeWorkloadSpec[], timing: RetryTiming): Promise<Rig> {
  rig = await startRedfishRig(blades, workloads, { timing, detection: TEST_DETECTION, settle: 'observed' });
  return rig;
}

const at = (chassis: string, slot: number) => ({ location: { chassis, slot } });
const W1: FakeWorkloadSpec[] = [{ id: 'W1', requirements: { memoryGiB: 64 }, blade: 'b1' }];

describe('failover targets over Redfish', () => {
  it('a standby in a chassis that lost power is never chosen: the workload goes to the next chassis', async () => {
    const r = await start(
      [
        { id: 'b1', resources: { memoryGiB: 64 }, ...at('c1', 1) },
        // The exact fit, in the same enclosure as the blade that dies: the planner's first choice, were it powered.
        { id: 'b2', resources: { memoryGiB: 64 }, power: 'off', ...at('c1', 2) },
        { id: 'b3', resources: { memoryGiB: 96 }, power: 'off', ...at('c2', 1) },
      ],
      W1,
      { ...TEST_TIMING, callMs: 1_000 },
    );
    expect((await r.store.blade('b2'))?.chassisPower).toBe('on');
    expect(r.emulator.faults.chassisPowerLoss('c1')).toEqual(['b1', 'b2']);
    await eventually(
      () => r.store.workload('W1'),
      (w) => w?.state === 'running' && w.blade === 'b3',
      10_000,
      'W1 on b3',
    );
    const transfers = await r.store.transfers();
    expect(transfers.map((t) => [t.kind, t.from, t.to, t.status])).toEqual([['failover', 'b1', 'b3', 'done']]);
    expect(await r.store.blade('b2')).toMatchObject({ state: 'standby', chassisPower: 'off' });
    expect(r.world.runningOn('W1')).toEqual(['b3']);
  });

  it('a standby that refuses to power on is given up within powerOnMs, not the step deadline; the next takes it', async () => {
    const powerOnMs = 300;
    const stepMs = 60_000;
    const r = await start(
      [
        { id: 'b1', resources: { memoryGiB: 64 } },
        { id: 'b2', resources: { memoryGiB: 64 }, power: 'off' },
        { id: 'b3', resources: { memoryGiB: 96 }, power: 'off' },
      ],
      W1,
      { ...TEST_TIMING, callMs: 1_000, stepMs, powerOnMs },
    );
    r.world.refusePowerOn('b2');
    r.emulator.faults.inject('b1', { kind: 'fail' });
    await eventually(
      () => r.store.workload('W1'),
      (w) => w?.state === 'running' && w.blade === 'b3',
      20_000,
      'W1 on b3',
    );
    const transfers = await r.store.transfers();
    expect(transfers.map((t) => [t.from, t.to, t.status])).toEqual([
      ['b1', 'b2', 'aborted'],
      ['b1', 'b3', 'done'],
    ]);
    const started = transfers[0]!.steps.filter((s) => s.name === 'start' && s.status !== 'started');
    expect(started).toHaveLength(1);
    const [gaveUp] = started;
    expect(gaveUp?.status).toBe('failed');
    expect(gaveUp?.error).toMatch(/b2 did not confirm power on within 300 ms/);
    // Given up by powerOnMs (it waited that long), long before the step deadline would have ended it.
    const took = (gaveUp?.endedAt ?? Infinity) - (gaveUp?.startedAt ?? 0);
    expect(took).toBeGreaterThanOrEqual(powerOnMs);
    expect(took).toBeLessThan(stepMs / 2);
    // A blade that will not power on is the target's fault: out of the pool until repaired.
    expect(await r.store.blade('b2')).toMatchObject({ state: 'failed' });
    expect(r.world.runningOn('W1')).toEqual(['b3']);
  });
});
