// The libvirt driver against libvirt's test driver: requirements from domain XML, a move by save and restore, a cold boot.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { peersInstalled } from '../testing/real-peers.js';
import { LibvirtError } from './libvirt-error.js';
import { LibvirtWorkloads } from './libvirt-workloads.js';
import { writeTestHosts, type TestHostFile, type TestHosts } from './testing/test-hosts.js';

const installed = peersInstalled('libvirt driver', ['virsh'], 'libvirt-clients');

/** The test driver reports this capacity for every disk, whatever its file. */
const TEST_DISK_BYTES = 1099506450432;

const REQUIREMENTS = [
  '<cascade:requirements xmlns:cascade="urn:cascade:requirements:1">',
  '<cascade:quantity name="gpuCount">1</cascade:quantity>',
  '<cascade:attribute name="cpuModel">EPYC-7763</cascade:attribute>',
  '</cascade:requirements>',
].join('');

async function failure(promise: Promise<unknown>): Promise<LibvirtError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(LibvirtError);
    return error as LibvirtError;
  }
  throw new Error('expected a rejection');
}

describe.skipIf(!installed)('libvirt driver against the test driver', () => {
  const opened: { port: LibvirtWorkloads; files: TestHosts }[] = [];
  const site = (files: readonly TestHostFile[]): { port: LibvirtWorkloads; files: TestHosts } => {
    const hosts = writeTestHosts(files);
    const port = new LibvirtWorkloads({ hosts: hosts.hosts, stateDir: hosts.stateDir, callTimeoutMs: 20_000 });
    opened.push({ port, files: hosts });
    return { port, files: hosts };
  };
  afterEach(async () => {
    for (const { port, files } of opened.splice(0)) {
      await port.close();
      files.cleanup();
    }
  });

  it('reads requirements from the domain XML: memory, vCPUs, disks, arch, and the operator metadata', async () => {
    const { port } = site([
      { blade: 'A', domains: [{ name: 'db', memoryGiB: 48, vcpus: 6, disks: ['vda', 'vdb'], metadata: REQUIREMENTS }] },
      { blade: 'B', domains: [{ name: 'arm-build', memoryGiB: 8, vcpus: 2, arch: 'aarch64' }] },
    ]);
    expect(await port.declared('db')).toEqual({
      source: 'vm-metadata',
      requirements: {
        memoryGiB: 48,
        cpuThreads: 6,
        storageTB: Math.round((2 * TEST_DISK_BYTES) / 1e9) / 1000,
        cpuArch: 'x86_64',
        gpuCount: 1,
        cpuModel: 'EPYC-7763',
      },
    });
    expect((await port.declared('arm-build'))?.requirements).toMatchObject({
      memoryGiB: 8,
      cpuThreads: 2,
      cpuArch: 'aarch64',
    });
    expect(await port.declared('nowhere')).toBeNull();
  });

  it('moves a workload by save on one host and restore on another, through the shared directory', async () => {
    const { port, files } = site([{ blade: 'A', domains: [{ name: 'W1', memoryGiB: 4, vcpus: 2 }] }, { blade: 'B' }]);
    const before = await port.status('W1');
    expect(before).toMatchObject({ state: 'running', blade: 'A' });

    const checkpoint = await port.capture('W1', 'A');
    expect(checkpoint).toMatchObject({ workload: 'W1', blade: 'A' });
    expect(checkpoint.sequence).toBeGreaterThanOrEqual(before.sequence);
    const image = JSON.parse(checkpoint.data) as { file: string };
    expect(image.file.startsWith(join(files.stateDir, 'saves'))).toBe(true);
    expect(existsSync(image.file)).toBe(true);
    expect(await port.status('W1')).toEqual({ state: 'stopped', blade: null, sequence: checkpoint.sequence });

    await port.restore('W1', 'B', checkpoint);
    const after = await port.status('W1');
    expect(after).toMatchObject({ state: 'running', blade: 'B' });
    expect(after.sequence).toBeGreaterThanOrEqual(checkpoint.sequence);
    // The image is spent: it cannot bring back an older state later.
    expect(existsSync(image.file)).toBe(false);
    expect((await failure(port.resume('W1', 'A'))).code).toBe('running-elsewhere');
    // The requirements travel with it.
    expect((await port.declared('W1'))?.requirements).toMatchObject({ memoryGiB: 4, cpuThreads: 2 });
  });

  it('says live migration is impossible on the test driver, and why; the workload stays put', async () => {
    const { port } = site([{ blade: 'A', domains: [{ name: 'W1', memoryGiB: 4, vcpus: 2 }] }, { blade: 'B' }]);
    expect(await port.canMigrate('W1', 'A', 'B')).toBe(false);
    const error = await failure(port.migrate('W1', 'A', 'B'));
    expect(error.code).toBe('migration-unsupported');
    expect(error.message).toContain('test driver does not support migration');
    expect(error.message).toContain('save and restore');
    expect(await port.status('W1')).toMatchObject({ state: 'running', blade: 'A' });
  });

  it('cold-boots a workload whose host died uncaptured, from the definition it kept on shared storage', async () => {
    const { files } = site([{ blade: 'A', domains: [{ name: 'W1', memoryGiB: 4, vcpus: 2 }] }, { blade: 'B' }]);
    const first = new LibvirtWorkloads({ hosts: files.hosts, stateDir: files.stateDir });
    expect(await first.status('W1')).toMatchObject({ state: 'running', blade: 'A' });
    await first.close();
    expect(readdirSync(join(files.stateDir, 'definitions'))).toEqual(['W1.xml']);

    // Host A is gone: its libvirt no longer answers.
    const hosts = [{ blade: 'A', uri: `test://${join(files.dir, 'gone.xml')}` }, files.hosts[1]!];
    const after = new LibvirtWorkloads({ hosts, stateDir: files.stateDir });
    try {
      expect((await failure(after.capture('W1', 'A'))).code).toBe('unreachable');
      await after.restore('W1', 'B', { workload: 'W1', blade: 'B', sequence: 0, data: '' });
      const seen = await after.status('W1');
      expect(seen).toMatchObject({ state: 'running', blade: 'B' });
      expect(seen.sequence).toBeGreaterThanOrEqual(0);
      expect((await after.declared('W1'))?.requirements).toMatchObject({ memoryGiB: 4, cpuThreads: 2 });
    } finally {
      await after.close();
    }
  });

  it('refuses a blade that runs another workload, an unknown blade, and a checkpoint it did not write', async () => {
    const { port } = site([
      { blade: 'A', domains: [{ name: 'W1', memoryGiB: 4, vcpus: 2 }] },
      { blade: 'B', domains: [{ name: 'W2', memoryGiB: 4, vcpus: 2 }] },
    ]);
    const checkpoint = await port.capture('W1', 'A');
    const busy = await failure(port.restore('W1', 'B', checkpoint));
    expect(busy.code).toBe('blade-busy');
    expect(busy.message).toContain('W2');
    const unknown = await failure(port.capture('W1', 'Z9'));
    expect(unknown.code).toBe('unknown-blade');
    expect(unknown.message).toContain('Z9');
    const forged = await failure(
      port.restore('W1', 'A', {
        ...checkpoint,
        data: JSON.stringify({ file: '/etc/passwd', sequence: checkpoint.sequence }),
      }),
    );
    expect(forged.code).toBe('bad-checkpoint');
    // The real one still works.
    await port.restore('W1', 'A', checkpoint);
    expect(await port.status('W1')).toMatchObject({ state: 'running', blade: 'A' });
  });

  it('has no periodic checkpoint of a running domain, and says so', async () => {
    const { port } = site([{ blade: 'A', domains: [{ name: 'W1', memoryGiB: 4, vcpus: 2 }] }, { blade: 'B' }]);
    const error = await failure(port.checkpoint('W1', 'A'));
    expect(error.code).toBe('checkpoint-unsupported');
    expect(error.message).toContain('cold-boots W1');
    expect((await failure(port.checkpoint('W1', 'B'))).code).toBe('not-running-here');
  });
});
