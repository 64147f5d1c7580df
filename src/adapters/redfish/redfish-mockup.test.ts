// The Redfish driver against a second, independent implementation: a static DMTF-style bladed mockup with vendor
// habits the emulator does not have (HealthRollup only, sockets without CoreCount, a RAID controller, slots as
// labels, missing optional properties, Reset answering 200, 202 or 204), and against bad replies.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeWorld, fakePorts } from '../fake/index.js';
import { Controller } from '../../orchestrator/controller.js';
import { TEST_TIMING } from '../../orchestrator/testing/harness.js';
import { systemClock } from '../../ports/clock.js';
import { eventually } from '../../ports/contract-support.js';
import { SqliteStore } from '../../store/sqlite/sqlite-store.js';
import { RedfishError } from './redfish-error.js';
import { RedfishHardware, type RedfishLogEntry } from './redfish-hardware.js';
import { serveMockup, type MockupServer } from './testing/mockup-server.js';

const MOCKUP = join(import.meta.dirname, 'testing', 'bladed-mockup');
const CREDENTIALS = { username: 'root', password: 'calvin-7f3a' };

let mockup: MockupServer;
let driver: RedfishHardware;
let logs: RedfishLogEntry[];

beforeEach(async () => {
  mockup = await serveMockup(MOCKUP, CREDENTIALS);
  logs = [];
  driver = new RedfishHardware({
    url: mockup.url,
    ...CREDENTIALS,
    auth: 'basic',
    timeoutMs: 300,
    retries: 1,
    log: (e) => logs.push(e),
  });
});
afterEach(async () => {
  await driver.close();
  await mockup.close();
});

async function rejection(promise: Promise<unknown>): Promise<RedfishError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RedfishError);
  return error as RedfishError;
}

