// The history checks catch what an orchestrator must never do, and stay quiet when it does it right.
import { describe, expect, it } from 'vitest';
import { fakePorts } from './index.js';
import { fenceViolations, historyViolations, runsOf, sequenceGaps, twoBladeViolations } from './history-checks.js';
import { ManualClock } from './manual-clock.js';
import { FakeWorld } from './world.js';

const x86 = { cpuArch: 'x86_64', storageTB: 200 };

function setUp() {
  const clock = new ManualClock(0);
  const world = new FakeWorld({
    clock,
    tickMs: 10,
    unreachableDelayMs: 0,
    blades: [
      { id: 'A', resources: x86 },
      { id: 'B', resources: x86 },
      { id: 'C', resources: x86, power: 'off' },
    ],
    workloads: [{ id: 'W1', requirements: { storageTB: 200 }, blade: 'A' }],
  });
  return { clock, world, ...fakePorts(world) };
}

describe('history checks', () => {
  it('a cascade by capture and restore from a sound blade: no violation, no fence needed', async () => {
    const { clock, world, workloads, storage } = setUp();
    clock.advance(100);
    const checkpoint = await workloads.capture('W1', 'A');
    clock.advance(20);
    await workloads.restore('W1', 'B', checkpoint);
    await storage.attach('W1', 'B');
    expect(historyViolations(world.history())).toEqual([]);
    expect(runsOf(world.history(), 'W1')).toEqual([
      { blade: 'A', how: 'initial', startedAt: 0, fromSequence: 0, endedAt: 100, toSequence: 10 },
      { blade: 'B', how: 'restore', startedAt: 120, fromSequence: 10, endedAt: null, toSequence: null },
    ]);
  });

  it('a live migration carries the sequence over', async () => {
    const { clock, world, workloads } = setUp();
    clock.advance(50);
    await workloads.migrate('W1', 'A', 'B');
    expect(historyViolations(world.history())).toEqual([]);
    expect(runsOf(world.history(), 'W1').map((r) => [r.blade, r.how, r.fromSequence, r.toSequence])).toEqual([
      ['A', 'initial', 0, 5],
      ['B', 'migrate', 5, null],
    ]);
  });

  it('a failover done right (capture, fence, power on the target, restore) breaks no rule', async () => {
    const { clock, world, hardware, workloads } = setUp();
    clock.advance(100);
    world.setHealth('A', 'critical');
    const checkpoint = await workloads.capture('W1', 'A');
    await hardware.setPower('A', 'off');
    await hardware.setPower('C', 'on');
    await workloads.restore('W1', 'C', checkpoint);
    expect(historyViolations(world.history())).toEqual([]);
  });

  it('a start while the faulty source is still on is a start before the fence', async () => {
    const { clock, world, workloads } = setUp();
    clock.advance(100);
    world.setHealth('A', 'critical');
    const checkpoint = await workloads.capture('W1', 'A');
    await workloads.restore('W1', 'B', checkpoint);
    const found = fenceViolations(world.history());
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ rule: 'start-before-fence', workload: 'W1', at: 100 });
    expect(found[0]?.message).toMatch(/A is faulty .* still on/);
  });

  it('powering the target on before the source is off is a start before the fence too', async () => {
    const { world, hardware, workloads } = setUp();
    world.setHealth('A', 'critical');
    const checkpoint = await workloads.capture('W1', 'A');
    await hardware.setPower('C', 'on');
    await hardware.setPower('A', 'off');
    await workloads.restore('W1', 'C', checkpoint);
    expect(fenceViolations(world.history()).map((v) => v.message)).toEqual([
      expect.stringMatching(/C was powered on at 0, before A was fenced/),
    ]);
  });

  it('an attempt to start it on a second blade counts, though the fake refused it', async () => {
    const { world, workloads } = setUp();
    world.setReachable('A', false);
    await expect(workloads.restore('W1', 'B', { workload: 'W1', blade: 'A', sequence: 0, data: '' })).rejects.toThrow(
      /already runs on A/,
    );
    expect(twoBladeViolations(world.history())).toEqual([
      expect.objectContaining({
        rule: 'two-blades',
        workload: 'W1',
        message: expect.stringContaining('while it ran on A'),
      }),
    ]);
  });

  it('a failover from an old checkpoint shows as a sequence gap with the work lost', async () => {
    const { clock, world, workloads } = setUp();
    clock.advance(100);
    const snapshot = world.checkpoint('W1');
    clock.advance(40);
    world.failBlade('A');
    await workloads.restore('W1', 'B', snapshot);
    expect(fenceViolations(world.history())).toEqual([]);
    expect(sequenceGaps(world.history())).toEqual([
      expect.objectContaining({ rule: 'sequence-gap', workload: 'W1', lost: 4 }),
    ]);
  });
});
