// The emulated workload and storage drivers pass their port contracts against a running emulator.
import { FakeWorld } from '../fake/index.js';
import { startEmulator } from '../../emulator/server.js';
import { storageContract } from '../../ports/storage.contract.js';
import { workloadsContract } from '../../ports/workloads.contract.js';
import { EmulatedStorage } from './emulated-storage.js';
import { EmulatedWorkloads } from './emulated-workloads.js';

const x86 = { cpuArch: 'x86_64', memoryGiB: 256, storageTB: 200 };

workloadsContract('emulated, over the control API', async () => {
  const world = new FakeWorld({
    tickMs: 5,
    blades: [
      { id: 'home', resources: x86 },
      { id: 'spare1', resources: x86 },
      { id: 'spare2', resources: x86 },
      { id: 'arm', resources: { ...x86, cpuArch: 'aarch64' } },
    ],
    workloads: [{ id: 'W1', requirements: { memoryGiB: 128 }, blade: 'home', samples: [{ memoryGiB: 100 }] }],
  });
  const emulator = await startEmulator({ world });
  return {
    port: new EmulatedWorkloads({ url: emulator.url, token: emulator.controlToken }),
    workload: 'W1',
    home: 'home',
    spares: ['spare1', 'spare2'],
    unmigratable: 'arm',
    letRun: () => new Promise((resolve) => setTimeout(resolve, 30)),
    cleanup: () => emulator.close(),
  };
});

storageContract('emulated, over the control API', async () => {
  const world = new FakeWorld({
    blades: [
      { id: 'A', resources: x86 },
      { id: 'B', resources: x86 },
    ],
    workloads: [{ id: 'W1', requirements: { storageTB: 100 } }],
  });
  const emulator = await startEmulator({ world });
  return {
    port: new EmulatedStorage({ url: emulator.url, token: emulator.controlToken }),
    workload: 'W1',
    blades: ['A', 'B'],
    cleanup: () => emulator.close(),
  };
});