describe('Redfish driver against a bladed mockup', () => {
  it('discovers blades with their resources and slots, and reports a system it cannot size', async () => {
    const { blades, problems } = await driver.discover();
    expect(blades).toEqual([
      {
        id: 'Blade1',
        path: '/redfish/v1/Systems/Blade1',
        name: 'Blade 1',
        // Two sockets of 40 cores: cores from the Processors, not the socket count.
        resources: {
          memoryGiB: 512,
          cpuCount: 80,
          cpuThreads: 160,
          cpuModel: 'Intel(R) Xeon(R) Platinum 8380 CPU @ 2.30GHz',
          cpuArch: 'x86_64',
          storageTB: 3.841,
        },
        location: { chassis: 'Enclosure1', slot: 1, label: 'Slot 1' },
      },
      {
        id: 'Blade2',
        path: '/redfish/v1/Systems/Blade2',
        name: 'Blade 2',
        resources: { memoryGiB: 256 },
        location: { chassis: 'Enclosure1', slot: 2, label: 'Slot 2' },
      },
    ]);
    expect(problems.map((p) => [p.code, p.blade, p.message])).toEqual([
      [
        'bad-reply',
        'Blade3',
        'blade Blade3: /redfish/v1/Systems/Blade3: neither MemorySummary.TotalSystemMemoryGiB nor a Memory collection with CapacityMiB',
      ],
    ]);
    // inventory() keeps going and says why in the log.
    expect((await driver.inventory()).map((b) => b.id)).toEqual(['Blade1', 'Blade2']);
    expect(logs.some((l) => l.level === 'warn' && l.msg.includes('Blade3') && l.msg.includes('MemorySummary'))).toBe(
      true,
    );
  });

  it('reads health from HealthRollup, and takes a system without Status as healthy', async () => {
    expect(await driver.status('Blade1')).toEqual({ power: 'on', health: 'ok', state: 'Enabled', chassisPower: 'on' });
    expect(await driver.status('Blade2')).toEqual({ power: 'off', health: 'ok' });
    expect(await driver.status('Blade3')).toEqual({
      power: 'on',
      health: 'warning',
      state: 'Enabled',
      chassisPower: 'on',
    });
  });

  for (const status of [204, 202, 200] as const) {
    it(`powers a blade off and on when Reset answers ${status}`, async () => {
      mockup.resetStatus = status;
      await driver.setPower('Blade1', 'off');
      expect((await driver.status('Blade1')).power).toBe('off');
      await driver.setPower('Blade1', 'on');
      expect((await driver.status('Blade1')).power).toBe('on');
      const resets = mockup.requests.filter((r) => r.method === 'POST');
      expect(resets).toHaveLength(2);
    });
  }

  it('uses the reset types the system allows, and sends nothing when the power is already right', async () => {
    await driver.setPower('Blade2', 'off');
    expect(mockup.requests.filter((r) => r.method === 'POST')).toEqual([]);
    await driver.setPower('Blade2', 'on'); // Blade2 allows ForceOn, not On
    expect((await driver.status('Blade2')).power).toBe('on');
  });

  it('refuses an unknown blade with an error that names it', async () => {
    const error = await rejection(driver.status('Blade9'));
    expect(error).toMatchObject({ code: 'unknown-blade', blade: 'Blade9' });
    expect(error.message).toContain('Blade9');
  });

  describe('bad replies give clear errors', () => {
    it('malformed JSON', async () => {
      mockup.override('/redfish/v1/Systems/Blade1', { body: '{"Id": "Blade1", "PowerState": "On"' });
      const error = await rejection(driver.status('Blade1'));
      expect(error.code).toBe('bad-reply');
      expect(error.message).toBe('blade Blade1: /redfish/v1/Systems/Blade1 answered malformed JSON');
    });

    it('a reply of the wrong shape names the property', async () => {
      mockup.override('/redfish/v1/Systems/Blade1', {
        body: JSON.stringify({ '@odata.id': '/redfish/v1/Systems/Blade1', Id: 7 }),
      });
      const error = await rejection(driver.status('Blade1'));
      expect(error.code).toBe('bad-reply');
      expect(error.message).toMatch(/^blade Blade1: \/redfish\/v1\/Systems\/Blade1: Id: /);
    });

    it("a 500, retried once, then reported with the service's message", async () => {
      mockup.override('/redfish/v1/Systems/Blade1', {
        status: 500,
        body: JSON.stringify({ error: { code: 'Base.1.0.InternalError', message: 'BMC busy' } }),
      });
      const error = await rejection(driver.status('Blade1'));
      expect(error).toMatchObject({ code: 'http', status: 500, blade: 'Blade1' });
      expect(error.message).toBe('blade Blade1: /redfish/v1/Systems/Blade1 answered HTTP 500: BMC busy');
      expect(mockup.requests.filter((r) => r.path === '/redfish/v1/Systems/Blade1')).toHaveLength(2);
    });

    it('a hung connection times out', async () => {
      mockup.override('/redfish/v1/Systems/Blade1', { hang: true });
      const error = await rejection(driver.status('Blade1'));
      expect(error).toMatchObject({ code: 'timeout', blade: 'Blade1' });
      expect(error.message).toBe('blade Blade1: /redfish/v1/Systems/Blade1: no answer within 300 ms');
    });

    it('wrong credentials, without ever showing the password', async () => {
      const wrong = new RedfishHardware({
        url: mockup.url,
        username: 'root',
        password: 'not-the-password-9c1e',
        auth: 'basic',
        timeoutMs: 300,
      });
      const error = await rejection(wrong.status('Blade1'));
      expect(error.code).toBe('auth');
      expect(`${error.message} ${error.stack ?? ''} ${JSON.stringify(error)}`).not.toContain('not-the-password-9c1e');
      await wrong.close();
    });

    it('a service with no event stream: subscribers hear nothing, and the log says polling will do', async () => {
      const heard: unknown[] = [];
      const stop = driver.subscribe((e) => heard.push(e));
      await eventually(
        async () => logs.some((l) => l.msg.includes('no ServerSentEventUri')),
        (yes) => yes,
        2_000,
        'the warning',
      );
      // A power change the driver itself made, confirmed by reading it back: a stream would have announced it.
      await driver.setPower('Blade1', 'off');
      expect((await driver.status('Blade1')).power).toBe('off');
      expect(heard).toEqual([]);
      expect(mockup.requests.filter((r) => r.path.includes('SSE'))).toEqual([]);
      stop();
    });
  });

  it('bad replies never crash the controller: the blade is suspect with the reason quoted, never failed, and healthy again after', async () => {
    const world = new FakeWorld({ blades: [] });
    const { workloads, storage } = fakePorts(world);
    const store = SqliteStore.open(':memory:');
    const controller = await Controller.start({
      store,
      hardware: driver,
      workloads,
      storage,
      clock: systemClock,
      timing: TEST_TIMING,
      pollMs: 50,
      checkpointMs: 0,
    });
    try {
      expect((await controller.discover()).blades).toEqual(['Blade1', 'Blade2']);
      for (const bad of [{ body: '{oops' }, { status: 500, body: '' }, { hang: true }]) {
        mockup.override('/redfish/v1/Systems/Blade1', bad);
        await eventually(
          async () => (await store.blade('Blade1'))?.verdict,
          (v) => v === 'suspect',
          5_000,
          `Blade1 suspect after ${JSON.stringify(bad)}`,
        );
        expect((await store.blade('Blade1'))?.verdictReason).toMatch(/^management path: .*Blade1/);
        expect((await store.blade('Blade1'))?.state).toBe('standby');
        mockup.override('/redfish/v1/Systems/Blade1', null);
        await eventually(
          async () => (await store.blade('Blade1'))?.verdict,
          (v) => v === 'healthy',
          5_000,
          'Blade1 healthy again',
        );
      }
      expect((await store.blade('Blade2'))?.state).toBe('standby');
    } finally {
      await controller.stop();
      await store.close();
    }
  });
});
