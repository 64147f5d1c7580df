// Fault injection: each fault shows through the ports the way it would on real blades.
import { describe, expect, it } from 'vitest';
import type { HardwareEvent } from '../../ports/hardware.js';
import { DriverError } from './driver-error.js';
import { FakeHardware } from './fake-hardware.js';
import { FakeStorage } from './fake-storage.js';
import { FakeWorkloads } from './fake-workloads.js';
import { ManualClock } from './manual-clock.js';
import { FakeWorld } from './world.js';

const x86 = { cpuArch: 'x86_64', storageTB: 200 };

function setUp() {
  const clock = new ManualClock(0);
  const world = new FakeWorld({
    clock,
    tickMs: 10,
    unreachableDelayMs: 25,
    blades: [
      { id: 'A', resources: x86 },
      { id: 'B', resources: x86 },
      { id: 'C', resources: { ...x86, cpuArch: 'ppc64le' }, power: 'off' },
    ],
    workloads: [{ id: 'W1', requirements: { storageTB: 200 }, blade: 'A' }],
  });
  const events: HardwareEvent[] = [];
  const hardware = new FakeHardware(world);
  hardware.subscribe((event) => events.push(event));
  return { clock, world, hardware, workloads: new FakeWorkloads(world), storage: new FakeStorage(world), events };
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function rejection(promise: Promise<unknown>): Promise<DriverError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DriverError)) throw new Error(`expected a DriverError, got ${String(error)}`);
  return error;
}

describe('fault injection', () => {
  it('failBlade: off at once, critical, the workload stopped with its unsaved state lost', async () => {
    const { clock, world, hardware, workloads, events } = setUp();
    clock.advance(100);
    const snapshot = world.checkpoint('W1');
    clock.advance(50);
    world.failBlade('A');
    await flush();
    expect(await hardware.status('A')).toEqual({ power: 'off', health: 'critical' });
    expect(events).toEqual([
      { kind: 'power', blade: 'A', power: 'off' },
      { kind: 'health', blade: 'A', health: 'critical' },
    ]);
    expect(world.workload('W1')).toMatchObject({ state: 'stopped', blade: 'A', sequence: 15, stateKept: false });
    expect((await rejection(workloads.capture('W1', 'A'))).code).toBe('state-lost');
    expect((await rejection(workloads.resume('W1', 'A'))).code).toBe('state-lost');
    // What was checkpointed before survives.
    await workloads.restore('W1', 'B', snapshot);
    expect(world.runningOn('W1')).toEqual(['B']);
    expect(world.sequenceOf('W1')).toBe(10);
  });

  it('unreachable: calls reject after a delay naming the blade, and the workload keeps running there', async () => {
    const { clock, world, hardware, workloads, events } = setUp();
    world.setReachable('A', false);
    await flush();
    expect(events).toEqual([{ kind: 'health', blade: 'A', health: 'unreachable' }]);
    let settled = false;
    const status = hardware.status('A').finally(() => (settled = true));
    const power = hardware.setPower('A', 'off');
    const capture = workloads.capture('W1', 'A');
    await flush();
    expect(settled).toBe(false);
    clock.advance(25);
    for (const call of [status, power, capture]) {
      const error = await rejection(call);
      expect(error.message).toBe('blade A: not reachable');
      expect(error.code).toBe('unreachable');
    }
    expect(world.runningOn('W1')).toEqual(['A']);
    expect(world.blade('A')?.power).toBe('on');
    // The SAN does not depend on the blade's controller.
    await new FakeStorage(world).attach('W1', 'B');
    expect(world.attachedTo('W1')).toBe('B');
  });

  it('unreachable with hang: calls never settle, however long one waits', async () => {
    const { clock, world, hardware } = setUp();
    world.setReachable('A', false, { hang: true });
    let settled = false;
    void hardware.status('A').finally(() => (settled = true));
    await clock.run(60_000, 1_000);
    expect(settled).toBe(false);
    world.setReachable('A', true);
    expect(await hardware.status('A')).toEqual({ power: 'on', health: 'ok' });
  });

  it('refusePowerOn: the request is accepted and the blade stays off until repaired', async () => {
    const { clock, world, hardware } = setUp();
    world.refusePowerOn('C');
    await hardware.setPower('C', 'on');
    clock.advance(10_000);
    expect((await hardware.status('C')).power).toBe('off');
    world.repairBlade('C');
    await hardware.setPower('C', 'on');
    expect((await hardware.status('C')).power).toBe('on');
  });

  it('repairBlade: healthy and reachable again, still off', async () => {
    const { world, hardware } = setUp();
    world.failBlade('A');
    world.setReachable('A', false);
    world.repairBlade('A');
    expect(await hardware.status('A')).toEqual({ power: 'off', health: 'ok' });
    expect(world.blade('A')).toMatchObject({ reachable: 'yes', refusePowerOn: false });
  });

  it('setHealth changes what status reports and announces it; the workload runs on', async () => {
    const { world, hardware, events } = setUp();
    world.setHealth('A', 'critical');
    await flush();
    expect(await hardware.status('A')).toEqual({ power: 'on', health: 'critical' });
    expect(events).toEqual([{ kind: 'health', blade: 'A', health: 'critical' }]);
    expect(world.runningOn('W1')).toEqual(['A']);
  });

  it('powering a blade off (a fence) stops its workload and loses its memory state', async () => {
    const { clock, world, hardware, workloads } = setUp();
    clock.advance(70);
    await hardware.setPower('A', 'off');
    expect(world.workload('W1')).toMatchObject({ state: 'stopped', blade: 'A', sequence: 7, stateKept: false });
    await hardware.setPower('A', 'on');
    expect((await rejection(workloads.resume('W1', 'A'))).code).toBe('state-lost');
  });

  it('addBlade and removeBlade are announced; removing a blade stops its workload', async () => {
    const { world, events } = setUp();
    world.addBlade({ id: 'D', resources: x86 });
    world.removeBlade('A');
    await flush();
    expect(events).toEqual([
      { kind: 'added', blade: 'D' },
      { kind: 'removed', blade: 'A' },
    ]);
    expect(world.workload('W1')).toMatchObject({ state: 'stopped', stateKept: false });
    expect(world.bladeIds()).toEqual(['B', 'C', 'D']);
  });
});

