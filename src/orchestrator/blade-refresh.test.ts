// Rediscovery re-reads known blades: a BMC whose memory changed from 64 to 32 GiB changes the stored blade, with an
// audit event, across a controller restart too; names and slot labels are kept with the record.
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakePorts, FakeWorld } from '../adapters/fake/index.js';
import { RedfishHardware } from '../adapters/redfish/redfish-hardware.js';
import { serveMockup, type MockupServer } from '../adapters/redfish/testing/mockup-server.js';
import { DMTF_PUBLIC_BLADED as DMTF } from '../adapters/redfish/testing/dmtf-mockup.js';
import { systemClock } from '../ports/clock.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { refreshBlades } from './blade-refresh.js';
import { Controller } from './controller.js';
import { TEST_TIMING } from './testing/harness.js';

const BLADE = '529QB9451R6';
const CREDENTIALS = { username: 'root', password: 'refresh-4e1a' };

describe('refreshBlades', () => {
  const stored = {
    id: 'b1',
    resources: { memoryGiB: 64 },
    state: 'active' as const,
    power: 'on' as const,
    health: 'ok' as const,
    endpoint: 'driver',
  };
  it('new resources are a record and an audit entry; the same resources are nothing', () => {
    expect(refreshBlades([stored], [{ id: 'b1', resources: { memoryGiB: 64 } }])).toEqual({ records: [], resized: [] });
    expect(refreshBlades([stored], [{ id: 'b1', resources: { memoryGiB: 32 } }])).toEqual({
      records: [{ ...stored, resources: { memoryGiB: 32 } }],
      resized: [{ blade: 'b1', before: { memoryGiB: 64 }, after: { memoryGiB: 32 } }],
    });
  });
  it('a new name or slot label is kept without an audit entry; blades it does not know are left to discovery', () => {
    const seen = {
      id: 'b1',
      resources: { memoryGiB: 64 },
      name: 'db-1',
      location: { chassis: 'c1', slot: 1, label: 'Blade 1' },
    };
    expect(refreshBlades([stored], [seen, { id: 'new', resources: {} }])).toEqual({
      records: [{ ...stored, name: 'db-1', location: seen.location }],
      resized: [],
    });
  });
});

describe('controller: rediscovery refreshes known blades', () => {
  let mockup: MockupServer;
  let store: SqliteStore;
  let path: string;
  beforeEach(async () => {
    mockup = await serveMockup(DMTF, CREDENTIALS);
    mockup.etags = true;
    path = join(tmpdir(), `refresh-${process.pid}-${Date.now()}.db`);
    store = SqliteStore.open(path);
  });
  afterEach(async () => {
    await store.close();
    await mockup.close();
    await rm(path, { force: true });
  });

  const start = async (): Promise<{ controller: Controller; driver: RedfishHardware }> => {
    const driver = new RedfishHardware({ url: mockup.url, ...CREDENTIALS, timeoutMs: 1_000, retries: 0 });
    const { workloads, storage } = fakePorts(new FakeWorld({ blades: [] }));
    const controller = await Controller.start({
      store,
      hardware: driver,
      workloads,
      storage,
      clock: systemClock,
      timing: TEST_TIMING,
      pollMs: 0,
      checkpointMs: 0,
    });
    return { controller, driver };
  };

  it('a BMC whose memory shrank: the stored blade follows, with an audit event, also after a restart', async () => {
    let { controller, driver } = await start();
    await controller.discover();
    expect(await store.blade(BLADE)).toMatchObject({
      resources: { memoryGiB: 64 },
      name: 'Bladed System',
      location: { chassis: 'MultiBladeEncl', slot: 2, label: 'Blade 2' },
    });
    await mockup.patch(`/redfish/v1/Systems/${BLADE}`, { MemorySummary: { TotalSystemMemoryGiB: 32 } });
    expect((await controller.discover()).blades).toEqual([]);
    expect((await store.blade(BLADE))?.resources['memoryGiB']).toBe(32);
    const resized = (await store.events(0, 1_000)).filter((e) => e.type === 'blade.resources');
    expect(resized.map((e) => [e.subject, e.data])).toEqual([
      [
        BLADE,
        { before: expect.objectContaining({ memoryGiB: 64 }), after: expect.objectContaining({ memoryGiB: 32 }) },
      ],
    ]);

    // A restart: the new process has no cached bodies, reads every known System once, and finds the change back.
    await controller.stop();
    await driver.close();
    await mockup.patch(`/redfish/v1/Systems/${BLADE}`, { MemorySummary: { TotalSystemMemoryGiB: 48 } });
    ({ controller, driver } = await start());
    await controller.discover();
    expect((await store.blade(BLADE))?.resources['memoryGiB']).toBe(48);
    await controller.stop();
    await driver.close();
  });
});
