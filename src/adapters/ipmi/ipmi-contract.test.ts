// The IPMI driver passes the HardwarePort contract against two ipmi_sim BMCs; unreachable means the simulator stopped.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { hardwareContract } from '../../ports/hardware.contract.js';
import { peersInstalled } from '../testing/real-peers.js';
import { IpmiHardware } from './ipmi-hardware.js';
import { startSimBmc } from './testing/ipmi-sim.js';

const installed = peersInstalled('IPMI driver contract', ['ipmi_sim', 'ipmitool'], 'openipmi ipmitool');

describe.skipIf(!installed)('IPMI driver against ipmi_sim', () => {
  hardwareContract('ipmi (ipmi_sim)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cascade-ipmi-'));
    const bmcs = await Promise.all(['c1s1', 'c1s2'].map((id) => startSimBmc({ id, dir })));
    const port = new IpmiHardware({
      blades: bmcs.map((bmc, index) => ({
        id: bmc.id,
        bmc: { host: '127.0.0.1', port: bmc.port, username: bmc.username, password: bmc.password, cipherSuite: 3 },
        resources: { memoryGiB: 256, cpuCount: 2, cpuArch: 'x86_64' },
        location: { chassis: 'c1', slot: index + 1 },
      })),
      // One attempt of a second, one retry: a stopped simulator is reported within about two seconds.
      attemptSeconds: 1,
      retries: 1,
      callTimeoutMs: 10_000,
      pollMs: 100,
    });
    return {
      port,
      bladeIds: bmcs.map((b) => b.id),
      powerDeadlineMs: 10_000,
      makeUnreachable: async (id) => {
        await bmcs.find((b) => b.id === id)?.stop();
      },
      cleanup: async () => {
        await Promise.all(bmcs.map((b) => b.stop()));
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});
