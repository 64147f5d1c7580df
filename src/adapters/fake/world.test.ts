// The fake world persists every change and can be reloaded by a restarted process; faults behave as documented.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeHardware } from './fake-hardware.js';
import { FakeWorkloads } from './fake-workloads.js';
import { ManualClock } from './manual-clock.js';
import { FakeWorld } from './world.js';
import { readWorld } from './world-journal.js';

const x86 = { cpuArch: 'x86_64', storageTB: 200 };

describe('FakeWorld persistence', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cascade-world-'));
    file = join(dir, 'world.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const build = (clock: ManualClock): FakeWorld =>
    new FakeWorld({
      clock,
      file,
      tickMs: 10,
      powerDelayMs: 50,
      blades: [
        { id: 'A', resources: x86 },
        { id: 'B', resources: x86 },
      ],
      workloads: [{ id: 'W1', requirements: { storageTB: 100 }, blade: 'A' }],
    });

  it('a second world loaded from the file continues the same reality', async () => {
    const clock = new ManualClock(0);
    const first = build(clock);
    clock.advance(100);
    const checkpoint = await new FakeWorkloads(first).capture('W1', 'A');
    first.setHealth('B', 'warning');
    first.setMigratable('A', 'B', false);

    const again = FakeWorld.load(file, new ManualClock(clock.now()));
    expect(again.history()).toEqual(first.history());
    expect(again.workload('W1')).toEqual(first.workload('W1'));
    expect(again.blade('B')).toEqual(first.blade('B'));
    expect(again.canMigrate('A', 'B')).toBe(false);
    expect(again.attachedTo('W1')).toBe('A');
    // The checkpoint taken before the restart restores after it.
    await new FakeWorkloads(again).restore('W1', 'B', checkpoint);
    expect(again.runningOn('W1')).toEqual(['B']);
    expect(again.sequenceOf('W1')).toBe(10);
  });

  it('running workloads advance by the time that passed while no process ran', () => {
    build(new ManualClock(0));
    const later = FakeWorld.load(file, new ManualClock(5_000));
    expect(later.sequenceOf('W1')).toBe(500);
  });

  it('a power change in flight at the crash takes effect on time after the reload', async () => {
    const clock = new ManualClock(0);
    await new FakeHardware(build(clock)).setPower('A', 'off');
    const early = FakeWorld.load(file, new ManualClock(30));
    expect(early.blade('A')?.power).toBe('on');
    const late = FakeWorld.load(file, new ManualClock(80));
    expect(late.blade('A')?.power).toBe('off');
    expect(late.history().filter((e) => e.kind === 'power-effective')).toEqual([
      { at: 50, kind: 'power-effective', blade: 'A', power: 'off' },
    ]);
    // The workload stopped when the power went, not when someone looked.
    expect(late.workload('W1')).toMatchObject({ state: 'stopped', blade: 'A', sequence: 5, stateKept: false });
  });

  it('inspect reads the file without ever writing it; load writes only when something changed', async () => {
    const clock = new ManualClock(0);
    await new FakeHardware(build(clock)).setPower('A', 'off');
    const before = readFileSync(file, 'utf8');
    const copy = FakeWorld.inspect(file, new ManualClock(1_000));
    copy.failBlade('B');
    expect(copy.blade('A')?.power).toBe('off');
    expect(readFileSync(file, 'utf8')).toBe(before);
    FakeWorld.load(file, new ManualClock(10));
    expect(readFileSync(file, 'utf8')).toBe(before);
    FakeWorld.load(file, new ManualClock(1_000));
    expect(readFileSync(file, 'utf8')).not.toBe(before);
  });

  it('every change is on disk before the call returns, written whole', () => {
    const world = build(new ManualClock(0));
    world.failBlade('B');
    // The snapshot and its change log, as a process started after a kill reads them.
    const onDisk = readWorld(file).value as { blades: Record<string, { health: string; power: string }> };
    expect(onDisk.blades['B']).toMatchObject({ health: 'critical', power: 'off' });
    expect(existsSync(`${file}.tmp`)).toBe(false);
  });

  it('a torn temporary file from a killed writer does not matter; a file that is no world is refused clearly', () => {
    build(new ManualClock(0));
    writeFileSync(`${file}.tmp`, '{"version": 1, "bla');
    expect(FakeWorld.load(file, new ManualClock(0)).bladeIds()).toEqual(['A', 'B']);
    writeFileSync(file, '{"hello": 1}');
    expect(() => FakeWorld.load(file, new ManualClock(0))).toThrow(/not a fake world file/);
  });
});

describe('FakeWorld time and power', () => {
  it('a power change shows in status only after the blade’s delay, and is recorded when it happened', async () => {
    const clock = new ManualClock(0);
    const world = new FakeWorld({ clock, blades: [{ id: 'A', resources: x86, powerDelayMs: 100 }] });
    const hardware = new FakeHardware(world);
    await hardware.setPower('A', 'off');
    clock.advance(99);
    expect((await hardware.status('A')).power).toBe('on');
    clock.advance(500);
    expect((await hardware.status('A')).power).toBe('off');
    const kinds = world.history().filter((e) => e.kind.startsWith('power'));
    expect(kinds).toEqual([
      { at: 0, kind: 'power-requested', blade: 'A', power: 'off' },
      { at: 100, kind: 'power-effective', blade: 'A', power: 'off' },
    ]);
  });

  it('subscribers hear of a delayed power change when it happens, without polling', async () => {
    const clock = new ManualClock(0);
    const world = new FakeWorld({ clock, powerDelayMs: 40, blades: [{ id: 'A', resources: x86 }] });
    const hardware = new FakeHardware(world);
    const heard: unknown[] = [];
    hardware.subscribe((event) => heard.push(event));
    await hardware.setPower('A', 'off');
    await clock.run(50, 10);
    expect(heard).toEqual([{ kind: 'power', blade: 'A', power: 'off' }]);
  });

  it('a sequence grows one per tick while running and freezes when stopped', async () => {
    const clock = new ManualClock(0);
    const world = new FakeWorld({
      clock,
      tickMs: 10,
      blades: [{ id: 'A', resources: x86 }],
      workloads: [{ id: 'W', requirements: {}, blade: 'A', sequence: 7 }],
    });
    clock.advance(95);
    expect(world.sequenceOf('W')).toBe(16);
    const checkpoint = await new FakeWorkloads(world).capture('W', 'A');
    expect(checkpoint.sequence).toBe(16);
    clock.advance(1_000);
    expect(world.sequenceOf('W')).toBe(16);
  });
});

describe('FakeWorld compaction', () => {
  it('keeps the newest checkpoints of each workload and the newest history entries', () => {
    const clock = new ManualClock(0);
    const world = new FakeWorld({
      clock,
      tickMs: 10,
      blades: [{ id: 'A', resources: x86 }],
      workloads: [{ id: 'W1', requirements: {}, blade: 'A' }],
    });
    const taken = [1, 2, 3, 4].map(() => {
      clock.advance(100);
      return world.checkpoint('W1');
    });
    const before = world.history().length;
    expect(world.compact({ checkpointsPerWorkload: 2, historyEntries: 3 })).toEqual({
      checkpoints: 2,
      history: before - 3,
    });
    expect(world.history()).toHaveLength(3);
    expect(world.latestCheckpoint('W1')).toEqual(taken[3]);
    expect(world.checkpointRecord('cp-1')).toBeUndefined();
    expect(world.checkpointRecord('cp-3')).toBeDefined();
  });
});
