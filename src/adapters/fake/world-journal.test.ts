// The world's change log: every acknowledged change survives a SIGKILL, a change cut short is dropped cleanly, the
// log is folded into the snapshot as it grows, and what a reader sees is what the writer holds.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from './manual-clock.js';
import { FakeWorld } from './world.js';
import { logFileOf } from './world-journal.js';

const x86 = { cpuArch: 'x86_64', storageTB: 200 };

/** Everything a test can read of a world. */
function view(world: FakeWorld): unknown {
  return {
    blades: world.bladeIds().map((id) => world.blade(id)),
    workloads: world.workloadIds().map((id) => world.workload(id)),
    attached: world.workloadIds().map((id) => world.attachedTo(id)),
    history: world.history(),
  };
}

describe('the world change log', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cascade-journal-'));
    file = join(dir, 'world.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends a change instead of rewriting the world', () => {
    const blades = Array.from({ length: 2000 }, (_, i) => ({ id: `b${i}`, resources: x86 }));
    const world = new FakeWorld({ file, clock: new ManualClock(0), blades });
    const snapshot = statSync(file).size;
    world.setHealth('b7', 'warning');
    world.failBlade('b9');
    expect(statSync(file).size).toBe(snapshot);
    const log = readFileSync(logFileOf(file), 'utf8').trim().split('\n');
    expect(log).toHaveLength(2);
    expect(log.every((line) => line.length < 2000)).toBe(true);
    expect(view(FakeWorld.inspect(file, new ManualClock(0)))).toEqual(view(world));
  });

  it('reads back what the writer holds after any sequence of changes, through compactions', () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('health' as const),
        blade: fc.integer({ min: 0, max: 5 }),
        health: fc.constantFrom('ok', 'warning', 'critical'),
      }),
      fc.record({ kind: fc.constant('fail' as const), blade: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ kind: fc.constant('repair' as const), blade: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ kind: fc.constant('add' as const), blade: fc.integer({ min: 6, max: 40 }) }),
      fc.record({ kind: fc.constant('remove' as const), blade: fc.integer({ min: 0, max: 40 }) }),
      fc.record({
        kind: fc.constant('migratable' as const),
        from: fc.integer({ min: 0, max: 5 }),
        allowed: fc.constantFrom(true, false, null),
      }),
      fc.record({ kind: fc.constant('checkpoint' as const) }),
      fc.record({ kind: fc.constant('compact' as const), keep: fc.integer({ min: 0, max: 5 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        rmSync(file, { force: true });
        rmSync(logFileOf(file), { force: true });
        const clock = new ManualClock(0);
        const world = new FakeWorld({
          file,
          clock,
          blades: Array.from({ length: 6 }, (_, i) => ({ id: `b${i}`, resources: x86 })),
          workloads: [{ id: 'W', requirements: { storageTB: 1 }, blade: 'b0' }],
        });
        for (const o of ops) {
          clock.advance(7);
          try {
            if (o.kind === 'health') world.setHealth(`b${o.blade}`, o.health);
            else if (o.kind === 'fail') world.failBlade(`b${o.blade}`);
            else if (o.kind === 'repair') world.repairBlade(`b${o.blade}`);
            else if (o.kind === 'add') world.addBlade({ id: `b${o.blade}`, resources: x86 });
            else if (o.kind === 'remove') world.removeBlade(`b${o.blade}`);
            else if (o.kind === 'migratable') world.setMigratable(`b${o.from}`, 'b1', o.allowed);
            else if (o.kind === 'checkpoint') world.checkpoint('W');
            else world.compact({ checkpointsPerWorkload: 1, historyEntries: o.keep });
          } catch {
            // Refused operations (an unknown blade, a stopped workload) change nothing worth checking here.
          }
          expect(view(FakeWorld.inspect(file, new ManualClock(clock.now())))).toEqual(view(world));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('folds a long log into the snapshot and still reads everything back', { timeout: 120_000 }, () => {
    const world = new FakeWorld({ file, clock: new ManualClock(0), blades: [{ id: 'A', resources: x86 }] });
    for (let i = 0; i < 4500; i++) world.setHealth('A', i % 2 === 0 ? 'warning' : 'ok');
    expect(statSync(logFileOf(file)).size).toBeLessThan(2 ** 20 + 10_000);
    expect(view(FakeWorld.load(file, new ManualClock(0)))).toEqual(view(world));
  });

  it('keeps every acknowledged change through a SIGKILL, and drops only the one cut short', async () => {
    // A child process changes the world as fast as it can and prints the number of each change once made.
    const script = `
      const { FakeWorld } = await import(${JSON.stringify(join(import.meta.dirname, 'world.ts'))});
      const world = new FakeWorld({ file: ${JSON.stringify(file)}, blades: Array.from({ length: 500 }, (_, i) => ({ id: 'b' + i, resources: { cpuArch: 'x86_64' } })) });
      process.stdout.write('ready\\n');
      for (let i = 0; ; i++) {
        world.addBlade({ id: 'n' + i, resources: { n: i } });
        process.stdout.write(i + '\\n');
      }`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        // Killed in the middle of its work, after it has acknowledged a few hundred changes.
        if (out.split('\n').length > 300) resolve();
      });
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const acknowledged = out
      .split('\n')
      .filter((line) => /^\d+$/.test(line))
      .map(Number);
    const last = acknowledged.at(-1)!;
    expect(existsSync(logFileOf(file))).toBe(true);
    const world = FakeWorld.load(file, new ManualClock(0));
    for (let i = 0; i <= last; i++) expect(world.blade(`n${i}`)?.resources).toEqual({ n: i });
    // At most the one change that was being written when the kill came is there beyond that.
    expect(world.bladeIds().filter((id) => id.startsWith('n')).length).toBeLessThanOrEqual(last + 2);
    expect(world.bladeIds()).toContain('b499');
  }, 60_000);
});
