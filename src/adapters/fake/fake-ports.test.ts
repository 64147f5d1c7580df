// The fakes pass the port contracts, in memory and persisted to a file, so tests built on them test real behaviour.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hardwareContract } from '../../ports/hardware.contract.js';
import { storageContract } from '../../ports/storage.contract.js';
import { workloadsContract } from '../../ports/workloads.contract.js';
import { FakeHardware } from './fake-hardware.js';
import { FakeStorage } from './fake-storage.js';
import { FakeWorkloads } from './fake-workloads.js';
import { FakeWorld, type FakeWorldOptions } from './world.js';

interface Variant {
  readonly name: string;
  /** A fresh world's file options, and how to remove what they left behind. */
  readonly files: () => { options: Pick<FakeWorldOptions, 'file'>; cleanup(): void };
}

const variants: Variant[] = [
  { name: 'fake, in memory', files: () => ({ options: {}, cleanup: () => {} }) },
  {
    name: 'fake, persisted to a file',
    files: () => {
      const dir = mkdtempSync(join(tmpdir(), 'cascade-world-'));
      return {
        options: { file: join(dir, 'world.json') },
        cleanup: () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
];

const x86 = { cpuArch: 'x86_64', memoryGiB: 256, storageTB: 200 };

for (const variant of variants) {
  hardwareContract(variant.name, async () => {
    const files = variant.files();
    const world = new FakeWorld({
      ...files.options,
      powerDelayMs: 20,
      unreachableDelayMs: 5,
      blades: [
        { id: 'c1s1', resources: x86, location: { chassis: 'c1', slot: 1 } },
        { id: 'c1s2', resources: { ...x86, gpuCount: 1 }, location: { chassis: 'c1', slot: 2 } },
      ],
    });
    return {
      port: new FakeHardware(world),
      bladeIds: ['c1s1', 'c1s2'],
      powerDeadlineMs: 2_000,
      makeUnreachable: async (id) => world.setReachable(id, false),
      cleanup: async () => files.cleanup(),
    };
  });

  workloadsContract(variant.name, async () => {
    const files = variant.files();
    const world = new FakeWorld({
      ...files.options,
      tickMs: 5,
      blades: [
        { id: 'home', resources: x86 },
        { id: 'spare1', resources: x86 },
        { id: 'spare2', resources: x86 },
        { id: 'arm', resources: { ...x86, cpuArch: 'aarch64' } },
      ],
      workloads: [{ id: 'W1', requirements: { memoryGiB: 128 }, blade: 'home', samples: [{ memoryGiB: 100 }] }],
    });
    return {
      port: new FakeWorkloads(world),
      workload: 'W1',
      home: 'home',
      spares: ['spare1', 'spare2'],
      unmigratable: 'arm',
      letRun: () => new Promise((resolve) => setTimeout(resolve, 30)),
      cleanup: async () => files.cleanup(),
    };
  });

  storageContract(variant.name, async () => {
    const files = variant.files();
    const world = new FakeWorld({
      ...files.options,
      blades: [
        { id: 'A', resources: x86 },
        { id: 'B', resources: x86 },
      ],
      workloads: [{ id: 'W1', requirements: { storageTB: 100 } }],
    });
    return { port: new FakeStorage(world), workload: 'W1', blades: ['A', 'B'], cleanup: async () => files.cleanup() };
  });
}
