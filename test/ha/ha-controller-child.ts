// One of several HA controllers, as its own process, for the HA tests: a store named by URL (PostgreSQL or
// SQLite), the emulated data center the parent hosts (Redfish for hardware, its JSON API for workloads and
// storage), JSON log lines with a timestamp on stdout, commands on stdin. Secrets come in the environment.
import { createInterface } from 'node:readline';
import { EmulatedStorage, EmulatedWorkloads } from '../../src/adapters/emulated/index.js';
import { RedfishHardware } from '../../src/adapters/redfish/redfish-hardware.js';
import { policyWith } from '../../src/core/model.js';
import { systemClock } from '../../src/ports/clock.js';
import { HaController } from '../../src/orchestrator/ha-controller.js';
import { openStore } from '../../src/store/open-store.js';
import { logDriverCalls } from './driver-call-log.js';

const [db, emulatorUrl, holder, ttl, adoptJson] = process.argv.slice(2);
if (!db || !emulatorUrl || !holder || !ttl)
  throw new Error('usage: ha-controller-child DB EMULATOR_URL HOLDER TTL_MS [ADOPT_JSON]');
const ttlMs = Number(ttl);
const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const say = (entry: object): void =>
  void process.stdout.write(`${JSON.stringify({ t: Date.now(), holder, ...entry })}\n`);
// A frozen leader must not keep the lease row locked inside a transaction for long (see PostgresStoreOptions).
const store = openStore(db, {
  postgres: { idleInTransactionMs: Math.floor(ttlMs / 2), leaseLockTimeoutMs: Math.floor(ttlMs / 3) },
});
// Each lease request and its answer, so a test can wait until a standby has asked again (it looked) rather than sleep.
const acquireLease = store.acquireLease.bind(store);
store.acquireLease = async (...args) => {
  const lease = await acquireLease(...args);
  say({ level: 'debug', msg: 'lease asked', granted: lease !== null });
  return lease;
};
const hardware = new RedfishHardware({
  url: emulatorUrl,
  name: 'emulator',
  username: env('CASCADE_TEST_REDFISH_USER'),
  password: env('CASCADE_TEST_REDFISH_PASSWORD'),
  timeoutMs: 1_000,
  retries: 0,
});
const endpoint = { url: emulatorUrl, token: env('CASCADE_TEST_EMULATOR_TOKEN'), timeoutMs: 1_000 };
// Inside the lease guard (HaController wraps these): only calls the guard let through are logged.
const drivers = logDriverCalls(
  { hardware, workloads: new EmulatedWorkloads(endpoint), storage: new EmulatedStorage(endpoint) },
  say,
);

const ha = await HaController.start({
  store,
  ...drivers,
  clock: systemClock,
  // Short enough for a test, long enough that a signal lands inside a step.
  timing: { callMs: 1_000, stepMs: 5_000, backoffMs: 20, maxBackoffMs: 100, pollMs: 10 },
  policy: policyWith({ cooldownSeconds: 0 }),
  log: say,
  pollMs: 50,
  lease: { holder, ttlMs },
  onLeading: async (controller, term) => {
    // The first leader of an empty store finds the blades and adopts the running workloads.
    if ((await store.blades()).length === 0)
      await controller.discover('controller', JSON.parse(adoptJson ?? '[]') as { id: string; blade: string }[]);
    say({ level: 'info', msg: 'ready', epoch: term.lease.epoch });
  },
  onStandby: (reason) => say({ level: 'info', msg: 'standby', reason }),
});
say({ level: 'info', msg: 'started' });
// The first thing this process says once it runs again after a SIGSTOP. A signal is handled on the event loop, so
// what a frozen process was doing in the middle of one synchronous run (a call already past the lease guard, its
// log line not yet written) is said before this line; anything it issues later comes after it.
process.on('SIGCONT', () => say({ level: 'info', msg: 'woke' }));

// Tells the parent when the data center is quiet under this leader: no open transfer, nothing queued.
setInterval(() => {
  void (async () => {
    const controller = ha.leader();
    if (controller === null) return;
    await controller.idle();
    if (ha.leader() === controller && (await store.transfers({ open: true })).length === 0)
      say({ level: 'info', msg: 'quiet' });
  })().catch(() => {});
}, 100).unref();

for await (const line of createInterface({ input: process.stdin })) {
  const [command, id] = line.trim().split(/\s+/);
  if (command === 'checkpoint' && id) {
    const sequence = await ha.leader()?.checkpoint(id, 'operator');
    say({ level: 'info', msg: 'checkpointed', workload: id, sequence: sequence ?? null });
  }
  if (command === 'exit') {
    await ha.stop();
    await hardware.close();
    await store.close();
    process.exit(0);
  }
}
