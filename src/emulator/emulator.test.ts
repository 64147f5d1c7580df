// The emulator speaks Redfish (auth, sessions, Reset with a real delay, events) and its control API injects faults
// that show through Redfish the way real ones would.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeWorld } from '../adapters/fake/index.js';
import { RedfishHardware } from '../adapters/redfish/redfish-hardware.js';
import { serverSentEvents } from '../adapters/redfish/redfish-events.js';
import { eventually } from '../ports/contract-support.js';
import type { HardwareEvent } from '../ports/hardware.js';
import { startEmulator, type Emulator } from './server.js';

const x86 = { memoryGiB: 256, cpuCount: 32, storageTB: 4, cpuArch: 'x86_64' };
let world: FakeWorld;
let emulator: Emulator;
let repairs: { blade: string; actor: string }[];

beforeEach(async () => {
  world = new FakeWorld({
    powerDelayMs: 100,
    unreachableDelayMs: 20,
    blades: [
      { id: 'b1', resources: x86, location: { chassis: 'c1', slot: 1 } },
      { id: 'b2', resources: x86, location: { chassis: 'c1', slot: 2 }, power: 'off' },
      { id: 'b3', resources: { ...x86, cpuArch: 'aarch64' }, location: { chassis: 'c2', slot: 1 } },
    ],
    workloads: [{ id: 'W1', requirements: { memoryGiB: 128 }, blade: 'b1' }],
  });
  repairs = [];
  emulator = await startEmulator({
    world,
    credentials: { username: 'admin', password: 'secret-5e2b' },
    hooks: {
      onRepair: async (blade, actor) => {
        repairs.push({ blade, actor });
        return { accepted: true, message: 'repaired' };
      },
    },
  });
});
afterEach(() => emulator.close());

