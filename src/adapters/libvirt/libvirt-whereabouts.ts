// Where a workload's domain is across the hosts, and the refusals a driver call makes from that.
import type { Checkpoint } from '../../ports/workloads.js';
import { LibvirtError } from './libvirt-error.js';
import type { LibvirtHost } from './libvirt-host.js';

export interface Whereabouts {
  /** Hosts where the domain runs or is paused: more than one would be a bug of someone else's making. */
  readonly active: LibvirtHost[];
  /** Hosts that define it, shut off. */
  readonly defined: LibvirtHost[];
  readonly unreachable: { readonly host: LibvirtHost; readonly error: LibvirtError }[];
}

/** Every host is asked at once; one that does not answer is noted, not fatal (a dead blade is expected). */
export async function locate(hosts: Iterable<LibvirtHost>, workload: string): Promise<Whereabouts> {
  const where: Whereabouts = { active: [], defined: [], unreachable: [] };
  await Promise.all(
    [...hosts].map(async (host) => {
      try {
        const state = await host.state(workload);
        if (state === null) return;
        if (['shut off', 'crashed'].includes(state)) where.defined.push(host);
        else where.active.push(host);
      } catch (error) {
        if (!(error instanceof LibvirtError)) throw error;
        where.unreachable.push({ host, error });
      }
    }),
  );
  return where;
}

export function refuseIfActiveElsewhere(workload: string, blade: string, where: Whereabouts): void {
  const other = where.active.find((h) => h.blade !== blade);
  if (other)
    throw new LibvirtError(
      'running-elsewhere',
      `blade ${blade}: ${workload} already runs on ${other.blade}`,
      blade,
      workload,
    );
}

/** One workload per blade. */
export async function refuseIfBusy(workload: string, host: LibvirtHost): Promise<void> {
  const others = (await host.activeDomains()).filter((d) => d !== workload);
  if (others.length > 0)
    throw new LibvirtError(
      'blade-busy',
      `blade ${host.blade}: already runs ${others.join(', ')}`,
      host.blade,
      workload,
    );
}

export function notHere(workload: string, blade: string, elsewhere?: string): LibvirtError {
  const where = elsewhere ? `it runs on ${elsewhere}` : 'it is not running there';
  return new LibvirtError(
    'not-running-here',
    `blade ${blade}: ${workload} is not running here (${where})`,
    blade,
    workload,
  );
}

export function badCheckpoint(workload: string, blade: string, checkpoint: Checkpoint): LibvirtError {
  const what = `checkpoint of ${checkpoint.workload} at sequence ${checkpoint.sequence}`;
  return new LibvirtError(
    'bad-checkpoint',
    `blade ${blade}: ${what} is not an unspent saved state of ${workload}`,
    blade,
    workload,
  );
}
