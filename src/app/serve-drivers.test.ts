// End to end: `cascade serve --config site.yaml` with blades on ipmi_sim BMCs and workloads on libvirt's
// test driver: discovery from the site file, adoption of the running domain, and a failover by save and restore.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { startSimBmc, type SimBmc } from '../adapters/ipmi/testing/ipmi-sim.js';
import { writeTestHosts, type TestHosts } from '../adapters/libvirt/testing/test-hosts.js';
import { peersInstalled } from '../adapters/testing/real-peers.js';
import { runCli } from '../cli/testing/run-cli.js';

const installed = peersInstalled(
  'cascade serve with the ipmi and libvirt drivers',
  ['ipmi_sim', 'ipmitool', 'virsh'],
  'openipmi ipmitool libvirt-clients',
);
const ROOT = resolve(import.meta.dirname, '../..');
const BLADES = ['b1', 'b2', 'b3'] as const;
const PASSWORD_ENV = 'CASCADE_E2E_IPMI_PASSWORD';
/** What cascade serve printed, for the assertions and for a failure's message. */
let logs = '';

interface BladeView {
  id: string;
  state: string;
  power: string;
  workload: string | null;
}
interface WorkloadView {
  id: string;
  blade: string | null;
  state: string;
  requirements: Record<string, number | string>;
}

/** Polls until `check` returns a value; a generous bound, since the machine is shared (no timing is asserted). */
async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; serve said: ${logs.slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.skipIf(!installed)('cascade serve with ipmi: and libvirt: sections', () => {
  // Made in beforeAll: a skipped suite still runs this body to list its tests.
  let dir = '';
  let hosts: TestHosts;
  const bmcs = new Map<string, SimBmc>();
  let serve: ChildProcess | null = null;
  let api = '';
  let token = '';

  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    return (await response.json()) as T;
  };
  const blades = async (): Promise<BladeView[]> => (await get<{ items: BladeView[] }>('/api/v1/blades')).items;
  const workloads = async (): Promise<WorkloadView[]> =>
    (await get<{ items: WorkloadView[] }>('/api/v1/workloads')).items;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cascade-serve-drivers-'));
    for (const id of BLADES) bmcs.set(id, await startSimBmc({ id, dir, power: id === 'b1' ? 'on' : 'off' }));
    hosts = writeTestHosts([
      { blade: 'b1', domains: [{ name: 'db', memoryGiB: 8, vcpus: 2 }] },
      { blade: 'b2' },
      { blade: 'b3' },
    ]);
    const site = join(dir, 'site.yaml');
    writeFileSync(
      site,
      YAML.stringify({
        data: join(dir, 'data'),
        listen: { api: { host: '127.0.0.1', port: 0 } },
        controller: { pollMs: 500, callMs: 10_000, powerPollMs: 100 },
        policy: { requireApproval: false },
        ipmi: {
          attemptSeconds: 1,
          retries: 1,
          pollMs: 500,
          credentials: { username: 'admin', passwordEnv: PASSWORD_ENV },
          blades: BLADES.map((id, n) => ({
            id,
            bmc: { host: '127.0.0.1', port: bmcs.get(id)!.port },
            resources: { memoryGiB: 64, cpuCount: 8, cpuArch: 'x86_64', storageTB: 4 },
            location: { chassis: 'c1', slot: n + 1 },
          })),
        },
        libvirt: { stateDir: hosts.stateDir, callTimeoutMs: 20_000, hosts: hosts.hosts },
      }),
    );
    // A viewer token, made in the data directory before serve starts (as an operator would).
    mkdirSync(join(dir, 'data'));
    const created = await runCli(['token', 'create', '--role', 'viewer', '--data', join(dir, 'data'), '--json']);
    expect(created.code).toBe(0);
    token = (JSON.parse(created.out) as { token: string }).token;

    // A first start in front of hardware that already runs a domain: --init adopts it, its blades checked first.
    serve = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'serve', '--config', site, '--log-format', 'json', '--init'],
      {
        cwd: ROOT,
        env: { ...process.env, [PASSWORD_ENV]: 'secret' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    serve.stdout!.setEncoding('utf8').on('data', (chunk: string) => (logs += chunk));
    serve.stderr!.setEncoding('utf8').on('data', (chunk: string) => (logs += chunk));
    api = await until(
      'the API',
      async () =>
        /API listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(logs)?.[1] ??
        (serve?.exitCode !== null ? 'exited' : undefined),
    );
    if (api === 'exited') throw new Error(`cascade serve exited: ${logs}`);
  }, 120_000);

  afterAll(async () => {
    if (serve && serve.exitCode === null) {
      const exited = new Promise((r) => serve!.once('exit', r));
      serve.kill('SIGTERM');
      await exited;
    }
    for (const bmc of bmcs.values()) await bmc.stop();
    hosts?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('discovers the blades of the site file and adopts the domain libvirt reports running', async () => {
    const found = await until('3 blades', async () => ((await blades()).length === 3 ? blades() : undefined));
    expect(found.map((b) => b.id).sort()).toEqual(['b1', 'b2', 'b3']);
    const adopted = await until('db adopted', async () => (await workloads()).find((w) => w.id === 'db'));
    expect(adopted).toMatchObject({ blade: 'b1', state: 'running' });
    // Requirements from the domain XML (8 GiB, 2 vCPUs), through the libvirt driver.
    expect(adopted.requirements).toMatchObject({ memoryGiB: 8, cpuThreads: 2 });
    expect(logs).toContain('adopted 1 running workload(s)');
    expect(logs).not.toContain('secret'); // the BMCs' password, from the environment only
  }, 120_000);

  it('moves the domain to another blade when its blade loses power (save on b1, restore elsewhere)', async () => {
    // Pull b1's power behind the controller's back, as a PSU failure would: the IPMI poller reports it.
    const bmc = bmcs.get('b1')!;
    const off = spawnSync(
      'ipmitool',
      [
        '-I',
        'lanplus',
        '-H',
        '127.0.0.1',
        '-p',
        String(bmc.port),
        '-U',
        bmc.username,
        '-E',
        '-C',
        '3',
        'chassis',
        'power',
        'off',
      ],
      {
        env: { ...process.env, IPMI_PASSWORD: bmc.password },
        encoding: 'utf8',
      },
    );
    expect(off.status, off.stderr).toBe(0);
    const moved = await until('db on another blade', async () => {
      const db = (await workloads()).find((w) => w.id === 'db');
      return db && db.state === 'running' && db.blade !== null && db.blade !== 'b1' ? db : undefined;
    });
    expect(['b2', 'b3']).toContain(moved.blade);
    const after = await blades();
    expect(after.find((b) => b.id === moved.blade)).toMatchObject({ power: 'on', workload: 'db' });
    expect(after.find((b) => b.id === 'b1')?.state).toBe('failed');
    // The test driver keeps a domain running when its blade's power goes (it knows nothing of IPMI), so the failover
    // could capture it: virsh save on b1, fence b1 and power the target on over IPMI, virsh restore there.
    for (const step of ['capture', 'fence', 'start', 'restore', 'verify'])
      expect(logs).toMatch(new RegExp(`"kind":"failover","from":"b1".*"msg":"step ${step} succeeded"`));
  }, 150_000);
});
