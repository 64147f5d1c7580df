// The calls the fake ports make on the world: reaching a blade, refusing, power requests, runs, checkpoints, storage.
import type { HardwareEvent, PowerState } from '../../ports/hardware.js';
import type { Checkpoint } from '../../ports/workloads.js';
import { DriverError } from './driver-error.js';
import type { RefusalCode, StartHow, StopReason } from './world-state.js';
import { WorldView } from './world-view.js';

/** What FakeWorld (world.ts) offers the fake drivers, apart from the reads of WorldView. */
export class WorldPortActions extends WorldView {
  /** Hardware events as the world changes, delivered asynchronously. */
  onEvent(listener: (event: HardwareEvent) => void): () => void {
    return this.core.onEvent(listener);
  }

  /** Resolves when the blade's controller answers; rejects for an unknown or unreachable blade, or never settles (hang). */
  async reach(op: string, blade: string, workload: string | null = null): Promise<void> {
    const reachable = this.core.read(() => this.core.state.blades[blade]?.reachable);
    if (reachable === undefined) throw this.refuse(op, 'unknown-blade', `blade ${blade}: unknown`, blade, workload);
    if (reachable === 'hang') return new Promise<never>(() => {});
    if (reachable === 'reject') {
      await this.core.clock.sleep(this.core.state.unreachableDelayMs);
      throw this.refuse(op, 'unreachable', `blade ${blade}: not reachable`, blade, workload);
    }
  }

  /** Records the refusal in the history (tests see attempts, e.g. a start on a second blade) and returns the error to throw. */
  refuse(op: string, code: RefusalCode, message: string, blade: string | null, workload: string | null): DriverError {
    this.core.mutate(() => this.core.record({ kind: 'refused', op, blade, workload, reason: code }));
    return new DriverError(code, message, blade, workload);
  }

  /** Accepted at once; effective after the blade's powerDelayMs, or never for a blade that refuses power-on. */
  requestPower(id: string, power: PowerState): void {
    this.core.mutate(() => {
      const blade = this.core.blade(id);
      const now = this.core.clock.now();
      this.core.record({ kind: 'power-requested', blade: id, power });
      if (power === blade.power || (power === 'on' && (blade.refusePowerOn || blade.outletOff === true))) {
        // Asking for the power it has cancels a change in flight, as a later Redfish reset supersedes an earlier one.
        blade.pendingPower = null;
      } else if (blade.powerDelayMs <= 0) {
        blade.pendingPower = null;
        this.core.applyPower(blade, power, now, 'power-off');
      } else if (blade.pendingPower?.power !== power) {
        blade.pendingPower = { power, effectiveAt: now + blade.powerDelayMs };
        this.core.schedule(blade);
      }
    });
  }

  startRun(workload: string, blade: string, sequence: number, how: StartHow, checkpoint: string | null): void {
    this.core.mutate(() => {
      this.core.workload(workload).execution = {
        state: 'running',
        blade,
        since: this.core.clock.now(),
        base: sequence,
      };
      this.core.record({ kind: 'started', workload, blade, sequence, how, checkpoint });
    });
  }

  /** Quiesces a running workload where it is; returns the sequence it stopped at. */
  stopRun(workload: string, why: StopReason): number {
    return this.core.mutate(() => {
      const w = this.core.workload(workload);
      if (w.execution.state !== 'running') throw new Error(`workload ${workload} is not running`);
      return this.core.stop(w, w.execution, why, this.core.clock.now());
    });
  }

  /** Live migration: the run continues on `to` with no gap in its sequence. */
  moveRun(workload: string, to: string): void {
    this.core.mutate(() => {
      const w = this.core.workload(workload);
      const e = w.execution;
      if (e.state !== 'running') throw new Error(`workload ${workload} is not running`);
      const sequence = this.core.sequence(e);
      w.execution = { state: 'running', blade: to, since: this.core.clock.now(), base: sequence };
      this.core.record({ kind: 'migrated', workload, from: e.blade, to, sequence });
    });
  }

  recordCheckpoint(workload: string, blade: string, sequence: number): Checkpoint {
    return this.core.mutate(() => this.core.newCheckpoint(workload, blade, sequence, 'capture'));
  }

  /** Maps the workload's storage and identity to `blade`, moving them from wherever they were. */
  attach(workload: string, blade: string): void {
    this.core.mutate(() => {
      const previous = this.core.state.attachments[workload] ?? null;
      if (previous === blade) return;
      this.core.state.attachments[workload] = blade;
      this.core.record({ kind: 'attached', workload, blade, previous });
    });
  }
}
