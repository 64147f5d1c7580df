// The Redfish driver passes the hardware contract against the emulator, with sessions and with Basic auth,
// and with a dead BMC that drops connections or one that holds them open.
import { FakeWorld } from '../fake/index.js';
import { startEmulator } from '../../emulator/server.js';
import { hardwareContract } from '../../ports/hardware.contract.js';
import { RedfishHardware } from './redfish-hardware.js';

const x86 = { cpuArch: 'x86_64', cpuCount: 32, memoryGiB: 256, storageTB: 4 };

for (const variant of [
  { name: 'sessions, dead BMC drops connections', auth: 'session' as const, hang: false },
  { name: 'Basic auth, dead BMC hangs', auth: 'basic' as const, hang: true },
]) {
  hardwareContract(`redfish against the emulator (${variant.name})`, async () => {
    const world = new FakeWorld({
      powerDelayMs: 50,
      unreachableDelayMs: 20,
      blades: [
        { id: 'c1s1', resources: x86, location: { chassis: 'c1', slot: 1 } },
        { id: 'c1s2', resources: { ...x86, gpuCount: 1 }, location: { chassis: 'c1', slot: 2 } },
      ],
    });
    const emulator = await startEmulator({ world, controlToken: null });
    const port = new RedfishHardware({
      url: emulator.url,
      ...emulator.credentials,
      auth: variant.auth,
      timeoutMs: 500,
      retries: 1,
      eventRetryMs: 50,
    });
    return {
      port,
      bladeIds: ['c1s1', 'c1s2'],
      powerDeadlineMs: 5_000,
      makeUnreachable: async (id) => world.setReachable(id, false, { hang: variant.hang }),
      cleanup: async () => {
        await port.close();
        await emulator.close();
      },
    };
  });
}
