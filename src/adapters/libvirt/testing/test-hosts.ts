// Writes one libvirt test-driver host file per blade (a <node> with its CPUs, memory and domains) for the tests.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LibvirtHostSpec } from '../libvirt-workloads.js';

export interface TestDomain {
  readonly name: string;
  readonly memoryGiB: number;
  readonly vcpus: number;
  readonly arch?: string;
  /** Disk targets (vda, vdb); the test driver reports its own fixed capacity for each. */
  readonly disks?: readonly string[];
  /** Extra XML inside <metadata>, e.g. Cascade's requirements. */
  readonly metadata?: string;
}

export interface TestHostFile {
  readonly blade: string;
  readonly domains?: readonly TestDomain[];
}

export interface TestHosts {
  readonly dir: string;
  readonly stateDir: string;
  readonly hosts: LibvirtHostSpec[];
  cleanup(): void;
}

export function writeTestHosts(files: readonly TestHostFile[]): TestHosts {
  const dir = mkdtempSync(join(tmpdir(), 'cascade-libvirt-'));
  const hosts = files.map((file) => {
    const path = join(dir, `${file.blade}.xml`);
    writeFileSync(path, nodeXml(file.domains ?? [], dir));
    return { blade: file.blade, uri: `test://${path}` };
  });
  return { dir, stateDir: join(dir, 'shared'), hosts, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function nodeXml(domains: readonly TestDomain[], dir: string): string {
  return [
    '<node>',
    "  <cpu><mhz>2400</mhz><model>x86_64</model><topology sockets='1' cores='8' threads='1'/><active>8</active></cpu>",
    '  <memory>67108864</memory>',
    ...domains.map((d) => domainXml(d, dir)),
    '</node>',
    '',
  ].join('\n');
}

function domainXml(d: TestDomain, dir: string): string {
  const disks = (d.disks ?? ['vda']).map(
    (target) =>
      `      <disk type='file' device='disk'><source file='${join(dir, `${d.name}-${target}.img`)}'/><target dev='${target}' bus='virtio'/></disk>`,
  );
  return [
    "  <domain type='test'>",
    `    <name>${d.name}</name>`,
    d.metadata ? `    <metadata>${d.metadata}</metadata>` : '',
    `    <memory unit='GiB'>${d.memoryGiB}</memory>`,
    `    <vcpu>${d.vcpus}</vcpu>`,
    `    <os><type arch='${d.arch ?? 'x86_64'}'>hvm</type></os>`,
    '    <devices>',
    ...disks,
    '    </devices>',
    '  </domain>',
  ].join('\n');
}
