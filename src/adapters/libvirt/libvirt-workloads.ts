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
import { LibvirtFleet, type LibvirtWorkloadsOptions } from './libvirt-fleet.js';
import { LibvirtMoves } from './libvirt-moves.js';
import { notHere } from './libvirt-whereabouts.js';

export type { LibvirtHostSpec, LibvirtWorkloadsOptions } from './libvirt-fleet.js';
export { migrationBlocked } from './libvirt-moves.js';

export interface HostSurvey {
  readonly blade: string;
  readonly uri: string;
  /** null when the host answered. */
  readonly error: string | null;
  readonly running: readonly { readonly id: string; readonly sequence: number }[];
}

export class LibvirtWorkloads implements WorkloadPort {
  readonly #fleet: LibvirtFleet;
  readonly #moves: LibvirtMoves;
  readonly #vcpusAs: 'cpuThreads' | 'cpuCount';

  constructor(options: LibvirtWorkloadsOptions) {
    this.#fleet = new LibvirtFleet(options);
    this.#moves = new LibvirtMoves(this.#fleet);
    this.#vcpusAs = options.vcpusAs ?? 'cpuThreads';
  }

  async declared(workload: string): Promise<DeclaredRequirements | null> {
    const where = await this.#fleet.locate(workload);
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
      [...this.#fleet.hosts.values()].map(async (host): Promise<HostSurvey> => {
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
    const where = await this.#fleet.locate(workload);
    const host = where.active[0];
    if (host) {
      await this.#fleet.keepDefinition(workload, host);
      return { state: 'running', blade: host.blade, sequence: (await host.sequence(workload)).sequence };
    }
    const last = this.#fleet.lastSeen.get(workload);
    const lost = where.unreachable.find((u) => u.host.blade === last);
    if (lost)
      throw new LibvirtError(
        'unreachable',
        `${lost.error.message} (workload ${workload} ran there)`,
        lost.host.blade,
        workload,
      );
    const record = await this.#fleet.dir.capture(workload);
    if (record) return { state: 'stopped', blade: null, sequence: record.sequence };
    if (where.defined.length > 0 || this.#fleet.dir.hasDefinition(workload))
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
    const host = this.#fleet.host(blade, workload);
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
  capture(workload: string, blade: string): Promise<Checkpoint> {
    return this.#moves.capture(workload, blade);
  }

  restore(workload: string, blade: string, checkpoint: Checkpoint): Promise<void> {
    return this.#moves.restore(workload, blade, checkpoint);
  }

  canMigrate(workload: string, from: string, to: string): Promise<boolean> {
    return this.#moves.canMigrate(workload, from, to);
  }

  migrate(workload: string, from: string, to: string): Promise<void> {
    return this.#moves.migrate(workload, from, to);
  }

  resume(workload: string, blade: string): Promise<void> {
    return this.#moves.resume(workload, blade);
  }

  /** Ends every virsh process. */
  close(): Promise<void> {
    return this.#fleet.close();
  }
}
