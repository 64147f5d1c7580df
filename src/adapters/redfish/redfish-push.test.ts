// Push subscriptions against the emulator, with SSE on as well: subscribed on the first listener, each event heard
// once though it came by both paths, forged events refused by the receiver, the subscription renewed when the
// service forgot it, deleted on stop; and a service without Subscriptions falls back to SSE, saying so.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeWorld } from '../fake/index.js';
import { startEmulator, type Emulator } from '../../emulator/server.js';
import { eventually } from '../../ports/contract-support.js';
import type { HardwareEvent } from '../../ports/hardware.js';
import { RedfishHardware, type RedfishLogEntry } from './redfish-hardware.js';
import { SECRET_HEADER } from './redfish-push.js';
import { startPushReceiver, type PushReceiver } from './redfish-push-receiver.js';

const SECRET = 'push-test-9e4f';
let world: FakeWorld;
let emulator: Emulator;
let receiver: PushReceiver;
let logs: RedfishLogEntry[];
let driver: RedfishHardware;
let unroute: () => void;

function start(secretIn: 'context' | 'header'): void {
  driver = new RedfishHardware({
    url: emulator.url,
    ...emulator.credentials,
    timeoutMs: 1_000,
    eventRetryMs: 20,
    log: (e) => logs.push(e),
    push: { destination: receiver.destinationOf('emu'), secret: SECRET, secretIn },
  });
  unroute = receiver.route('emu', (payload) => void driver.pushed(payload));
}

beforeEach(async () => {
  world = new FakeWorld({ powerDelayMs: 5, blades: [{ id: 'b1', resources: { memoryGiB: 64 }, power: 'off' }] });
  emulator = await startEmulator({ world });
  receiver = await startPushReceiver({ host: '127.0.0.1', port: 0, path: '/events', secret: SECRET });
  logs = [];
});
afterEach(async () => {
  unroute();
  await driver.close();
  await receiver.close();
  await emulator.close();
});

describe('Redfish push subscriptions', () => {
  for (const secretIn of ['context', 'header'] as const) {
    it(`subscribes on the first listener, hears each event once over push and SSE, deletes on stop (secret in ${secretIn})`, async () => {
      start(secretIn);
      const heard: HardwareEvent[] = [];
      const stop = driver.subscribe((e) => heard.push(e));
      await driver.setPower('b1', 'on');
      await eventually(
        async () => emulator.subscriptions.delivered,
        (n) => n >= 1,
        5_000,
        'a pushed event',
      );
      await eventually(
        async () => heard.filter((e) => e.kind === 'power' && e.power === 'on').length,
        (n) => n >= 1,
        5_000,
        'power on heard',
      );
      expect(emulator.sse.clients).toBe(1);
      expect((await driver.eventPaths()).summary).toBe('events from push and SSE');
      // Both paths carried it (same EventId); the listener heard it once.
      await driver.setPower('b1', 'off');
      await eventually(
        async () => emulator.subscriptions.delivered,
        (n) => n >= 2,
        5_000,
        'the second pushed event',
      );
      await eventually(
        async () => heard.some((e) => e.kind === 'power' && e.power === 'off'),
        (yes) => yes,
        5_000,
        'power off heard',
      );
      await new Promise((r) => setTimeout(r, 100));
      expect(heard.filter((e) => e.kind === 'power').map((e) => e.kind === 'power' && e.power)).toEqual(['on', 'off']);
      expect(emulator.subscriptions.ids()).toHaveLength(1);
      stop();
      await eventually(
        async () => emulator.subscriptions.ids().length,
        (n) => n === 0,
        5_000,
        'the subscription deleted',
      );
    });
  }

  it('refuses a forged event: no secret, or the wrong one', async () => {
    start('context');
    const heard: HardwareEvent[] = [];
    const stop = driver.subscribe((e) => heard.push(e));
    await driver.setPower('b1', 'on');
    const forged = {
      Events: [
        {
          EventId: 'x1',
          MessageId: 'ResourceEvent.1.0.ResourcePoweredOff',
          OriginOfCondition: { '@odata.id': '/redfish/v1/Systems/b1' },
        },
      ],
    };
    const post = (body: object, headers: Record<string, string> = {}) =>
      fetch(receiver.destinationOf('emu'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    expect((await post(forged)).status).toBe(401);
    expect((await post({ ...forged, Context: 'guess' })).status).toBe(401);
    expect((await post(forged, { [SECRET_HEADER]: 'guess' })).status).toBe(401);
    expect(receiver.refused).toBe(3);
    await new Promise((r) => setTimeout(r, 50));
    expect(heard.some((e) => e.kind === 'power' && e.power === 'off')).toBe(false);
    expect((await post({ ...forged, Context: SECRET })).status).toBe(204);
    await eventually(
      async () => heard.some((e) => e.kind === 'power' && e.power === 'off'),
      (yes) => yes,
      2_000,
      'the genuine event',
    );
    stop();
  });

  it('renews a subscription the service forgot (a BMC reboot) on the next inventory', async () => {
    start('context');
    const stop = driver.subscribe(() => {});
    await eventually(
      async () => emulator.subscriptions.ids(),
      (ids) => ids.length === 1,
      5_000,
      'subscribed',
    );
    const [first] = emulator.subscriptions.ids();
    emulator.subscriptions.delete(first!);
    await driver.inventory();
    await eventually(
      async () => emulator.subscriptions.ids(),
      (ids) => ids.length === 1 && ids[0] !== first,
      5_000,
      'subscribed again',
    );
    expect(logs.some((l) => l.msg.includes('is gone; subscribing again'))).toBe(true);
    stop();
  });

  it('falls back to SSE where the service takes no subscription, and says why', async () => {
    start('context');
    emulator.subscriptions.refuse = true;
    const stop = driver.subscribe(() => {});
    await eventually(
      async () => logs.map((l) => l.msg),
      (m) => m.some((x) => x.includes('events from SSE (push:')),
      5_000,
      'the fallback line',
    );
    expect((await driver.eventPaths()).push.mode).toBe('off');
    stop();
  });
});
