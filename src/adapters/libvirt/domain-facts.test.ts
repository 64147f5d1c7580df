// Facts read from virsh output (state, vCPUs, memory, disks, arch, metadata) and the requirements made of them.
import { describe, expect, it } from 'vitest';
import {
  isActive,
  parseArch,
  parseBlockCapacities,
  parseDiskTargets,
  parseDominfo,
  parseRequirementsMetadata,
  parseRunMark,
  formatRunMark,
  requirementsOf,
  sequenceOf,
} from './domain-facts.js';

// Captured from virsh 9.0 against libvirt's test driver.
const DOMINFO = `Id:             1
Name:           W1
UUID:           11111111-2222-3333-4444-555555555555
OS Type:        linux
State:          running
CPU(s):         4
CPU time:       1795620867.3s
Max memory:     16777216 KiB
Used memory:    16777216 KiB
Persistent:     yes
Autostart:      disable`;

describe('domain facts from virsh output', () => {
  it('reads dominfo: state, vCPUs, memory and CPU time in ms', () => {
    expect(parseDominfo(DOMINFO)).toEqual({
      state: 'running',
      vcpus: 4,
      maxMemoryKiB: 16777216,
      cpuTimeMs: 1795620867300,
      persistent: true,
    });
    expect(() => parseDominfo('Name: W1')).toThrow(/CPU\(s\)/);
  });

  it('tells the states that hold a blade from those that do not', () => {
    for (const state of ['running', 'paused', 'idle', 'blocked']) expect(isActive(state)).toBe(true);
    for (const state of ['shut off', 'crashed']) expect(isActive(state)).toBe(false);
  });

  it('reads the disks and their capacities, leaving out cdroms', () => {
    const targets = parseDiskTargets(
      ' file   disk    vda   /var/lib/a.img\n file   cdrom   sda   /iso/x.iso\n block  disk    vdb   /dev/sdb',
    );
    expect(targets).toEqual(['vda', 'vdb']);
    const capacities = parseBlockCapacities(
      ' vda   1099506450432   1099511627776   1099511627776\n sda   1000   1000   1000',
    );
    expect(capacities.get('vda')).toBe(1099506450432);
  });

  it("reads the arch from dumpxml's xpath answer", () => {
    expect(parseArch(' arch="aarch64"')).toBe('aarch64');
    expect(parseArch('')).toBeNull();
  });

  it("reads the operator's requirements: quantities are numbers, attributes strings", () => {
    const text =
      '<requirements>\n  <cascade:quantity name="gpuCount">2</cascade:quantity>\n  <attribute name="cpuModel">EPYC &amp; co</attribute>\n</requirements>';
    expect(parseRequirementsMetadata(text)).toEqual({ ok: true, resources: { gpuCount: 2, cpuModel: 'EPYC & co' } });
    expect(parseRequirementsMetadata('<requirements><quantity name="gpuCount">-1</quantity></requirements>')).toEqual({
      ok: false,
      message: 'metadata quantity gpuCount: expected a number >= 0, got "-1"',
    });
    expect(parseRequirementsMetadata('<requirements><quantity name="9x">1</quantity></requirements>').ok).toBe(false);
  });

  it('turns facts into DESIGN requirements, the metadata overriding', () => {
    const info = parseDominfo(DOMINFO);
    const requirements = requirementsOf({
      info,
      arch: 'x86_64',
      diskBytes: [1e12, 5e11],
      declared: { gpuCount: 1, cpuCount: 2 },
    });
    // vCPUs are threads (Redfish's LogicalProcessorCount); the metadata's own cpuCount stays beside them.
    expect(requirements).toEqual({
      memoryGiB: 16,
      cpuThreads: 4,
      cpuCount: 2,
      storageTB: 1.5,
      cpuArch: 'x86_64',
      gpuCount: 1,
    });
    expect(requirementsOf({ info, arch: null, diskBytes: [], declared: {} })).toEqual({ memoryGiB: 16, cpuThreads: 4 });
    // A site whose vCPUs are pinned to whole cores says so (libvirt.vcpusAs: cpuCount).
    expect(requirementsOf({ info, arch: null, diskBytes: [], declared: {} }, 'cpuCount')).toEqual({
      memoryGiB: 16,
      cpuCount: 4,
    });
  });

  it('keeps the sequence going across hypervisor processes through the run mark', () => {
    const mark = { base: 5_000, origin: 100, start: 5_000 };
    expect(parseRunMark(formatRunMark(mark))).toEqual(mark);
    expect(parseRunMark('<run base="x"/>')).toBeNull();
    expect(sequenceOf(mark, 350)).toBe(5_250);
    // A CPU counter that restarted below the origin never takes the sequence back.
    expect(sequenceOf(mark, 20)).toBe(5_000);
    expect(sequenceOf(null, 777)).toBe(777);
  });
});
