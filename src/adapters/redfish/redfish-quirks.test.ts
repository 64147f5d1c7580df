// The Redfish driver against habits of BMCs in the field, as fixtures in the project's own words (testing/quirks-mockup):
// no SessionService, a login that answers 500, processors without CoreCount, memory only per DIMM, disks only under
// SimpleStorage (or under both views), an empty bay (State Absent), Reset answered 202 with a Task or 200 with a body
// that is no JSON object, ETags, and endpoints that list no System or refuse the credentials.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedfishError } from './redfish-error.js';
import { RedfishHardware, type RedfishLogEntry } from './redfish-hardware.js';
import { verdictOf } from '../../core/verdict.js';
import { serveMockup, type MockupServer } from './testing/mockup-server.js';

const QUIRKS = join(import.meta.dirname, 'testing', 'quirks-mockup');
const CREDENTIALS = { username: 'operator', password: 'quirks-8d21' };

let mockup: MockupServer;
let logs: RedfishLogEntry[];
let drivers: RedfishHardware[];

function driver(extra: Partial<ConstructorParameters<typeof RedfishHardware>[0]> = {}): RedfishHardware {
  const d = new RedfishHardware({
    url: mockup.url,
    ...CREDENTIALS,
    timeoutMs: 500,
    retries: 0,
    log: (e) => logs.push(e),
    ...extra,
  });
  drivers.push(d);
  return d;
}

beforeEach(async () => {
  mockup = await serveMockup(QUIRKS, CREDENTIALS);
  logs = [];
  drivers = [];
});
afterEach(async () => {
  for (const d of drivers) await d.close();
  await mockup.close();
});

const said = (pattern: RegExp) => logs.filter((l) => pattern.test(l.msg));

