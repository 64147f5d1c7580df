// The emulator's slow and malformed Redfish replies, injected through the control API, end by themselves,
// and the Redfish driver reports a malformed reply as an error (never as a blade state).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeWorld } from '../adapters/fake/index.js';
import { RedfishHardware } from '../adapters/redfish/redfish-hardware.js';
import { RedfishError } from '../adapters/redfish/redfish-error.js';
import { eventually } from '../orchestrator/testing/harness.js';
import { ReplyFaults } from './reply-faults.js';
import { startEmulator, type Emulator } from './server.js';

let emulator: Emulator;
const basic = { Authorization: `Basic ${Buffer.from('admin:secret-10').toString('base64')}` };

beforeEach(async () => {
  const world = new FakeWorld({
    blades: [
      { id: 'b1', resources: { memoryGiB: 64 } },
      { id: 'b2', resources: { memoryGiB: 64 } },
    ],
  });
  emulator = await startEmulator({ world, credentials: { username: 'admin', password: 'secret-10' } });
});
afterEach(() => emulator.close());

const fault = (blade: string, body: unknown) =>
  fetch(`${emulator.url}/emulator/v1/blades/${blade}/faults`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${emulator.controlToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
const system = (blade: string) => fetch(`${emulator.url}/redfish/v1/Systems/${blade}`, { headers: basic });

describe('reply faults', () => {
  it('answers a malformed blade with unusable bodies until the window ends; other blades are untouched', async () => {
    const injected = await fault('b1', { kind: 'malformed', forMs: 300 });
    expect(injected.status).toBe(200);
    expect(await injected.json()).toMatchObject({ done: expect.stringContaining('malformed') });
    const bodies = new Set<string>();
    for (let i = 0; i < 3; i++) bodies.add(await (await system('b1')).text());
    expect(bodies.size).toBe(3);
    expect([...bodies].some((b) => b.includes('PowerState'))).toBe(true);
    expect(await (await system('b2')).json()).toMatchObject({ Id: 'b2', PowerState: 'On' });
    // The window ends by itself: b1 answers a usable body again (how soon depends on the machine, so no time is checked).
    await eventually(
      async () => (await (await system('b1')).text()).includes('"Id":"b1"'),
      5_000,
      'b1 to answer normally',
    );
    expect(await (await system('b1')).json()).toMatchObject({ Id: 'b1', PowerState: 'On' });
  });

  it('makes the Redfish driver fail with an error for a malformed system, never a made-up status', async () => {
    const driver = new RedfishHardware({
      url: emulator.url,
      username: 'admin',
      password: 'secret-10',
      name: 'emulator',
      timeoutMs: 1_000,
      retries: 0,
    });
    try {
      expect(await driver.status('b1')).toMatchObject({ power: 'on', health: 'ok' });
      await fault('b1', { kind: 'malformed', forMs: 5_000 });
      for (let i = 0; i < 3; i++) await expect(driver.status('b1')).rejects.toBeInstanceOf(RedfishError);
    } finally {
      await driver.close();
    }
  });

  it('holds a slow blade’s replies back while another blade answers at once', async () => {
    await fault('b1', { kind: 'slow', delayMs: 2_000, forMs: 10_000 });
    const order: string[] = [];
    const slow = system('b1').then((r) => {
      order.push('b1');
      return r;
    });
    const quick = system('b2').then((r) => {
      order.push('b2');
      return r;
    });
    // Order, not time: b2, asked after b1, is answered first because only b1's replies are held back.
    expect((await quick).status).toBe(200);
    expect((await slow).status).toBe(200);
    expect(order).toEqual(['b2', 'b1']);
  });

  it('names the field of a bad fault body', async () => {
    const bad = await fault('b1', { kind: 'slow', delayMs: -1 });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { field: 'delayMs' } });
  });

  it('ends a window at its time, and clear ends it at once', () => {
    let now = 1_000;
    const faults = new ReplyFaults(() => now);
    faults.slow('b1', 50, 100);
    faults.malformed('b2', 100);
    expect(faults.delayOf('b1')).toBe(50);
    expect(faults.isMalformed('b2')).toBe(true);
    faults.clear('b2');
    expect(faults.isMalformed('b2')).toBe(false);
    now = 1_100;
    expect(faults.delayOf('b1')).toBe(0);
  });
});
