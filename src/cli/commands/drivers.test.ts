// `cascade drivers check` against ipmi_sim and libvirt's test driver: what an operator sees before serving.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { startSimBmc, type SimBmc } from '../../adapters/ipmi/testing/ipmi-sim.js';
import { writeTestHosts, type TestHosts } from '../../adapters/libvirt/testing/test-hosts.js';
import { peersInstalled } from '../../adapters/testing/real-peers.js';
import { runCli } from '../testing/run-cli.js';

const installed = peersInstalled(
  'cascade drivers check',
  ['ipmi_sim', 'ipmitool', 'virsh'],
  'openipmi ipmitool libvirt-clients',
);

describe.skipIf(!installed)('cascade drivers check', () => {
  // Made in beforeAll, not here: a skipped suite still runs this body to list its tests.
  let dir = '';
  let bmc: SimBmc;
  let hosts: TestHosts;
  let sites = 0;
  const site = (password: string): string => {
    const file = join(dir, `site-${++sites}.yaml`);
    process.env.CASCADE_TEST_IPMI_PASSWORD = password;
    writeFileSync(
      file,
      YAML.stringify({
        ipmi: {
          attemptSeconds: 1,
          retries: 1,
          credentials: { username: bmc.username, passwordEnv: 'CASCADE_TEST_IPMI_PASSWORD' },
          blades: [
            {
              id: 'c1s1',
              bmc: { host: '127.0.0.1', port: bmc.port },
              resources: { memoryGiB: 64 },
              location: { chassis: 'c1', slot: 1 },
            },
          ],
        },
        libvirt: { stateDir: hosts.stateDir, hosts: hosts.hosts },
      }),
    );
    return file;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cascade-drivers-'));
    bmc = await startSimBmc({ id: 'c1s1', dir });
    hosts = writeTestHosts([{ blade: 'c1s1', domains: [{ name: 'web', memoryGiB: 8, vcpus: 2 }] }, { blade: 'c1s2' }]);
  });
  afterAll(async () => {
    await bmc?.stop();
    hosts?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
    delete process.env.CASCADE_TEST_IPMI_PASSWORD;
  });

  it('shows every BMC and every running domain with its requirements', async () => {
    const { code, out } = await runCli(['drivers', 'check', site(bmc.password)]);
    expect(out).toContain('IPMI: 1 of 1 BMCs answered');
    expect(out).toMatch(/c1s1\s+127\.0\.0\.1:\d+\s+on\s+ok/);
    expect(out).toContain('libvirt: 2 of 2 hosts answered without error');
    expect(out).toMatch(/c1s1\s+test:\/\/\S+\s+web\s+memoryGiB=8 cpuThreads=2/);
    expect(code).toBe(0);
  });

  it('exits 1 naming the blade whose BMC refuses the credentials, without the password', async () => {
    const { code, out, err } = await runCli(['drivers', 'check', site('wrong-pass-1234')]);
    expect(code).toBe(1);
    expect(out).toMatch(
      /c1s1\s+127\.0\.0\.1:\d+\s+-\s+auth-refused\s+blade c1s1 .*refused the credentials of user admin/,
    );
    expect(out + err).not.toContain('wrong-pass-1234');
  });

  it('exits 2 with the field of a bad section', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, YAML.stringify({ libvirt: { stateDir: '/x', hosts: [{ blade: 'a' }] } }));
    const { code, err } = await runCli(['drivers', 'check', file]);
    expect(code).toBe(2);
    expect(err).toContain('libvirt.hosts[0].uri: required');
  });
});
