// The Redfish driver against DMTF's published public-bladed mockup (an enclosure of four blade Systems, served by the
// project's static mockup server), beside the emulator: the hardware contract with events pushed to a subscription
// (the mockup has no SSE), and the discovery contract, over sessions found from the root's Links.Sessions.
import { FakeWorld } from '../fake/index.js';
import { startEmulator } from '../../emulator/server.js';
import { hardwareContract } from '../../ports/hardware.contract.js';
import type { BladeInventory } from '../../ports/hardware.js';
import { discoveryContract } from './redfish-discovery.contract.js';
import { RedfishHardware, type RedfishLogEntry } from './redfish-hardware.js';
import { startPushReceiver } from './redfish-push-receiver.js';
import { serveMockup } from './testing/mockup-server.js';
import { DMTF_PUBLIC_BLADED as DMTF } from './testing/dmtf-mockup.js';

const CREDENTIALS = { username: 'Administrator', password: 'mockup-3b9d' };
const SYSTEMS = ['529QB9450R6', '529QB9451R6', '529QB9452R6', '529QB9453R6'];

async function dmtf(push: boolean) {
  const mockup = await serveMockup(DMTF, CREDENTIALS);
  mockup.login = 'ok';
  const receiver = push
    ? await startPushReceiver({ host: '127.0.0.1', port: 0, path: '/events', secret: 'push-secret-51c0' })
    : null;
  const logs: RedfishLogEntry[] = [];
  const port = new RedfishHardware({
    url: mockup.url,
    ...CREDENTIALS,
    timeoutMs: 500,
    retries: 1,
    log: (e) => logs.push(e),
    ...(receiver ? { push: { destination: receiver.destinationOf('dmtf'), secret: 'push-secret-51c0' } } : {}),
  });
  const unroute = receiver?.route('dmtf', (payload) => void port.pushed(payload));
  return {
    mockup,
    port,
    logs,
    cleanup: async () => {
      unroute?.();
      await port.close();
      await receiver?.close();
      await mockup.close();
    },
  };
}

hardwareContract('redfish against DMTF public-bladed (push events)', async () => {
  const { mockup, port, cleanup } = await dmtf(true);
  return {
    port,
    bladeIds: SYSTEMS,
    powerDeadlineMs: 5_000,
    makeUnreachable: async (id) => mockup.override(`/redfish/v1/Systems/${id}`, { hang: true }),
    cleanup,
  };
});

discoveryContract('DMTF public-bladed', async () => {
  const { port, logs, cleanup } = await dmtf(false);
  const blade = (id: string, n: number) => ({
    id,
    name: 'Bladed System',
    // One socket of 4 cores and 8 threads (Processors/CPU), not ProcessorSummary.Count's 1.
    resources: {
      memoryGiB: 64,
      cpuCount: 4,
      cpuThreads: 8,
      cpuModel: 'Multi-Core Intel(R) Xeon(R) processor E5-16xx Series',
      cpuArch: 'x86_64',
      storageTB: 0,
    },
    // The enclosure prints "Blade 1".."Blade 4"; LocationOrdinalValue counts from 0.
    location: { chassis: 'MultiBladeEncl', slot: n, label: `Blade ${n}` },
  });
  return { port, logs, auth: 'session', expected: SYSTEMS.map((id, i) => blade(id, i + 1)), cleanup };
});

discoveryContract('the emulator', async () => {
  const world = new FakeWorld({
    blades: [
      {
        id: 'c1s1',
        resources: { cpuArch: 'x86_64', cpuCount: 16, cpuThreads: 32, memoryGiB: 128, storageTB: 2 },
        location: { chassis: 'c1', slot: 1 },
      },
      {
        id: 'c1s2',
        resources: { cpuArch: 'aarch64', cpuCount: 64, memoryGiB: 256, gpuCount: 1 },
        location: { chassis: 'c1', slot: 2 },
      },
    ],
  });
  const emulator = await startEmulator({ world, controlToken: null });
  const logs: RedfishLogEntry[] = [];
  const port = new RedfishHardware({
    url: emulator.url,
    ...emulator.credentials,
    timeoutMs: 500,
    retries: 1,
    log: (e) => logs.push(e),
  });
  const expected: Partial<BladeInventory>[] = [
    {
      id: 'c1s1',
      resources: { cpuArch: 'x86_64', cpuCount: 16, cpuThreads: 32, memoryGiB: 128, storageTB: 2 },
      location: { chassis: 'c1', slot: 1, label: 'Slot 1' },
    },
    {
      id: 'c1s2',
      resources: { cpuArch: 'aarch64', cpuCount: 64, memoryGiB: 256, gpuCount: 1 },
      location: { chassis: 'c1', slot: 2, label: 'Slot 2' },
    },
  ];
  return {
    port,
    logs,
    auth: 'session',
    expected,
    cleanup: async () => {
      await port.close();
      await emulator.close();
    },
  };
});
