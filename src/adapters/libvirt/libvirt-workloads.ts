// WorkloadPort over libvirt: one domain per workload (its name is the workload id), one hypervisor host per blade.
//
// Moves: live migration (`virsh migrate --live`) between hosts of one migration group; otherwise save on the
// source and restore on the target through a directory every host reaches. Periodic checkpoints of a running
// domain are not offered (a `virsh save` stops the domain): a failover from a dead host cold-boots the domain
// from its disk, with the definition the driver keeps on shared storage.
import type {
  Checkpoint,
  DeclaredRequirements,
  ObservedWorkload,
  UtilizationSample,
  WorkloadLiveness,
  WorkloadPort,
} from '../../ports/workloads.js';
import { requirementsOf } from './domain-facts.js';
import { LibvirtError } from './libvirt-error.js';
import { LibvirtHost, type HostMigration } from './libvirt-host.js';
import {
  badCheckpoint,
  locate,
  notHere,
  refuseIfActiveElsewhere,
  refuseIfBusy,
  type Whereabouts,
} from './libvirt-whereabouts.js';
import { formatCheckpointData, parseCheckpointData, StateDir, type CaptureRecord } from './state-dir.js';
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

export interface HostSurvey {
  readonly blade: string;
  readonly uri: string;
  /** null when the host answered. */
  readonly error: string | null;
  readonly running: readonly { readonly id: string; readonly sequence: number }[];
}

export class LibvirtWorkloads implements WorkloadPort {
  readonly #hosts = new Map<string, LibvirtHost>();
  readonly #dir: StateDir;
  #ready: Promise<void> | null = null;
  readonly #now: () => number;
  readonly #vcpusAs: 'cpuThreads' | 'cpuCount';
  /** Where each workload was last seen running: a stopped workload whose last host is unreachable is not reported stopped. */
  readonly #lastSeen = new Map<string, string>();

  constructor(options: LibvirtWorkloadsOptions) {
    for (const spec of options.hosts) {
      const session = new VirshSession(spec.uri, {
        ...(options.virsh ? { virsh: options.virsh } : {}),
        timeoutMs: options.callTimeoutMs ?? 60_000,
      });
      this.#hosts.set(spec.blade, new LibvirtHost(spec.blade, spec.uri, spec.migration ?? null, session));
    }
    this.#dir = new StateDir(options.stateDir);
    this.#now = options.now ?? Date.now;
    this.#vcpusAs = options.vcpusAs ?? 'cpuThreads';
  }

