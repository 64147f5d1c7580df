// The libvirt driver passes the WorkloadPort contract against libvirt's test driver: one host file per blade.
import { describe } from 'vitest';
import { workloadsContract } from '../../ports/workloads.contract.js';
import { peersInstalled } from '../testing/real-peers.js';
import { LibvirtWorkloads } from './libvirt-workloads.js';
import { writeTestHosts } from './testing/test-hosts.js';

const installed = peersInstalled('libvirt driver contract', ['virsh'], 'libvirt-clients');

describe.skipIf(!installed)('libvirt driver against the test driver', () => {
  workloadsContract('libvirt (test driver)', async () => {
    const files = writeTestHosts([
      { blade: 'home', domains: [{ name: 'W1', memoryGiB: 16, vcpus: 4 }] },
      { blade: 'spare1' },
      { blade: 'spare2' },
      { blade: 'spare3' },
    ]);
    const port = new LibvirtWorkloads({ hosts: files.hosts, stateDir: files.stateDir, callTimeoutMs: 20_000 });
    return {
      port,
      workload: 'W1',
      home: 'home',
      spares: ['spare1', 'spare2'],
      // The test driver cannot migrate at all: every blade is one live migration cannot reach.
      unmigratable: 'spare3',
      checkpoints: false,
      // The test driver's CPU time is the wall clock at 0.1 s resolution: a sequence step takes 100 ms.
      letRun: () => new Promise((resolve) => setTimeout(resolve, 250)),
      cleanup: async () => {
        await port.close();
        files.cleanup();
      },
    };
  });
});
