// The controller as its own process for the crash test: SQLite in a file, the fake world in a
// file, both surviving a SIGKILL. Commands on stdin inject faults; JSON log lines on stdout.
import { createInterface } from 'node:readline';
import { fakePorts, FakeWorld } from '../../src/adapters/fake/index.js';
import { policyWith } from '../../src/core/model.js';
import { systemClock } from '../../src/ports/clock.js';
import { Controller } from '../../src/orchestrator/controller.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const [dbFile, worldFile, adoptJson] = process.argv.slice(2);
if (!dbFile || !worldFile) throw new Error('usage: controller-child DB WORLD [ADOPT_JSON]');

const world = FakeWorld.load(worldFile);
const store = SqliteStore.open(dbFile);
const say = (entry: object): void => void process.stdout.write(`${JSON.stringify(entry)}\n`);

// CASCADE_CRASH_AT=kind:step freezes the process right after that step is recorded as started and
// before it runs, so the parent's SIGKILL lands inside the step however fast the step is.
const crashAt = process.env.CASCADE_CRASH_AT;
const log = (entry: { msg: string; kind?: unknown }): void => {
  say(entry);
  if (crashAt && `${String(entry.kind)}:${entry.msg}` === `${crashAt.replace(':', ':step ')} started`) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  }
};

const controller = await Controller.start({
  store,
  ...fakePorts(world),
  clock: systemClock,
  // Short enough for a test, long enough that a SIGKILL lands inside a step.
  timing: { callMs: 500, stepMs: 5_000, backoffMs: 20, maxBackoffMs: 100, pollMs: 10 },
  policy: policyWith({ cooldownSeconds: 0 }),
  log,
  pollMs: 50,
});
if ((await store.blades()).length === 0) {
  await controller.discover();
  for (const w of JSON.parse(adoptJson ?? '[]') as { id: string; blade: string }[]) await controller.adopt(w);
}
say({ level: 'info', msg: 'ready' });

// Tells the parent when the data center is quiet: no open transfer and nothing queued.
setInterval(() => {
  void (async () => {
    await controller.idle();
    const open = await store.transfers({ open: true });
    if (open.length === 0) say({ level: 'info', msg: 'quiet' });
  })();
}, 100).unref();

for await (const line of createInterface({ input: process.stdin })) {
  const [command, id] = line.trim().split(/\s+/);
  if (command === 'fail' && id) world.failBlade(id);
  if (command === 'checkpoint' && id) await controller.checkpoint(id, 'operator');
  if (command === 'exit') {
    await controller.stop();
    await store.close();
    process.exit(0);
  }
}
