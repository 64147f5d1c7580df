// The server side of `npm run bench:api`: a controller on fakes with a generated data center, a SQLite file
// store and the HTTP API on 127.0.0.1, in its own process so the load generator does not share its core.
// Protocol on stdio: prints "READY {json}"; reads "fail N INTERVAL_MS" (answers "SETTLED {json}") and "quit".
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fakePorts, FakeWorld } from '../src/adapters/fake/index.js';
import { lastSeq } from '../src/api/log-tail.js';
import { createApi } from '../src/api/server.js';
import { newToken } from '../src/api/tokens.js';
import { policyWith } from '../src/core/model.js';
import { Controller } from '../src/orchestrator/controller.js';
import { systemClock } from '../src/ports/clock.js';
import type { BladeRecord, WorkloadRecord } from '../src/ports/store.js';
import { generateScenario } from '../src/sim/generate.js';
import { observeCommits } from '../src/store/commit-feed.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';

const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(name);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};
const count = arg('--blades', 10_000);
const t0 = Date.now();
const phase = (what: string): void =>
  void process.stderr.write(`  server: ${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
const scenario = generateScenario({ blades: count, seed: 7 });
const placed = scenario.workloads.filter((w) => w.blade !== null);

const world = new FakeWorld({
  tickMs: 1_000,
  powerDelayMs: 5,
  unreachableDelayMs: 20,
  blades: scenario.blades.map((b) => ({
    id: b.id,
    resources: b.resources,
    ...(b.location ? { location: b.location } : {}),
    power: b.state === 'active' ? ('on' as const) : ('off' as const),
  })),
  workloads: placed.map((w) => ({ id: w.id, requirements: w.requirements, blade: w.blade! })),
});

phase('world made');
const dir = mkdtempSync(join(tmpdir(), 'cascade-bench-api-'));
const store = SqliteStore.open(join(dir, 'cascade.db'));
await store.migrate();
const blades: BladeRecord[] = scenario.blades.map((b) => ({
  id: b.id,
  resources: b.resources,
  state: b.state,
  ...(b.location ? { location: b.location } : {}),
  power: b.state === 'active' ? 'on' : 'off',
  health: 'ok',
  endpoint: 'fake',
}));
const workloads: WorkloadRecord[] = placed.map((w) => ({
  id: w.id,
  requirements: w.requirements,
  source: w.source,
  priority: w.priority,
  blade: w.blade,
  state: 'running',
  movedAt: null,
  pendingReason: null,
}));
const viewer = newToken('viewer', 'bench-viewer', Date.now());
const operator = newToken('operator', 'bench-operator', Date.now());
await store.commit({ blades, workloads, tokens: [viewer.record, operator.record] });

phase('store written');
const commits = observeCommits(store);
const controller = await Controller.start({
  store,
  ...fakePorts(world),
  clock: systemClock,
  timing: { callMs: 2_000, stepMs: 10_000, backoffMs: 50, maxBackoffMs: 1_000, pollMs: 10 },
  // Live defaults, but cascades may follow at once: failovers that land on loose blades cascade later.
  policy: policyWith({ cooldownSeconds: 0 }),
  // Hardware events drive observation here: a full poll of 10,000 fake blades takes longer than the
  // controller's default 5 s period on a small machine, and would measure the poll, not the API.
  pollMs: arg('--poll-ms', 0),
});
phase('controller started');
await controller.idle();
phase('controller idle');

const api = createApi({ controller, store, commits });
const url = await api.app.listen({ host: '127.0.0.1', port: 0 });
const standby = blades.filter((b) => b.state === 'standby').length;
process.stdout.write(
  `READY ${JSON.stringify({ url, viewer: viewer.secret, operator: operator.secret, blades: blades.length, workloads: workloads.length, standby })}\n`,
);

async function settle(): Promise<void> {
  for (;;) {
    await controller.idle();
    if ((await store.transfers({ open: true })).length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      await controller.idle();
      if ((await store.transfers({ open: true })).length === 0) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Fails `n` active blades, one every `intervalMs`, and reports once every failover has ended. */
async function failBlades(n: number, intervalMs: number): Promise<void> {
  const before = (await store.transfers()).length;
  const targets = placed
    .slice(0, placed.length)
    .filter((_, i) => i % Math.max(1, Math.floor(placed.length / n)) === 0)
    .slice(0, n)
    .map((w) => w.blade!);
  const started = Date.now();
  for (const blade of targets) {
    world.failBlade(blade);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  await settle();
  const transfers = (await store.transfers()).slice(before);
  const last = await lastSeq(store);
  process.stdout.write(
    `SETTLED ${JSON.stringify({ failed: targets.length, transfers: transfers.length, failovers: transfers.filter((t) => t.kind === 'failover').length, cascades: transfers.filter((t) => t.kind === 'cascade').length, seconds: (Date.now() - started) / 1000, lastSeq: last })}\n`,
  );
}

for await (const line of createInterface({ input: process.stdin })) {
  const [command, a, b] = line.trim().split(/\s+/);
  if (command === 'fail') await failBlades(Number(a), Number(b));
  if (command === 'quit') break;
}
await api.app.close();
await controller.stop();
await store.close();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
