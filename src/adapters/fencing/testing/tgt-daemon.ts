// A throwaway tgtd for tests: its own portal and control port on 127.0.0.1, one target per boot LUN (a sparse file),
// and the userspace initiator (iscsi-inq) to prove from a blade's side whether it still sees its LUN.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TGTD = '/usr/sbin/tgtd';
const TGTADM = '/usr/sbin/tgtadm';
const INQ = '/usr/bin/iscsi-inq';

/** Why tgt cannot run here, or null. */
export function tgtMissing(): string | null {
  for (const [file, pkg] of [
    [TGTD, 'tgt'],
    [TGTADM, 'tgt'],
    [INQ, 'libiscsi-bin'],
  ] as const) {
    if (!existsSync(file)) return `${file} is missing (apt-get install ${pkg})`;
  }
  return null;
}

export interface TgtDaemon {
  readonly portal: string;
  readonly controlPort: number;
  /** workload -> tid */
  readonly targets: Record<string, number>;
  readonly targetNames: Record<string, string>;
  tgtadm(...args: string[]): Promise<string>;
  /** Whether the initiator can log in and inquire LUN 1 of the workload's target (iscsi-inq, the initiator's side). */
  sees(initiator: string, workload: string): Promise<boolean>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function run(file: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 15_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts tgtd with one target per workload, each with a 16 MiB LUN, its ACL holding `bound[workload]`. */
export async function startTgt(bound: Readonly<Record<string, string>>): Promise<TgtDaemon> {
  const dir = await mkdtemp(join(tmpdir(), 'cascade-tgt-'));
  const portalPort = await freePort();
  // Not a TCP port: it names tgtd's control socket (/var/run/tgtd/socket.N), and tgtd refuses any above 32767.
  const controlPort = 1_000 + ((process.pid * 7 + portalPort) % 31_000);
  const portal = `127.0.0.1:${portalPort}`;
  const child: ChildProcess = spawn(TGTD, ['-f', '--iscsi', `portal=${portal}`, '-C', String(controlPort)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const tgtadm = async (...args: string[]): Promise<string> => {
    const r = await run(TGTADM, ['-C', String(controlPort), '--lld', 'iscsi', ...args]);
    if (r.code !== 0) throw new Error(`tgtadm ${args.join(' ')}: ${r.stderr.trim()}`);
    return r.stdout;
  };
  const stop = async (): Promise<void> => {
    await run(TGTADM, ['-C', String(controlPort), '--op', 'delete', '--mode', 'system', '--force']);
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    // tgtd takes a moment to open its control socket.
    for (let i = 0; ; i++) {
      const r = await run(TGTADM, ['-C', String(controlPort), '--lld', 'iscsi', '--op', 'show', '--mode', 'target']);
      if (r.code === 0) break;
      if (i > 100 || child.exitCode !== null)
        throw new Error(`tgtd did not start: ${log.trim().split('\n').at(-1) ?? ''}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const targets: Record<string, number> = {};
    const targetNames: Record<string, string> = {};
    let tid = 0;
    for (const [workload, initiator] of Object.entries(bound)) {
      tid += 1;
      const name = `iqn.2026-12.io.cascade.test:boot.${workload.toLowerCase()}`;
      const lun = join(dir, `${workload}.img`);
      await writeFile(lun, '');
      await truncate(lun, 16 * 1024 * 1024);
      await tgtadm('--op', 'new', '--mode', 'target', '--tid', String(tid), '-T', name);
      await tgtadm('--op', 'new', '--mode', 'logicalunit', '--tid', String(tid), '--lun', '1', '-b', lun);
      await tgtadm('--op', 'bind', '--mode', 'target', '--tid', String(tid), '--initiator-name', initiator);
      targets[workload] = tid;
      targetNames[workload] = name;
    }
    const sees = async (initiator: string, workload: string): Promise<boolean> => {
      const r = await run(INQ, ['-i', initiator, `iscsi://${portal}/${targetNames[workload]}/1`]);
      return r.code === 0 && r.stdout.includes('DIRECT_ACCESS');
    };
    return { portal, controlPort, targets, targetNames, tgtadm, sees, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
