// One blade's hypervisor as the libvirt driver sees it: domain-level virsh commands over the host's session.
import {
  formatRunMark,
  isActive,
  parseArch,
  parseBlockCapacities,
  parseDiskTargets,
  parseDominfo,
  parseRequirementsMetadata,
  parseRunMark,
  REQUIREMENTS_NS,
  RUN_NS,
  sequenceOf,
  type DomainFacts,
  type DomainInfo,
  type RunMark,
} from './domain-facts.js';
import { LibvirtError } from './libvirt-error.js';
import { saveThroughFifo } from './test-driver-save.js';
import type { VirshSession } from './virsh-session.js';

export interface HostMigration {
  /** Live migration works only between hosts of one group (same CPU family, shared storage, network). */
  readonly group: string;
  /** The URI the source's libvirt uses to reach this host; default the host's own URI. */
  readonly uri?: string;
}

export class LibvirtHost {
  constructor(
    readonly blade: string,
    readonly uri: string,
    readonly migration: HostMigration | null,
    private readonly session: VirshSession,
  ) {}

  /** libvirt's test driver keeps its domains in the connection and cannot migrate. */
  get isTestDriver(): boolean {
    return this.uri.startsWith('test:');
  }

  /** virsh's word for the domain's state here, or null when this host does not know the domain. */
  async state(domain: string): Promise<string | null> {
    try {
      return (await this.run(['domstate', domain])).trim();
    } catch (error) {
      if (error instanceof LibvirtError && error.code === 'no-domain') return null;
      throw error;
    }
  }

  async isActive(domain: string): Promise<boolean> {
    const state = await this.state(domain);
    return state !== null && isActive(state);
  }

  /** The domains that hold this host: running or paused. */
  async activeDomains(): Promise<string[]> {
    const out = await this.run(['list', '--name']);
    return out
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
  }

  async info(domain: string): Promise<DomainInfo> {
    const text = await this.run(['dominfo', domain]);
    try {
      return parseDominfo(text);
    } catch (error) {
      throw new LibvirtError('command-failed', `blade ${this.blade}: ${(error as Error).message}`, this.blade);
    }
  }

  async runMark(domain: string): Promise<RunMark | null> {
    try {
      return parseRunMark(await this.run(['metadata', domain, '--uri', RUN_NS]));
    } catch (error) {
      if (error instanceof LibvirtError && error.code === 'no-metadata') return null;
      throw error;
    }
  }

  /** --live: the mark describes this run only; the persistent definition keeps none. */
  async setRunMark(domain: string, mark: RunMark): Promise<void> {
    await this.run(['metadata', domain, '--uri', RUN_NS, '--key', 'cascade', '--set', formatRunMark(mark), '--live']);
  }

  async sequence(domain: string): Promise<{ sequence: number; mark: RunMark | null; cpuTimeMs: number }> {
    const mark = await this.runMark(domain);
    const { cpuTimeMs } = await this.info(domain);
    return { sequence: sequenceOf(mark, cpuTimeMs), mark, cpuTimeMs };
  }

  /** Marks a run that starts now from `sequence`, so later readings continue from it. */
  async markRun(domain: string, sequence: number, start: number): Promise<void> {
    const { cpuTimeMs } = await this.info(domain);
    await this.setRunMark(domain, { base: sequence, origin: cpuTimeMs, start });
  }

  /** What a requirements reading needs: dominfo, the arch, the disks' capacities, and the operator's metadata. */
  async facts(domain: string): Promise<DomainFacts> {
    const info = await this.info(domain);
    const arch = parseArch(await this.run(['dumpxml', domain, '--xpath', '/domain/os/type/@arch']).catch(() => ''));
    const targets = parseDiskTargets(await this.run(['domblklist', domain, '--details']));
    const capacities =
      targets.length > 0
        ? parseBlockCapacities(await this.run(['domblkinfo', domain, '--all']))
        : new Map<string, number>();
    const diskBytes = targets.map((t) => capacities.get(t)).filter((c): c is number => c !== undefined);
    let declared = {};
    try {
      const parsed = parseRequirementsMetadata(await this.run(['metadata', domain, '--uri', REQUIREMENTS_NS]));
      if (!parsed.ok)
        throw new LibvirtError(
          'command-failed',
          `workload ${domain} on blade ${this.blade}: ${parsed.message}`,
          this.blade,
          domain,
        );
      declared = parsed.resources;
    } catch (error) {
      if (!(error instanceof LibvirtError && error.code === 'no-metadata')) throw error;
    }
    return { info, arch, diskBytes, declared };
  }

  async definition(domain: string): Promise<string> {
    return this.run(['dumpxml', domain, '--inactive']);
  }

  async suspend(domain: string): Promise<void> {
    await this.run(['suspend', domain]);
  }

  async resume(domain: string): Promise<void> {
    await this.run(['resume', domain]);
  }

  async save(domain: string, file: string): Promise<void> {
    if (this.isTestDriver) await saveThroughFifo((path) => this.run(['save', domain, path]), file);
    else await this.run(['save', domain, file]);
  }

  /** Some hypervisors bring a domain saved while paused back paused; Cascade restores to run. */
  async restore(domain: string, file: string): Promise<void> {
    await this.run(['restore', file]);
    if ((await this.state(domain)) === 'paused') await this.resume(domain);
  }

  /** A cold boot: the definition this host has, else the one kept on shared storage (as a transient domain). */
  async boot(domain: string, definitionFile: string | null): Promise<void> {
    if ((await this.state(domain)) !== null) await this.run(['start', domain]);
    else if (definitionFile !== null) await this.run(['create', definitionFile]);
    else
      throw new LibvirtError(
        'no-definition',
        `blade ${this.blade}: no definition of ${domain} here or on shared storage`,
        this.blade,
        domain,
      );
  }

  async migrateLive(domain: string, target: LibvirtHost): Promise<void> {
    const uri = target.migration?.uri ?? target.uri;
    await this.run(['migrate', '--live', '--persistent', '--undefinesource', domain, uri]);
  }

  close(): Promise<void> {
    return this.session.close();
  }

  /** Every error names this blade, so the operator knows which host failed. */
  private async run(args: readonly string[]): Promise<string> {
    try {
      return await this.session.run(args);
    } catch (error) {
      if (!(error instanceof LibvirtError)) throw error;
      throw new LibvirtError(error.code, `blade ${this.blade}: ${error.message}`, this.blade, error.workload);
    }
  }
}
