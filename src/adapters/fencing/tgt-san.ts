// Linux's userspace iSCSI target (tgt) as a SAN: a workload's boot LUN is a target whose ACL lists the initiators
// allowed to log in. The `storage` fencing level unbinds a blade's initiator from every target, confirmed by reading
// the ACLs back; the StoragePort binds a workload's target to the blade it moves to and unbinds every other. tgtadm is
// spawned with execFile (no shell), on the daemon's control port.
import { execFile } from 'node:child_process';
import { UnknownFenceAddress, type FenceDevice, type FenceReading } from '../../ports/fencing.js';
import type { StoragePort } from '../../ports/storage.js';

export interface TgtOptions {
  /** How proofs and messages name the SAN. */
  readonly name: string;
  /** tgtd's control port (tgtd -C / --control-port). */
  readonly controlPort: number;
  /** Path of tgtadm; default from PATH. */
  readonly tgtadm?: string;
  /** blade -> its initiator IQN: the hosts this SAN knows; any other initiator is a misconfiguration. */
  readonly initiators: Readonly<Record<string, string>>;
  /** workload -> the tid of the target holding its boot LUN. */
  readonly targets?: Readonly<Record<string, number>>;
  readonly timeoutMs?: number;
}

export interface TgtTarget {
  readonly tid: number;
  readonly name: string;
  readonly acl: readonly string[];
}

/** Reads `tgtadm --op show --mode target`: each target's tid, name and ACL. */
export function parseTargets(text: string): TgtTarget[] {
  const targets: { tid: number; name: string; acl: string[] }[] = [];
  let inAcl = false;
  for (const line of text.split('\n')) {
    const target = /^Target (\d+): (\S+)/.exec(line);
    if (target) {
      targets.push({ tid: Number(target[1]), name: target[2]!, acl: [] });
      inAcl = false;
      continue;
    }
    if (/^ {4}\S/.test(line)) inAcl = line.trim() === 'ACL information:';
    else if (inAcl && /^ {8}\S/.test(line)) targets.at(-1)?.acl.push(line.trim());
  }
  return targets;
}

export class TgtSan implements FenceDevice, StoragePort {
  readonly level = 'storage' as const;
  readonly name: string;

  constructor(private readonly o: TgtOptions) {
    this.name = o.name;
  }

  #tgtadm(args: readonly string[], what: string): Promise<string> {
    const argv = ['-C', String(this.o.controlPort), '--lld', 'iscsi', ...args];
    return new Promise((resolve, reject) => {
      execFile(this.o.tgtadm ?? 'tgtadm', argv, { timeout: this.o.timeoutMs ?? 10_000 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`${this.name}: ${what}: ${(stderr || error.message).trim().split('\n')[0]}`));
        else resolve(stdout);
      });
    });
  }

  async targets(): Promise<TgtTarget[]> {
    return parseTargets(await this.#tgtadm(['--op', 'show', '--mode', 'target'], 'reading the targets'));
  }

  #known(iqn: string): void {
    if (!Object.values(this.o.initiators).includes(iqn))
      throw new UnknownFenceAddress(`${this.name}: initiator ${iqn} is not one of this SAN's initiators`);
  }

  async read(iqn: string): Promise<FenceReading> {
    this.#known(iqn);
    const bound = (await this.targets()).filter((t) => t.acl.includes(iqn));
    const shows =
      bound.length === 0
        ? `${iqn} in no target's ACL`
        : `${iqn} in the ACL of ${bound.map((t) => `tid ${t.tid}`).join(', ')}`;
    return { fenced: bound.length === 0, shows };
  }

  async fence(iqn: string): Promise<string> {
    this.#known(iqn);
    const bound = (await this.targets()).filter((t) => t.acl.includes(iqn));
    for (const t of bound) await this.#unbind(t.tid, iqn);
    return bound.length === 0 ? `${iqn} was in no ACL` : `unbound from ${bound.map((t) => `tid ${t.tid}`).join(', ')}`;
  }

  #unbind(tid: number, iqn: string): Promise<string> {
    return this.#tgtadm(
      ['--op', 'unbind', '--mode', 'target', '--tid', String(tid), '--initiator-name', iqn],
      `unbind ${iqn} from tid ${tid}`,
    );
  }

  #tid(workload: string): number {
    const tid = this.o.targets?.[workload];
    if (tid === undefined) throw new Error(`${this.name}: workload ${workload} has no target (targets.${workload})`);
    return tid;
  }

  /** Binds the blade's initiator first, then unbinds every other: a crash in between leaves two bound, never none. */
  async attach(workload: string, blade: string): Promise<void> {
    const iqn = this.o.initiators[blade];
    if (iqn === undefined) throw new Error(`${this.name}: blade ${blade} has no initiator (initiators.${blade})`);
    const tid = this.#tid(workload);
    const target = (await this.targets()).find((t) => t.tid === tid);
    if (!target) throw new Error(`${this.name}: workload ${workload}: no target with tid ${tid}`);
    if (!target.acl.includes(iqn)) {
      await this.#tgtadm(
        ['--op', 'bind', '--mode', 'target', '--tid', String(tid), '--initiator-name', iqn],
        `bind ${iqn} to tid ${tid}`,
      );
    }
    for (const other of target.acl) if (other !== iqn) await this.#unbind(tid, other);
  }

  async attachedTo(workload: string): Promise<string | null> {
    const tid = this.o.targets?.[workload];
    if (tid === undefined) return null;
    const acl = (await this.targets()).find((t) => t.tid === tid)?.acl ?? [];
    const blades = Object.entries(this.o.initiators)
      .filter(([, iqn]) => acl.includes(iqn))
      .map(([blade]) => blade);
    return blades.length === 1 ? blades[0]! : null;
  }
}