describe('the fake workload driver refuses what a real one could not do', () => {
  it('live migration only between blades of one cpuArch, unless told otherwise', async () => {
    const { world, hardware, workloads } = setUp();
    await hardware.setPower('C', 'on');
    expect(await workloads.canMigrate('W1', 'A', 'B')).toBe(true);
    expect(await workloads.canMigrate('W1', 'A', 'C')).toBe(false);
    expect((await rejection(workloads.migrate('W1', 'A', 'C'))).code).toBe('migration-unsupported');
    world.setMigratable('A', 'B', false);
    expect(await workloads.canMigrate('W1', 'A', 'B')).toBe(false);
    world.setMigratable('A', 'C', true);
    await workloads.migrate('W1', 'A', 'C');
    await workloads.migrate('W1', 'A', 'C');
    expect(world.runningOn('W1')).toEqual(['C']);
  });

  it('restore refuses a blade that is off, a blade that runs another workload, and a forged checkpoint', async () => {
    const { world, workloads } = setUp();
    world.addWorkload({ id: 'W2', requirements: {}, blade: 'B' });
    const checkpoint = await workloads.capture('W1', 'A');
    expect((await rejection(workloads.restore('W1', 'C', checkpoint))).code).toBe('powered-off');
    expect((await rejection(workloads.restore('W1', 'B', checkpoint))).code).toBe('blade-busy');
    const forged = { ...checkpoint, sequence: checkpoint.sequence + 5 };
    expect((await rejection(workloads.restore('W1', 'A', forged))).code).toBe('bad-checkpoint');
    expect((await rejection(workloads.restore('W1', 'A', { ...checkpoint, workload: 'W2' }))).code).toBe(
      'bad-checkpoint',
    );
  });

  it('a cold start from sequence 0 needs no saved state', async () => {
    const { world, workloads } = setUp();
    world.addWorkload({ id: 'W3', requirements: {} });
    await workloads.restore('W3', 'B', { workload: 'W3', blade: 'B', sequence: 0, data: '' });
    expect(world.runningOn('W3')).toEqual(['B']);
    expect(await workloads.declared('W3')).toEqual({ requirements: {}, source: 'declared' });
  });

  it('a restore while it runs there from another state is refused, not silently ignored', async () => {
    const { clock, workloads } = setUp();
    clock.advance(100);
    const first = await workloads.capture('W1', 'A');
    await workloads.restore('W1', 'B', first);
    clock.advance(100);
    const second = await workloads.capture('W1', 'B');
    await workloads.resume('W1', 'B');
    expect((await rejection(workloads.restore('W1', 'B', first))).code).toBe('already-running');
    await workloads.restore('W1', 'B', second);
  });
});
