// Several Redfish services as one HardwarePort, over HTTP to two emulators: each blade is reached through the
// service that has it, also after a restart whose discovery only listed the blades the store already knew.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeWorld } from '../adapters/fake/index.js';
import { RedfishHardware } from '../adapters/redfish/redfish-hardware.js';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { HardwareFleet } from './hardware-fleet.js';

const credentials = { username: 'admin', password: 'secret-fleet' };
let emulators: Emulator[] = [];
let drivers: RedfishHardware[] = [];

beforeEach(async () => {
  emulators = await Promise.all(
    [['a1', 'a2'], ['b1']].map((ids) =>
      startEmulator({
        world: new FakeWorld({
          blades: ids.map((id) => ({ id, resources: { memoryGiB: 64 }, power: 'off' as const })),
        }),
        credentials,
      }),
    ),
  );
});
afterEach(async () => {
  await Promise.all(drivers.map((d) => d.close()));
  await Promise.all(emulators.map((e) => e.close()));
  drivers = [];
});

const fleet = (): { fleet: HardwareFleet; services: RedfishHardware[] } => {
  const services = emulators.map(
    (e, i) => new RedfishHardware({ url: e.url, ...credentials, name: `lab${i + 1}`, timeoutMs: 2_000, retries: 0 }),
  );
  drivers.push(...services);
  return { fleet: new HardwareFleet(services), services };
};

describe('HardwareFleet', () => {
  it('lists every service’s blades and sends each command to the service that has the blade', async () => {
    const { fleet: f } = fleet();
    expect((await f.inventory()).map((b) => b.id).sort()).toEqual(['a1', 'a2', 'b1']);
    await f.setPower('b1', 'on');
    expect(emulators[1]!.world.blade('b1')?.power).not.toBe('off');
    expect(emulators[0]!.world.blade('a1')?.power).toBe('off');
  });

  it('after a restart that listed only known blades, reaches them without a full inventory of every service', async () => {
    const { fleet: f, services } = fleet();
    const full = services.map((s) => vi.spyOn(s, 'inventory'));
    // Known blades come back once after a restart (their Systems re-read, to find changes made meanwhile).
    expect((await f.inventory(new Set(['a1', 'a2', 'b1']))).map((b) => b.id).sort()).toEqual(['a1', 'a2', 'b1']);
    expect(await f.inventory(new Set(['a1', 'a2', 'b1']))).toEqual([]);
    expect(await f.status('b1')).toEqual({ power: 'off', health: 'ok', state: 'StandbyOffline' });
    expect(await f.status('a2')).toEqual({ power: 'off', health: 'ok', state: 'StandbyOffline' });
    // Two calls each: the fleet's own listings; the status reads did not need another.
    expect(full.map((spy) => spy.mock.calls.length)).toEqual([2, 2]);
  });
});