  async declared(workload: string): Promise<DeclaredRequirements | null> {
    const where = await this.#locate(workload);
    const host = where.active[0] ?? where.defined[0];
    if (!host) return null;
    return { requirements: requirementsOf(await host.facts(workload), this.#vcpusAs), source: 'vm-metadata' };
  }

  /**
   * Every host's running domains, or why the host did not answer: what a controller adopts on its first start,
   * and what `cascade drivers check` shows.
   */
  async survey(): Promise<HostSurvey[]> {
    return Promise.all(
      [...this.#hosts.values()].map(async (host): Promise<HostSurvey> => {
        try {
          const domains = await host.activeDomains();
          const running = [];
          for (const id of domains) running.push({ id, sequence: (await host.sequence(id)).sequence });
          return { blade: host.blade, uri: host.uri, error: null, running };
        } catch (error) {
          return {
            blade: host.blade,
            uri: host.uri,
            error: error instanceof Error ? error.message : String(error),
            running: [],
          };
        }
      }),
    );
  }

  /** The running workloads, in the shape the emulated driver lists them (for adoption on a first start). */
  async list(): Promise<{ id: string; state: 'running'; blade: string; sequence: number }[]> {
    return (await this.survey()).flatMap((h) =>
      h.running.map((d) => ({ id: d.id, state: 'running' as const, blade: h.blade, sequence: d.sequence })),
    );
  }

  /** Measured utilization comes from a monitoring system, not from libvirt. */
  async samples(): Promise<UtilizationSample[]> {
    return [];
  }

  async status(workload: string): Promise<ObservedWorkload> {
    const where = await this.#locate(workload);
    const host = where.active[0];
    if (host) {
      await this.#keepDefinition(workload, host);
      return { state: 'running', blade: host.blade, sequence: (await host.sequence(workload)).sequence };
    }
    const last = this.#lastSeen.get(workload);
    const lost = where.unreachable.find((u) => u.host.blade === last);
    if (lost)
      throw new LibvirtError(
        'unreachable',
        `${lost.error.message} (workload ${workload} ran there)`,
        lost.host.blade,
        workload,
      );
    const record = await this.#dir.capture(workload);
    if (record) return { state: 'stopped', blade: null, sequence: record.sequence };
    if (where.defined.length > 0 || this.#dir.hasDefinition(workload))
      return { state: 'stopped', blade: null, sequence: 0 };
    const silent = where.unreachable[0];
    if (silent) {
      const message = `workload ${workload}: on no host that answered; ${silent.error.message}`;
      throw new LibvirtError('unreachable', message, silent.host.blade, workload);
    }
    throw new LibvirtError(
      'unknown-workload',
      `workload ${workload}: unknown: no host defines a domain of that name`,
      null,
      workload,
    );
  }

  /** libvirt's domain state on the host: running there is alive; a host that does not answer is a lost heartbeat. */
  async liveness(workload: string): Promise<WorkloadLiveness> {
    try {
      const seen = await this.status(workload);
      if (seen.state === 'running')
        return { alive: true, blade: seen.blade, reason: `domain ${workload} running on ${seen.blade}` };
      return { alive: false, blade: null, reason: `domain ${workload} is not running` };
    } catch (error) {
      return {
        alive: false,
        blade: null,
        reason: `domain ${workload}: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }

  async checkpoint(workload: string, blade: string): Promise<Checkpoint> {
    const host = this.#host(blade, workload);
    if (!(await host.isActive(workload))) throw notHere(workload, blade);
    throw new LibvirtError(
      'checkpoint-unsupported',
      `blade ${blade}: workload ${workload}: the libvirt driver takes no checkpoint of a running domain (virsh save would stop it); ` +
        `a failover from a dead host cold-boots ${workload} from its disk`,
      blade,
      workload,
    );
  }

  /** Pauses the domain (the quiesce point), reads its sequence and saves it to shared storage; it is then shut off. */
  async capture(workload: string, blade: string): Promise<Checkpoint> {
    await this.#prepared();
    const host = this.#host(blade, workload);
    const state = await host.state(workload);
    if (state === null || !['running', 'paused', 'idle', 'blocked'].includes(state))
      return this.#capturedBefore(workload, blade);
    await this.#keepDefinition(workload, host, true);
    if (state !== 'paused') await host.suspend(workload);
    const { sequence } = await host.sequence(workload);
    const now = this.#now();
    const record: CaptureRecord = { workload, blade, sequence, file: this.#dir.saveFile(workload, now), takenAt: now };
    // Written first: a controller that dies during the save finds the image through it.
    await this.#dir.writeCapture(record);
    try {
      await host.save(workload, record.file);
    } catch (error) {
      await host.resume(workload).catch(() => undefined);
      throw error;
    }
    return toCheckpoint(record);
  }

  async restore(workload: string, blade: string, checkpoint: Checkpoint): Promise<void> {
    await this.#prepared();
    const host = this.#host(blade, workload);
    if (checkpoint.workload !== workload) {
      throw new LibvirtError(
        'bad-checkpoint',
        `blade ${blade}: a checkpoint of ${checkpoint.workload} cannot restore ${workload}`,
        blade,
        workload,
      );
    }
    const where = await this.#locate(workload);
    if (where.active.some((h) => h.blade === blade)) {
      const mark = await host.runMark(workload);
      if (mark?.start === checkpoint.sequence) return;
      throw new LibvirtError(
        'already-running',
        `blade ${blade}: ${workload} already runs here, not from sequence ${checkpoint.sequence}`,
        blade,
        workload,
      );
    }
    refuseIfActiveElsewhere(workload, blade, where);
    await refuseIfBusy(workload, host);
    if (checkpoint.data === '') {
      if (checkpoint.sequence !== 0) throw badCheckpoint(workload, blade, checkpoint);
      // A cold start: the memory state is gone (the blade died uncaptured); the disk is all there is.
      await host.boot(workload, this.#dir.hasDefinition(workload) ? this.#dir.definitionPath(workload) : null);
      await host.markRun(workload, 0, 0);
    } else {
      const record = await this.#savedState(workload, checkpoint);
      if (!record) throw badCheckpoint(workload, blade, checkpoint);
      await this.#restoreRecord(workload, host, record);
    }
    this.#lastSeen.set(workload, blade);
    await this.#keepDefinition(workload, host, true);
  }

  async canMigrate(workload: string, from: string, to: string): Promise<boolean> {
    return migrationBlocked(this.#host(from, workload), this.#host(to, workload)) === null;
  }

  async migrate(workload: string, from: string, to: string): Promise<void> {
    const source = this.#host(from, workload);
    const target = this.#host(to, workload);
    if (await target.isActive(workload)) return;
    if (!(await source.isActive(workload))) throw notHere(workload, from);
    const blocked = migrationBlocked(source, target);
    if (blocked !== null) {
      throw new LibvirtError(
        'migration-unsupported',
        `blade ${to}: cannot live-migrate ${workload} from ${from}: ${blocked}; Cascade moves it by save and restore instead`,
        to,
        workload,
      );
    }
    await refuseIfBusy(workload, target);
    const { sequence, mark } = await source.sequence(workload);
    try {
      await source.migrateLive(workload, target);
    } catch (error) {
      if (error instanceof LibvirtError && error.code === 'unsupported') {
        throw new LibvirtError(
          'migration-unsupported',
          `blade ${to}: the hypervisor refused to live-migrate ${workload}: ${error.message}`,
          to,
          workload,
        );
      }
      throw error;
    }
    // The target's hypervisor counts CPU time from zero: the mark carries the sequence over.
    await target.markRun(workload, sequence, mark?.start ?? sequence);
    this.#lastSeen.set(workload, to);
  }

  async resume(workload: string, blade: string): Promise<void> {
    await this.#prepared();
    const host = this.#host(blade, workload);
    const where = await this.#locate(workload);
    if (where.active.some((h) => h.blade === blade)) return;
    refuseIfActiveElsewhere(workload, blade, where);
    const record = await this.#dir.capture(workload);
    if (!record || record.blade !== blade || !this.#dir.holdsSave(record.file)) {
      throw new LibvirtError(
        'state-lost',
        `blade ${blade}: ${workload} was not captured here, or its saved state is gone`,
        blade,
        workload,
      );
    }
    await refuseIfBusy(workload, host);
    await this.#restoreRecord(workload, host, record);
    this.#lastSeen.set(workload, blade);
  }

  /** Ends every virsh process. */
  async close(): Promise<void> {
    await this.#ready?.catch(() => undefined);
    await Promise.all([...this.#hosts.values()].map((h) => h.close()));
  }

  /** The shared directory's layout, made on first use (not in the constructor: nothing runs before it is asked). */
  #prepared(): Promise<void> {
    this.#ready ??= this.#dir.prepare();
    return this.#ready;
  }

  async #restoreRecord(workload: string, host: LibvirtHost, record: CaptureRecord): Promise<void> {
    await host.restore(workload, record.file);
    await host.markRun(workload, record.sequence, record.sequence);
    await this.#dir.spendCapture(record);
  }

  /** A second capture after the first: the same saved state, as long as nothing ran since. */
  async #capturedBefore(workload: string, blade: string): Promise<Checkpoint> {
    const where = await this.#locate(workload);
    if (where.active.length > 0) throw notHere(workload, blade, where.active[0]?.blade);
    const record = await this.#dir.capture(workload);
    if (record && record.blade === blade && this.#dir.holdsSave(record.file)) return toCheckpoint(record);
    throw notHere(workload, blade);
  }

  /** The capture record a checkpoint names, if it is still unspent and its image is there. */
  async #savedState(workload: string, checkpoint: Checkpoint): Promise<CaptureRecord | null> {
    const data = parseCheckpointData(checkpoint.data);
    const record = await this.#dir.capture(workload);
    if (!data || !record) return null;
    const same =
      record.file === data.file && record.sequence === checkpoint.sequence && data.sequence === checkpoint.sequence;
    return same && this.#dir.holdsSave(record.file) ? record : null;
  }

  /** Where the workload's domain is; a running one is remembered as last seen there. */
  async #locate(workload: string): Promise<Whereabouts> {
    const where = await locate(this.#hosts.values(), workload);
    const running = where.active[0];
    if (running) this.#lastSeen.set(workload, running.blade);
    return where;
  }

  /** Keeps the definition on shared storage (when missing, or always) so any host can cold-boot the domain. */
  async #keepDefinition(workload: string, host: LibvirtHost, always = false): Promise<void> {
    await this.#prepared();
    if (!always && this.#dir.hasDefinition(workload)) return;
    await this.#dir.writeDefinition(workload, await host.definition(workload));
  }

  #host(blade: string, workload: string): LibvirtHost {
    const host = this.#hosts.get(blade);
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

/** Why live migration cannot work between two hosts, or null when it can. */
export function migrationBlocked(from: LibvirtHost, to: LibvirtHost): string | null {
  if (from.isTestDriver || to.isTestDriver) return "libvirt's test driver does not support migration";
  if (!from.migration) return `live migration is not configured for blade ${from.blade}`;
  if (!to.migration) return `live migration is not configured for blade ${to.blade}`;
  if (from.migration.group !== to.migration.group)
    return `blades ${from.blade} and ${to.blade} are in different migration groups`;
  return null;
}

function toCheckpoint(record: CaptureRecord): Checkpoint {
  return {
    workload: record.workload,
    blade: record.blade,
    sequence: record.sequence,
    data: formatCheckpointData(record),
  };
}
