// Every fencing level passes the FenceDevice contract: the BMC, the enclosure manager, the PDU and the SAN of the
// emulated data center over real HTTP (Redfish), and a real tgtd proven from the initiator's side with iscsi-inq.
import { describe, expect, it } from 'vitest';
import { FakePdu, FakeSan, FakeWorld } from '../fake/index.js';
import { startEmulator, type Emulator } from '../../emulator/server.js';
import { initiatorOf } from '../../emulator/fencing-routes.js';
import { fenceContract, type FenceSetup } from '../../ports/fencing.contract.js';
import { storageContract } from '../../ports/storage.contract.js';
import type { FenceDevice } from '../../ports/fencing.js';
import { requiredPeer } from '../../testing/required-peers.js';
import { RedfishClient } from '../redfish/redfish-client.js';
import { RedfishHardware } from '../redfish/redfish-hardware.js';
import { BmcFence } from '../../orchestrator/bmc-fence.js';
import { RedfishEnclosureFence, RedfishPduFence, RedfishSanFence } from './redfish-fences.js';
import { startTgt, tgtMissing } from './testing/tgt-daemon.js';
import { TgtSan } from './tgt-san.js';

const x86 = { cpuArch: 'x86_64', cpuCount: 32, memoryGiB: 256, storageTB: 4 };

interface Emulated {
  readonly world: FakeWorld;
  readonly emulator: Emulator;
  readonly client: RedfishClient;
  close(): Promise<void>;
}

/** Two blades of chassis c1, W1 running on c1s1 with its storage there; the BMC of c1s1 may be cut off. */
async function emulated(): Promise<Emulated> {
  const world = new FakeWorld({
    powerDelayMs: 30,
    blades: [
      { id: 'c1s1', resources: x86, location: { chassis: 'c1', slot: 1 } },
      { id: 'c1s2', resources: x86, location: { chassis: 'c1', slot: 2 } },
    ],
    workloads: [{ id: 'W1', requirements: { cpuCount: 8 }, blade: 'c1s1' }],
  });
  const emulator = await startEmulator({ world, controlToken: null });
  const client = new RedfishClient({
    url: emulator.url,
    ...emulator.credentials,
    name: 'emulator',
    timeoutMs: 1_000,
    retries: 0,
  });
  return {
    world,
    emulator,
    client,
    close: async () => {
      await client.close();
      await emulator.close();
    },
  };
}

const poweredOff = (world: FakeWorld) => async (): Promise<boolean> =>
  world.blade('c1s1')?.power === 'off' && world.occupant('c1s1') === null;

fenceContract('bmc of an emulated blade (Redfish)', async (): Promise<FenceSetup> => {
  const e = await emulated();
  const hardware = new RedfishHardware({
    url: e.emulator.url,
    ...e.emulator.credentials,
    timeoutMs: 1_000,
    retries: 0,
  });
  return {
    device: new BmcFence(hardware),
    address: 'c1s1',
    unknown: 'no-such-blade-7f3a',
    deadlineMs: 5_000,
    cutOff: poweredOff(e.world),
    cleanup: async () => {
      await hardware.close();
      await e.close();
    },
  };
});

// The independent levels answer while the blade's own BMC hangs: that is what they are for.
const levels: readonly {
  name: string;
  make: (c: RedfishClient) => FenceDevice;
  address: string;
  unknown: string;
  storage?: true;
}[] = [
  {
    name: 'enclosure',
    make: (c) => new RedfishEnclosureFence('enclosure emulator', c),
    address: 'Blade-c1s1',
    unknown: 'Blade-nope-7f3a',
  },
  { name: 'pdu', make: (c) => new RedfishPduFence('pdu emulator', c), address: 'c1/1', unknown: 'c1/97' },
  {
    name: 'storage',
    make: (c) => new RedfishSanFence('san emulator', c),
    address: initiatorOf('c1s1'),
    unknown: 'iqn.2026-12.test:nope-7f3a',
    storage: true,
  },
];
for (const level of levels) {
  fenceContract(`${level.name} of the emulated data center (Redfish), BMC hung`, async (): Promise<FenceSetup> => {
    const e = await emulated();
    e.world.setReachable('c1s1', false, { hang: true });
    const cutOff = level.storage
      ? async () => e.world.attachedTo('W1') === null && e.world.occupant('c1s1') === null
      : poweredOff(e.world);
    return {
      device: level.make(e.client),
      address: level.address,
      unknown: level.unknown,
      deadlineMs: 5_000,
      cutOff,
      cleanup: () => e.close(),
    };
  });
}