describe('auth: auto', () => {
  it("uses a session from the root's Links.Sessions where the service offers one", async () => {
    mockup.login = 'ok';
    const d = driver();
    await d.inventory();
    expect(await d.auth()).toEqual({ mode: 'session', why: 'a session from /redfish/v1/SessionService/Sessions' });
    expect(mockup.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Sessions'))).toHaveLength(1);
  });

  it('falls back to Basic on a service without a SessionService, and says why once', async () => {
    mockup.login = 'none';
    const d = driver();
    expect((await d.inventory()).length).toBeGreaterThan(0);
    await d.inventory();
    expect((await d.auth()).mode).toBe('basic');
    expect(said(/Basic authentication/).map((l) => [l.level, l.msg])).toEqual([
      ['warn', `${d.name}: using Basic authentication: the service root links no Sessions collection`],
    ]);
    expect(mockup.requests.some((r) => r.method === 'POST' && r.path.endsWith('/Sessions'))).toBe(false);
  });

  it('falls back to Basic when the login answers 500', async () => {
    mockup.login = 500;
    const d = driver();
    expect((await d.inventory()).length).toBeGreaterThan(0);
    expect((await d.auth()).mode).toBe('basic');
    expect(said(/Basic authentication/)).toHaveLength(1);
    expect(said(/Basic authentication/)[0]?.msg).toMatch(
      /: using Basic authentication: the session login failed \(login failed \(500/,
    );
  });

  it('refused credentials are an error and a failing endpoint, not a fallback', async () => {
    mockup.login = 'ok';
    const d = new RedfishHardware({
      url: mockup.url,
      username: 'operator',
      password: 'wrong-0000',
      timeoutMs: 500,
      retries: 0,
    });
    drivers.push(d);
    const error = await d.inventory().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RedfishError);
    expect((error as RedfishError).code).toBe('auth');
    expect(d.readiness().state).toBe('failing');
  });

  it('an endpoint that lists 0 Systems is a warning, in the log and in its readiness', async () => {
    mockup.override('/redfish/v1/Systems', { body: JSON.stringify({ Members: [] }) });
    const d = driver();
    expect(await d.inventory()).toEqual([]);
    expect(d.readiness()).toEqual({ state: 'warning', detail: 'lists 0 Systems: no blade to manage here' });
    expect(said(/0 Systems/).map((l) => l.level)).toEqual(['warn']);
  });
});

describe('resources, names and slots', () => {
  it('maps what each BMC says to the same keys, with the documented fallbacks', async () => {
    const d = driver();
    const blades = await d.inventory();
    expect(blades).toEqual([
      {
        id: 'node-07',
        name: 'db-node-07',
        // Cores and threads summed over the two CPUs (no CoreCount), the GPU counted, the Absent DIMM and disk left out.
        resources: {
          memoryGiB: 128,
          cpuCount: 32,
          cpuThreads: 64,
          cpuModel: 'AMD EPYC 7313 16-Core Processor',
          cpuArch: 'x86_64',
          gpuCount: 1,
          storageTB: 4,
        },
        location: { chassis: 'encl-a', slot: 0, label: 'Bay 0' },
      },
      {
        id: 'sockets-only',
        resources: { memoryGiB: 128, cpuCount: 2 },
        location: { chassis: 'encl-a', slot: 7, label: 'Blade 7' },
      },
      // The same disk under Storage and SimpleStorage counts once.
      {
        id: 'both-views',
        resources: { memoryGiB: 256, cpuCount: 24, cpuThreads: 48, cpuModel: 'Xeon Gold 6336Y', storageTB: 1.92 },
      },
    ]);
    expect(said(/sockets-only/).map((l) => [l.level, l.msg])).toEqual([
      [
        'warn',
        'blade sockets-only: /redfish/v1/Systems/sockets-only: no CoreCount and no TotalCores; cpuCount is ProcessorSummary.Count (sockets, not cores)',
      ],
    ]);
  });

  it('an empty bay (Status.State Absent) is no blade; a known blade that turns Absent says so, and power On with it is a contradiction', async () => {
    const d = driver();
    const { problems } = await d.discover();
    expect(problems.map((p) => p.message)).toEqual([
      'blade empty-bay: /redfish/v1/Systems/empty-bay: Status.State is Absent (not installed)',
    ]);
    await mockup.patch('/redfish/v1/Systems/both-views', { Status: { State: 'Absent' } });
    const seen = await d.status('both-views');
    expect(seen).toMatchObject({ power: 'on', state: 'Absent' });
    // The detector reads PowerState On with State Absent as a BMC contradicting itself: suspect, not failed.
    expect(verdictOf({ kind: 'status', ...seen }, true)).toEqual({
      verdict: 'suspect',
      reason: 'contradictory reply: PowerState On and State Absent',
    });
    await mockup.patch('/redfish/v1/Systems/both-views', { PowerState: 'Off', Status: { State: 'Absent' } });
    expect(verdictOf({ kind: 'status', ...(await d.status('both-views')) }, true)).toEqual({
      verdict: 'failed',
      reason: 'State Absent',
    });
  });
});

describe('refresh', () => {
  it('re-reads known Systems with If-None-Match, and returns one whose resources changed', async () => {
    mockup.etags = true;
    const d = driver();
    const first = await d.inventory();
    const known = new Set(first.map((b) => b.id));
    expect(await d.inventory(known)).toEqual([]);
    const conditional = mockup.requests.filter((r) => r.path === '/redfish/v1/Systems/both-views');
    expect(conditional.length).toBe(2);
    await mockup.patch('/redfish/v1/Systems/both-views', { MemorySummary: { TotalSystemMemoryGiB: 128 } });
    const changed = await d.inventory(known);
    expect(changed.map((b) => [b.id, b.resources['memoryGiB']])).toEqual([['both-views', 128]]);
  });

  it('without ETags, compares the bodies', async () => {
    const d = driver();
    const known = new Set((await d.inventory()).map((b) => b.id));
    expect(await d.inventory(known)).toEqual([]);
    await mockup.patch('/redfish/v1/Systems/node-07', { ProcessorSummary: { Count: 2, CoreCount: 24 } });
    expect((await d.inventory(known)).map((b) => [b.id, b.resources['cpuCount']])).toEqual([['node-07', 24]]);
  });
});

describe('Reset replies', () => {
  it('a 202 with a Task monitor is followed until the task completes', async () => {
    mockup.resetStatus = 202;
    mockup.task = { running: 2, end: 'Completed' };
    const d = driver();
    await d.setPower('node-07', 'off');
    const monitor = mockup.requests.filter((r) => r.path === '/redfish/v1/TaskService/Tasks/1/Monitor');
    expect(monitor).toHaveLength(3);
    expect((await d.status('node-07')).power).toBe('off');
  });

  it("a task that ends in Exception fails the call with the task's message", async () => {
    mockup.resetStatus = 202;
    mockup.task = { running: 1, end: 'Exception' };
    const d = driver();
    const error = await d.setPower('node-07', 'off').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RedfishError);
    expect((error as Error).message).toBe(
      'blade node-07: task /redfish/v1/TaskService/Tasks/1/Monitor ended Exception: power controller fault',
    );
  });

  it('a task that outlives the deadline fails the call, naming the monitor', async () => {
    mockup.resetStatus = 202;
    mockup.task = { running: 1_000, end: 'Completed' };
    const d = driver({ taskMs: 300 });
    const error = await d.setPower('node-07', 'off').then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as RedfishError).code).toBe('timeout');
    expect((error as Error).message).toMatch(
      /task \/redfish\/v1\/TaskService\/Tasks\/1\/Monitor still Running after 300 ms/,
    );
  });

  for (const body of ['"POST request completed"', 'OK', '[]']) {
    it(`a 200 whose body is ${body} is accepted`, async () => {
      mockup.resetStatus = 200;
      mockup.resetBody = body;
      const d = driver();
      await d.setPower('node-07', 'off');
      expect((await d.status('node-07')).power).toBe('off');
    });
  }
});
