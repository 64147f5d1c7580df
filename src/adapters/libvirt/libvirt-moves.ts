// The libvirt driver's moves: capture and restore through the shared directory, live migration between hosts.
import type { Checkpoint } from '../../ports/workloads.js';
import type { LibvirtFleet } from './libvirt-fleet.js';
import { LibvirtError } from './libvirt-error.js';
import type { LibvirtHost } from './libvirt-host.js';
import { badCheckpoint, notHere, refuseIfActiveElsewhere, refuseIfBusy } from './libvirt-whereabouts.js';
import { formatCheckpointData, parseCheckpointData, type CaptureRecord } from './state-dir.js';

export class LibvirtMoves {
  constructor(private readonly fleet: LibvirtFleet) {}

  /** Pauses the domain (the quiesce point), reads its sequence and saves it to shared storage; it is then shut off. */
  async capture(workload: string, blade: string): Promise<Checkpoint> {
    await this.fleet.prepared();
    const host = this.fleet.host(blade, workload);
    const state = await host.state(workload);
    if (state === null || !['running', 'paused', 'idle', 'blocked'].includes(state))
      return this.#capturedBefore(workload, blade);
    await this.fleet.keepDefinition(workload, host, true);
    if (state !== 'paused') await host.suspend(workload);
    const { sequence } = await host.sequence(workload);
    const now = this.fleet.now();
    const record: CaptureRecord = {
      workload,
      blade,
      sequence,
      file: this.fleet.dir.saveFile(workload, now),
      takenAt: now,
    };
    // Written first: a controller that dies during the save finds the image through it.
    await this.fleet.dir.writeCapture(record);
    try {
      await host.save(workload, record.file);
    } catch (error) {
      await host.resume(workload).catch(() => undefined);
      throw error;
    }
    return toCheckpoint(record);
  }

  async restore(workload: string, blade: string, checkpoint: Checkpoint): Promise<void> {
    await this.fleet.prepared();
    const host = this.fleet.host(blade, workload);
    if (checkpoint.workload !== workload) {
      throw new LibvirtError(
        'bad-checkpoint',
        `blade ${blade}: a checkpoint of ${checkpoint.workload} cannot restore ${workload}`,
        blade,
        workload,
      );
    }
    const where = await this.fleet.locate(workload);
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
      await host.boot(
        workload,
        this.fleet.dir.hasDefinition(workload) ? this.fleet.dir.definitionPath(workload) : null,
      );
      await host.markRun(workload, 0, 0);
    } else {
      const record = await this.#savedState(workload, checkpoint);
      if (!record) throw badCheckpoint(workload, blade, checkpoint);
      await this.#restoreRecord(workload, host, record);
    }
    this.fleet.lastSeen.set(workload, blade);
    await this.fleet.keepDefinition(workload, host, true);
  }

  async canMigrate(workload: string, from: string, to: string): Promise<boolean> {
    return migrationBlocked(this.fleet.host(from, workload), this.fleet.host(to, workload)) === null;
  }

  async migrate(workload: string, from: string, to: string): Promise<void> {
    const source = this.fleet.host(from, workload);
    const target = this.fleet.host(to, workload);
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
    this.fleet.lastSeen.set(workload, to);
  }

  async resume(workload: string, blade: string): Promise<void> {
    await this.fleet.prepared();
    const host = this.fleet.host(blade, workload);
    const where = await this.fleet.locate(workload);
    if (where.active.some((h) => h.blade === blade)) return;
    refuseIfActiveElsewhere(workload, blade, where);
    const record = await this.fleet.dir.capture(workload);
    if (!record || record.blade !== blade || !this.fleet.dir.holdsSave(record.file)) {
      throw new LibvirtError(
        'state-lost',
        `blade ${blade}: ${workload} was not captured here, or its saved state is gone`,
        blade,
        workload,
      );
    }
    await refuseIfBusy(workload, host);
    await this.#restoreRecord(workload, host, record);
    this.fleet.lastSeen.set(workload, blade);
  }

  async #restoreRecord(workload: string, host: LibvirtHost, record: CaptureRecord): Promise<void> {
    await host.restore(workload, record.file);
    await host.markRun(workload, record.sequence, record.sequence);
    await this.fleet.dir.spendCapture(record);
  }

  /** A second capture after the first: the same saved state, as long as nothing ran since. */
  async #capturedBefore(workload: string, blade: string): Promise<Checkpoint> {
    const where = await this.fleet.locate(workload);
    if (where.active.length > 0) throw notHere(workload, blade, where.active[0]?.blade);
    const record = await this.fleet.dir.capture(workload);
    if (record && record.blade === blade && this.fleet.dir.holdsSave(record.file)) return toCheckpoint(record);
    throw notHere(workload, blade);
  }

  /** The capture record a checkpoint names, if it is still unspent and its image is there. */
  async #savedState(workload: string, checkpoint: Checkpoint): Promise<CaptureRecord | null> {
    const data = parseCheckpointData(checkpoint.data);
    const record = await this.fleet.dir.capture(workload);
    if (!data || !record) return null;
    const same =
      record.file === data.file && record.sequence === checkpoint.sequence && data.sequence === checkpoint.sequence;
    return same && this.fleet.dir.holdsSave(record.file) ? record : null;
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
