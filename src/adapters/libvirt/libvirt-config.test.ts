// The libvirt site section: accepted sites become driver options, and problems are named by field.
import { describe, expect, it } from 'vitest';
import { formatConfigError } from '../driver-config.js';
import { parseLibvirtConfig } from './libvirt-config.js';

const good = {
  stateDir: '/srv/cascade/libvirt',
  hosts: [
    { blade: 'c1s1', uri: 'qemu+ssh://root@c1s1/system', migration: { group: 'epyc-gen3' } },
    { blade: 'c1s2', uri: 'qemu+ssh://root@c1s2/system' },
  ],
};

describe('libvirt site configuration', () => {
  it('accepts a site and turns it into driver options', () => {
    const parsed = parseLibvirtConfig(good);
    expect(parsed).toEqual({
      ok: true,
      value: {
        stateDir: '/srv/cascade/libvirt',
        hosts: [
          { blade: 'c1s1', uri: 'qemu+ssh://root@c1s1/system', migration: { group: 'epyc-gen3' } },
          { blade: 'c1s2', uri: 'qemu+ssh://root@c1s2/system' },
        ],
      },
    });
  });

  it('names the field of the first problem', () => {
    const message = (input: unknown): string => {
      const parsed = parseLibvirtConfig(input);
      if (parsed.ok) throw new Error('expected an error');
      return formatConfigError(parsed.error);
    };
    expect(message({ ...good, stateDir: undefined })).toBe('libvirt.stateDir: required');
    expect(message({ ...good, hosts: [{ blade: 'x', uri: 'qemu:///system\nquit' }] })).toBe(
      'libvirt.hosts[0].uri: expected one line',
    );
    expect(message({ ...good, hosts: [good.hosts[1], good.hosts[1]] })).toBe(
      'libvirt.hosts[1].blade: blade c1s2 is listed twice',
    );
    expect(message({ ...good, hosts: [{ blade: 'x', uri: 'test:///x.xml', migrate: true }] })).toBe(
      'libvirt.hosts[0].migrate: unknown key; expected one of blade, uri, migration',
    );
    expect(message({ ...good, driver: 'xen' })).toBe(
      'libvirt.driver: unknown key; expected one of virsh, stateDir, callTimeoutMs, vcpusAs, hosts',
    );
  });
});
