// The libvirt driver's shared ground: one host per blade, the shared state directory, where each workload last ran.
import { LibvirtError } from './libvirt-error.js';
import { LibvirtHost, type HostMigration } from './libvirt-host.js';
import { locate, type Whereabouts } from './libvirt-whereabouts.js';
import { StateDir } from './state-dir.js';
import { VirshSession } from './virsh-session.js';

export interface LibvirtHostSpec {
  readonly blade: string;
  /** A libvirt connection URI: qemu+ssh://root@blade1/system, or test:///path/host.xml in tests. */
  readonly uri: string;
  readonly migration?: HostMigration;
}

export interface LibvirtWorkloadsOptions {
  readonly hosts: readonly LibvirtHostSpec[];
  /** A directory at the same path on every host and on the controller (NFS, a cluster file system). */
  readonly stateDir: string;
  readonly virsh?: string;
  /** Deadline of one virsh command; default 60 s. */
  readonly callTimeoutMs?: number;
  /** Which resource a domain's vCPUs are: threads (default) or, for vCPUs pinned to whole cores, cores. */
  readonly vcpusAs?: 'cpuThreads' | 'cpuCount';
  readonly now?: () => number;
}

export class LibvirtFleet {
  readonly hosts = new Map<string, LibvirtHost>();
  readonly dir: StateDir;
  #ready: Promise<void> | null = null;
  readonly now: () => number;
  /** Where each workload was last seen running: a stopped workload whose last host is unreachable is not reported stopped. */
  readonly lastSeen = new Map<string, string>();

  constructor(options: LibvirtWorkloadsOptions) {
    for (const spec of options.hosts) {
      const session = new VirshSession(spec.uri, {
        ...(options.virsh ? { virsh: options.virsh } : {}),
        timeoutMs: options.callTimeoutMs ?? 60_000,
      });
      this.hosts.set(spec.blade, new LibvirtHost(spec.blade, spec.uri, spec.migration ?? null, session));
    }
    this.dir = new StateDir(options.stateDir);
    this.now = options.now ?? Date.now;
  }

  /** Ends every virsh process. */
  async close(): Promise<void> {
    await this.#ready?.catch(() => undefined);
    await Promise.all([...this.hosts.values()].map((h) => h.close()));
  }

  /** The shared directory's layout, made on first use (not in the constructor: nothing runs before it is asked). */
  prepared(): Promise<void> {
    this.#ready ??= this.dir.prepare();
    return this.#ready;
  }

  /** Where the workload's domain is; a running one is remembered as last seen there. */
  async locate(workload: string): Promise<Whereabouts> {
    const where = await locate(this.hosts.values(), workload);
    const running = where.active[0];
    if (running) this.lastSeen.set(workload, running.blade);
    return where;
  }

  /** Keeps the definition on shared storage (when missing, or always) so any host can cold-boot the domain. */
  async keepDefinition(workload: string, host: LibvirtHost, always = false): Promise<void> {
    await this.prepared();
    if (!always && this.dir.hasDefinition(workload)) return;
    await this.dir.writeDefinition(workload, await host.definition(workload));
  }

  host(blade: string, workload: string): LibvirtHost {
    const host = this.hosts.get(blade);
    if (!host)
      throw new LibvirtError(
        'unknown-blade',
        `blade ${blade}: unknown to the libvirt driver (no host configured)`,
        blade,
        workload,
      );
    return host;
  }
}