const basic = { Authorization: `Basic ${Buffer.from('admin:secret-5e2b').toString('base64')}` };
const get = (path: string, headers: Record<string, string> = basic) => fetch(`${emulator.url}${path}`, { headers });
const post = (path: string, body: unknown, headers: Record<string, string> = basic) =>
  fetch(`${emulator.url}${path}`, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
const control = (method: string, path: string, body?: unknown) =>
  fetch(`${emulator.url}/emulator/v1${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${emulator.controlToken}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const json = async (response: Response): Promise<Record<string, unknown>> =>
  (await response.json()) as Record<string, unknown>;

describe('Redfish surface', () => {
  it('serves the service root without auth and everything else only with it', async () => {
    expect((await get('/redfish/v1/', {})).status).toBe(200);
    const refused = await get('/redfish/v1/Systems', {});
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('Basic');
    expect(
      (await get('/redfish/v1/Systems', { Authorization: `Basic ${Buffer.from('admin:wrong').toString('base64')}` }))
        .status,
    ).toBe(401);
    expect(await json(await get('/redfish/v1/Systems'))).toMatchObject({ 'Members@odata.count': 3 });
  });

  it('logs in with a session (201, X-Auth-Token, Location) and out with DELETE', async () => {
    const login = await post('/redfish/v1/SessionService/Sessions', { UserName: 'admin', Password: 'secret-5e2b' }, {});
    expect(login.status).toBe(201);
    const token = login.headers.get('x-auth-token')!;
    const location = login.headers.get('location')!;
    expect(location).toMatch(/^\/redfish\/v1\/SessionService\/Sessions\/\d+$/);
    expect((await get('/redfish/v1/Systems/b1', { 'X-Auth-Token': token })).status).toBe(200);
    expect(
      (await fetch(`${emulator.url}${location}`, { method: 'DELETE', headers: { 'X-Auth-Token': token } })).status,
    ).toBe(204);
    expect((await get('/redfish/v1/Systems/b1', { 'X-Auth-Token': token })).status).toBe(401);
    expect(
      (await post('/redfish/v1/SessionService/Sessions', { UserName: 'admin', Password: 'nope' }, {})).status,
    ).toBe(401);
  });

  it('describes a blade: power, health, processors, memory, storage, its chassis and slot, and the Reset action', async () => {
    const system = await json(await get('/redfish/v1/Systems/b1'));
    expect(system).toMatchObject({
      Id: 'b1',
      PowerState: 'On',
      Status: { State: 'Enabled', Health: 'OK' },
      ProcessorSummary: { Count: 2, CoreCount: 32, Model: 'Intel(R) Xeon(R) Gold 6338' },
      MemorySummary: { TotalSystemMemoryGiB: 256 },
      Links: { Chassis: [{ '@odata.id': '/redfish/v1/Chassis/Blade-b1' }] },
      Actions: {
        '#ComputerSystem.Reset': {
          'ResetType@Redfish.AllowableValues': ['On', 'ForceOff', 'GracefulShutdown', 'ForceRestart'],
        },
      },
    });
    expect(await json(await get('/redfish/v1/Chassis/Blade-b1'))).toMatchObject({
      ChassisType: 'Blade',
      Location: { PartLocation: { LocationOrdinalValue: 1, LocationType: 'Slot' } },
      Links: { ContainedBy: { '@odata.id': '/redfish/v1/Chassis/c1' } },
    });
    expect(await json(await get('/redfish/v1/Chassis/c1'))).toMatchObject({
      ChassisType: 'Enclosure',
      Links: { Contains: [{}, {}] },
    });
  });

  it('Reset answers 204 and the power changes after the delay; ForceRestart drops a running workload', async () => {
    const reset = (type: string) => post('/redfish/v1/Systems/b1/Actions/ComputerSystem.Reset', { ResetType: type });
    const bad = await reset('Nmi');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('not one of On, ForceOff, GracefulShutdown, ForceRestart');
    expect((await reset('ForceRestart')).status).toBe(204);
    expect(world.workload('W1')).toMatchObject({ state: 'stopped', stateKept: false });
    expect((await json(await get('/redfish/v1/Systems/b1')))['PowerState']).toBe('PoweringOn');
    await eventually(
      async () => (await json(await get('/redfish/v1/Systems/b1')))['PowerState'],
      (p) => p === 'On',
      2_000,
      'b1 on again',
    );
  });

  it('streams power and health changes as Redfish events, and replays missed ones after Last-Event-ID', async () => {
    const abort = new AbortController();
    const stream = await fetch(`${emulator.url}/redfish/v1/EventService/SSE`, { headers: basic, signal: abort.signal });
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    const seen: { id: string | null; data: string }[] = [];
    const reading = (async () => {
      for await (const message of serverSentEvents(stream.body, abort.signal)) seen.push(message);
    })().catch(() => {});
    world.setHealth('b3', 'warning');
    world.requestPower('b2', 'on');
    await eventually(
      async () => seen.length,
      (n) => n >= 2,
      2_000,
      'two events',
    );
    abort.abort();
    await reading;
    const ids = seen.map(
      (m) =>
        (JSON.parse(m.data) as { Events: { MessageId: string; OriginOfCondition: { '@odata.id': string } }[] })
          .Events[0],
    );
    expect(ids).toEqual([
      expect.objectContaining({
        MessageId: 'ResourceEvent.1.4.2.ResourceStatusChangedWarning',
        OriginOfCondition: { '@odata.id': '/redfish/v1/Systems/b3' },
      }),
      expect.objectContaining({
        MessageId: 'ResourceEvent.1.4.2.ResourcePoweredOn',
        OriginOfCondition: { '@odata.id': '/redfish/v1/Systems/b2' },
      }),
    ]);
    // Reconnecting after the first event gets the second again.
    const again = new AbortController();
    const replay = await fetch(`${emulator.url}/redfish/v1/EventService/SSE`, {
      headers: { ...basic, 'Last-Event-ID': seen[0]!.id! },
      signal: again.signal,
    });
    const replayed: { id: string | null; data: string }[] = [];
    const rereading = (async () => {
      for await (const message of serverSentEvents(replay.body, again.signal)) replayed.push(message);
    })().catch(() => {});
    await eventually(
      async () => replayed.length,
      (n) => n >= 1,
      2_000,
      'the replayed event',
    );
    again.abort();
    await rereading;
    // Exactly the event after Last-Event-ID, under its own id: not the first one again, not an empty replay.
    expect(replayed.map((m) => m.id)).toEqual([seen[1]!.id]);
    expect(replayed[0]!.data).toBe(seen[1]!.data);
  });
});

describe('faults through the control API', () => {
  it('needs the bearer token, and names the bad field of a request', async () => {
    expect((await fetch(`${emulator.url}/emulator/v1/world`)).status).toBe(401);
    const bad = await control('POST', '/blades/b1/faults', { kind: 'flap', times: 0 });
    expect(bad.status).toBe(400);
    expect(await json(bad)).toMatchObject({ error: { code: 'bad-request', field: 'times' } });
    expect((await control('POST', '/blades/nope/faults', { kind: 'fail' })).status).toBe(404);
  });

  it("network loss: the blade's Redfish stops answering (dropped), or never answers (hang)", async () => {
    await control('POST', '/blades/b1/faults', { kind: 'network-loss' });
    await expect(get('/redfish/v1/Systems/b1')).rejects.toThrow();
    expect((await get('/redfish/v1/Systems/b2')).status).toBe(200);
    await control('POST', '/blades/b2/faults', { kind: 'network-loss', hang: true });
    await expect(
      fetch(`${emulator.url}/redfish/v1/Systems/b2`, { headers: basic, signal: AbortSignal.timeout(200) }),
    ).rejects.toThrow(/aborted|timeout/i);
    // The enclosure still lists them; a repair brings them back and tells the controller.
    expect(await json(await get('/redfish/v1/Systems'))).toMatchObject({ 'Members@odata.count': 3 });
    expect(await json(await control('POST', '/blades/b1/repair', { actor: 'operator:alice' }))).toMatchObject({
      controller: 'repaired',
    });
    expect(repairs).toEqual([{ blade: 'b1', actor: 'operator:alice' }]);
    expect((await get('/redfish/v1/Systems/b1')).status).toBe(200);
  });

  it('memory fault: critical but on; chassis power loss: every blade of it off and unable to power on', async () => {
    await control('POST', '/blades/b3/faults', { kind: 'memory-fault' });
    expect(await json(await get('/redfish/v1/Systems/b3'))).toMatchObject({
      PowerState: 'On',
      Status: { Health: 'Critical' },
    });
    const lost = await json(await control('POST', '/chassis/c1/power-loss'));
    expect(lost['blades']).toEqual(['b1', 'b2']);
    expect(world.workload('W1')).toMatchObject({ state: 'stopped', stateKept: false });
    expect((await post('/redfish/v1/Systems/b1/Actions/ComputerSystem.Reset', { ResetType: 'On' })).status).toBe(204);
    // The world saw the request and scheduled nothing: a change in flight would read PoweringOn until it lands.
    expect(
      world.history().filter((h) => h.kind === 'power-requested' && h.blade === 'b1' && h.power === 'on'),
    ).toHaveLength(1);
    expect((await json(await get('/redfish/v1/Systems/b1')))['PowerState']).toBe('Off');
    // The enclosure itself reads Off until its power is back: the first of its blades repaired says so.
    expect((await json(await get('/redfish/v1/Chassis/c1')))['PowerState']).toBe('Off');
    await control('POST', '/blades/b1/repair', {});
    expect((await json(await get('/redfish/v1/Chassis/c1')))['PowerState']).toBe('On');
    expect((await json(await get('/redfish/v1/Systems/b2')))['PowerState']).toBe('Off');
    expect((await control('POST', '/chassis/c9/power-loss')).status).toBe(404);
  });

  it('flapping health goes bad and back, ending healthy; the Redfish driver hears it', async () => {
    const driver = new RedfishHardware({ url: emulator.url, ...emulator.credentials, timeoutMs: 1_000 });
    const heard: HardwareEvent[] = [];
    const stop = driver.subscribe((e) => heard.push(e));
    await driver.setPower('b2', 'off'); // waits for the stream, changes nothing
    await control('POST', '/blades/b3/faults', { kind: 'flap', health: 'critical', times: 2, periodMs: 20 });
    await eventually(
      async () => heard.filter((e) => e.blade === 'b3').length,
      (n) => n >= 4,
      3_000,
      'four health events',
    );
    expect(heard.filter((e) => e.blade === 'b3').map((e) => e.kind === 'health' && e.health)).toEqual([
      'critical',
      'ok',
      'critical',
      'ok',
    ]);
    stop();
    await driver.close();
  });

  it('a new blade appears in Redfish, announced by an event the driver turns into "added"', async () => {
    const driver = new RedfishHardware({ url: emulator.url, ...emulator.credentials, timeoutMs: 1_000 });
    const heard: HardwareEvent[] = [];
    const stop = driver.subscribe((e) => heard.push(e));
    await driver.setPower('b1', 'on');
    const added = await control('POST', '/blades', {
      id: 'b4',
      resources: { memoryGiB: 64, cpuArch: 'x86_64' },
      location: { chassis: 'c2', slot: 2 },
    });
    expect(added.status).toBe(201);
    await eventually(
      async () => heard,
      (h) => h.some((e) => e.kind === 'added' && e.blade === 'b4'),
      2_000,
      'added b4',
    );
    expect((await driver.inventory()).find((b) => b.id === 'b4')).toEqual({
      id: 'b4',
      resources: { memoryGiB: 64, cpuArch: 'x86_64', cpuModel: 'Intel(R) Xeon(R) Gold 6338' },
      location: { chassis: 'c2', slot: 2, label: 'Slot 2' },
    });
    expect(await driver.status('b4')).toEqual({
      power: 'off',
      health: 'ok',
      state: 'StandbyOffline',
      chassisPower: 'on',
    });
    expect((await control('POST', '/blades', { id: 'b4', resources: { memoryGiB: 1 } })).status).toBe(409);
    stop();
    await driver.close();
  });

  it('the Redfish driver logs in again when its session is gone', async () => {
    const driver = new RedfishHardware({ url: emulator.url, ...emulator.credentials, timeoutMs: 1_000 });
    expect((await driver.status('b1')).power).toBe('on');
    const sessions = (await json(await get('/redfish/v1/SessionService/Sessions')))['Members'] as {
      '@odata.id': string;
    }[];
    expect(sessions).toHaveLength(1);
    for (const s of sessions) await fetch(`${emulator.url}${s['@odata.id']}`, { method: 'DELETE', headers: basic });
    expect((await driver.status('b1')).power).toBe('on');
    await driver.close();
    expect((await json(await get('/redfish/v1/SessionService/Sessions')))['Members']).toEqual([]);
  });
});
