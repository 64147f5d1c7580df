// The serve configuration's ipmi: and libvirt: sections: one line naming the field, paths from the file's folder.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';
import { storageContract } from '../ports/storage.contract.js';
import { ipmiHardware, SharedDiskStorage } from './driver-sections.js';

const ipmi = {
  credentials: { username: 'cascade', passwordEnv: 'CASCADE_TEST_NO_SUCH_PASSWORD' },
  blades: [{ id: 'c1s1', bmc: { host: '10.0.1.11' }, resources: { memoryGiB: 512 } }],
};
const libvirt = { stateDir: 'shared', hosts: [{ blade: 'c1s1', uri: 'qemu+ssh://cascade@c1s1/system' }] };

const fail = (raw: unknown): string => {
  try {
    parseConfig(raw, 'site.yaml', '/etc/cascade');
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('serve configuration: ipmi and libvirt', () => {
  it('turns the emulator off for IPMI blades and takes relative paths from the config folder', () => {
    const config = parseConfig(
      { ipmi: { ...ipmi, credentials: { username: 'u', passwordFile: 'bmc.pass' } }, libvirt },
      'site.yaml',
      '/etc/cascade',
    );
    expect(config.emulator.enabled).toBe(false);
    expect(config.ipmi?.credentials?.passwordFile).toBe('/etc/cascade/bmc.pass');
    expect(config.libvirt?.stateDir).toBe('/etc/cascade/shared');
  });

  it('answers a bad value with one line naming the field, in the drivers own words', () => {
    expect(
      fail({ ipmi: { ...ipmi, blades: [{ ...ipmi.blades[0], bmc: { host: '10.0.1.11', port: 70_000 } }] }, libvirt }),
    ).toBe('site.yaml: ipmi.blades[0].bmc.port: expected a port number');
    expect(fail({ ipmi, libvirt: { stateDir: '/srv', hosts: [{ blade: 'c1s1' }] } })).toBe(
      'site.yaml: libvirt.hosts[0].uri: required',
    );
    expect(fail({ ipmi: { ...ipmi, pasword: 1 }, libvirt })).toMatch(
      /^site\.yaml: ipmi\.pasword: unknown key; expected one of /,
    );
  });

  it('refuses combinations that cannot work', () => {
    expect(fail({ ipmi })).toBe(
      "site.yaml: workloads: with the emulator off, name the hypervisor: a libvirt: section, or the emulator's API (workloads.emulatorUrl)",
    );
    expect(fail({ ipmi, libvirt, emulator: { enabled: true } })).toBe(
      'site.yaml: ipmi: cannot be combined with redfish endpoints or the emulator (emulator.enabled: false)',
    );
    expect(fail({ libvirt })).toBe(
      'site.yaml: libvirt: the emulator runs its own workloads: set emulator.enabled: false',
    );
  });

  it('reads the password only when serve builds the driver, and names where it looked, never a value', () => {
    const config = parseConfig({ ipmi, libvirt }, 'site.yaml');
    const built = ipmiHardware(config.ipmi!);
    expect(built).toEqual({
      ok: false,
      message: 'ipmi.credentials.passwordEnv: environment variable CASCADE_TEST_NO_SUCH_PASSWORD is not set',
    });
  });
});

// Storage where the disks are (shared storage every host mounts) when no SAN API is named.
storageContract('SharedDiskStorage', async () => ({
  port: new SharedDiskStorage(['c1s1', 'c1s2']),
  workload: 'db',
  blades: ['c1s1', 'c1s2'],
  cleanup: async () => {},
}));