for (const Fake of [FakePdu, FakeSan]) {
  fenceContract(`${Fake.name} over the fake world`, async (): Promise<FenceSetup> => {
    const world = new FakeWorld({
      blades: [{ id: 'A', resources: x86 }],
      workloads: [{ id: 'W1', requirements: { cpuCount: 8 }, blade: 'A' }],
    });
    const cutOff = async (): Promise<boolean> =>
      world.occupant('A') === null &&
      (Fake === FakeSan ? world.attachedTo('W1') === null : world.blade('A')?.power === 'off');
    return {
      device: new Fake('fake', world),
      address: 'A',
      unknown: 'no-such-blade-7f3a',
      cutOff,
      cleanup: async () => {},
    };
  });
}

describe('emulated fencing devices that fail', () => {
  it('an outlet switched off keeps the blade off whatever its BMC is asked, until the outlet is on again', async () => {
    const e = await emulated();
    try {
      const pdu = new RedfishPduFence('pdu emulator', e.client);
      await pdu.fence('c1/1');
      expect((await pdu.read('c1/1')).fenced).toBe(true);
      e.world.requestPower('c1s1', 'on');
      expect(e.world.blade('c1s1')?.pendingPower).toBeNull();
      expect(e.world.blade('c1s1')?.power).toBe('off');
    } finally {
      await e.close();
    }
  });

  it('a device that answers "done" and does nothing is seen by its read back', async () => {
    const e = await emulated();
    try {
      e.emulator.fencing.set('enclosure', 'c1s1', 'ignore');
      const enclosure = new RedfishEnclosureFence('enclosure emulator', e.client);
      expect(await enclosure.fence('Blade-c1s1')).toContain('204');
      expect((await enclosure.read('Blade-c1s1')).fenced).toBe(false);
      e.emulator.fencing.set('storage', 'c1s1', 'unreachable');
      await expect(new RedfishSanFence('san emulator', e.client).fence(initiatorOf('c1s1'))).rejects.toThrow(
        /san emulator: .*503/,
      );
      expect(e.world.attachedTo('W1')).toBe('c1s1');
    } finally {
      await e.close();
    }
  });
});

// A real tgtd: blade A's initiator is in the ACL of W1's boot LUN; fencing unbinds it, and A can no longer log in.
const skipTgt = requiredPeer('tgt storage fencing', tgtMissing());
const A = 'iqn.2026-12.io.cascade.test:blade-a';
const B = 'iqn.2026-12.io.cascade.test:blade-b';
describe.skipIf(skipTgt !== null)('tgt', () => {
  fenceContract('storage on a real tgtd (proven with iscsi-inq)', async (): Promise<FenceSetup> => {
    const tgt = await startTgt({ W1: A });
    const san = new TgtSan({
      name: 'san tgt',
      controlPort: tgt.controlPort,
      initiators: { A, B },
      targets: tgt.targets,
    });
    expect(await tgt.sees(A, 'W1'), 'A sees its LUN before the fence').toBe(true);
    return {
      device: san,
      address: A,
      unknown: 'iqn.2026-12.io.cascade.test:nope-7f3a',
      deadlineMs: 5_000,
      cutOff: async () => !(await tgt.sees(A, 'W1')),
      cleanup: () => tgt.stop(),
    };
  });

  // Boot storage moves through the same SAN: the target blade's initiator bound, the old one unbound.
  storageContract('boot LUNs on a real tgtd', async () => {
    const tgt = await startTgt({ W1: A });
    const san = new TgtSan({
      name: 'san tgt',
      controlPort: tgt.controlPort,
      initiators: { A, B },
      targets: tgt.targets,
    });
    return { port: san, workload: 'W1', blades: ['A', 'B'], cleanup: () => tgt.stop() };
  });

  it('attach moves what each initiator can log in to', async () => {
    const tgt = await startTgt({ W1: A });
    try {
      const san = new TgtSan({
        name: 'san tgt',
        controlPort: tgt.controlPort,
        initiators: { A, B },
        targets: tgt.targets,
      });
      await san.attach('W1', 'B');
      expect(await tgt.sees(B, 'W1')).toBe(true);
      expect(await tgt.sees(A, 'W1')).toBe(false);
    } finally {
      await tgt.stop();
    }
  });
});
