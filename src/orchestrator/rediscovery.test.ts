// A BMC that garbles or misses the first inventory must not keep its blade, or the workload running on it, out of
// the controller for good: a later discovery over Redfish adds the blade and adopts the workload where it runs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakePorts, FakeWorld } from '../adapters/fake/index.js';
import { RedfishHardware } from '../adapters/redfish/redfish-hardware.js';
import { policyWith } from '../core/model.js';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { systemClock } from '../ports/clock.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { Controller, type LogEntry } from './controller.js';
import { TEST_TIMING } from './testing/harness.js';

let emulator: Emulator;
let driver: RedfishHardware;
let store: SqliteStore;
let controller: Controller;
let running: () => Promise<{ id: string; blade: string }[]>;
const logged: LogEntry[] = [];

beforeEach(async () => {
  const world = new FakeWorld({
    powerDelayMs: 5,
    unreachableDelayMs: 5,
    blades: [
      { id: 'b1', resources: { memoryGiB: 64 } },
      { id: 'b2', resources: { memoryGiB: 128 } },
      { id: 'b3', resources: { memoryGiB: 256 }, power: 'off' },
    ],
    workloads: [
      { id: 'W1', requirements: { memoryGiB: 64 }, blade: 'b1' },
      { id: 'W2', requirements: { memoryGiB: 128 }, blade: 'b2' },
    ],
  });
  emulator = await startEmulator({ world, credentials: { username: 'admin', password: 'secret-rd' } });
  driver = new RedfishHardware({
    url: emulator.url,
    username: 'admin',
    password: 'secret-rd',
    name: 'emulator',
    timeoutMs: 1_000,
    retries: 0,
  });
  store = SqliteStore.open(':memory:');
  const { workloads, storage } = fakePorts(world);
  // What serve hands discovery: the workloads the hypervisors run, and where.
  running = async () =>
    world.workloadIds().flatMap((id) => {
      const w = world.workload(id);
      return w?.state === 'running' && w.blade !== null ? [{ id, blade: w.blade }] : [];
    });
  logged.length = 0;
  controller = await Controller.start({
    store,
    hardware: driver,
    workloads,
    storage,
    clock: systemClock,
    timing: TEST_TIMING,
    policy: policyWith({ cooldownSeconds: 0 }),
    log: (e) => logged.push(e),
    pollMs: 20,
  });
});
afterEach(async () => {
  await controller.stop();
  await store.close();
  await driver.close();
  await emulator.close();
});

describe('rediscovery', () => {
  it('adds a blade whose BMC garbled the first inventory, and adopts the workload running on it, in place', async () => {
    emulator.faults.replies.malformed('b2', 60_000);
    const first = await controller.discover('controller', await running());
    expect(first).toEqual({ blades: ['b1', 'b3'], adopted: ['W1'] });
    expect(await store.workload('W2')).toBeNull();
    expect(await store.blade('b2')).toBeNull();

    emulator.faults.replies.clear('b2');
    const second = await controller.discover('controller', await running());
    expect(second).toEqual({ blades: ['b2'], adopted: ['W2'] });
    expect(await store.workload('W2')).toMatchObject({ state: 'running', blade: 'b2' });
    expect(await store.blade('b2')).toMatchObject({ state: 'active', resources: { memoryGiB: 128 } });
    // Adopted where it ran: never stopped, never started again.
    expect(emulator.world.runningOn('W2')).toEqual(['b2']);
    expect(
      emulator.world
        .history()
        .filter((e) => e.kind === 'started' && e.workload === 'W2')
        .map((e) => e.kind === 'started' && e.how),
    ).toEqual(['initial']);

    // Nothing new: nothing added, nothing adopted twice.
    expect(await controller.discover('controller', await running())).toEqual({ blades: [], adopted: [] });
    expect((await store.events(0, 1_000)).filter((e) => e.type === 'workload.adopted').map((e) => e.subject)).toEqual([
      'W1',
      'W2',
    ]);
  });

  it('does not adopt an unknown workload onto a blade that already runs one, and says so once', async () => {
    await controller.discover('controller', await running());
    const stray = [{ id: 'W9', blade: 'b1' }];
    expect(await controller.discover('controller', stray)).toEqual({ blades: [], adopted: [] });
    expect(await controller.discover('controller', stray)).toEqual({ blades: [], adopted: [] });
    expect(await store.workload('W9')).toBeNull();
    expect(await store.workload('W1')).toMatchObject({ state: 'running', blade: 'b1' });
    expect(logged.filter((e) => e.msg.includes('not adopting W9'))).toEqual([
      expect.objectContaining({ level: 'warn', msg: 'not adopting W9: its blade b1 is active' }),
    ]);
  });

  it('lets the Redfish driver list only the blades the caller does not know, and still manage the others', async () => {
    // A fresh driver (a restart) has no earlier body of b1 and b3: it reads them once, to find what changed meanwhile.
    const fresh = await driver.inventory(new Set(['b1', 'b3']));
    expect(fresh.map((b) => b.id)).toEqual(['b2', 'b1', 'b3']);
    // Then known blades that did not change are not returned.
    expect(await driver.inventory(new Set(['b1', 'b2', 'b3']))).toEqual([]);
    // A blade skipped by the listing is still reachable by id (its path came from the listing).
    expect(await driver.status('b1')).toEqual({ power: 'on', health: 'ok', state: 'Enabled' });
  });
});
