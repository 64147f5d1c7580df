// The shared simulated reality behind every fake port: blades, workloads, storage, faults, and the history of what happened.
import { systemClock, type Clock } from '../../ports/clock.js';
import type { PowerState } from '../../ports/hardware.js';
import type { Checkpoint, UtilizationSample } from '../../ports/workloads.js';
import { WorldCore } from './world-core.js';
import { readWorld } from './world-journal.js';
import { WorldPortActions } from './world-port-actions.js';
import {
  asWorldState,
  emptyState,
  type BladeHealth,
  type BladeRecord,
  type CheckpointRecord,
  type FakeBladeSpec,
  type FakeWorkloadSpec,
  type WorldState,
} from './world-state.js';

export { checkpointIdOf } from './world-core.js';
export type { FakeBladeSpec, FakeWorkloadSpec } from './world-state.js';
export type { FakeBladeView, FakeWorkloadView } from './world-view.js';

export interface FakeWorldOptions {
  /** Default the system clock; pass a ManualClock in tests. */
  readonly clock?: Clock;
  /** Persist every mutation to this file and its change log before the call returns; reload with FakeWorld.load. */
  readonly file?: string;
  /** A running workload's sequence grows by one every tickMs; default 10. */
  readonly tickMs?: number;
  /** Default power delay of blades; default 0 (immediate). */
  readonly powerDelayMs?: number;
  /** How long a call to an unreachable blade takes to fail; default 20 (of the world's clock). */
  readonly unreachableDelayMs?: number;
  readonly blades?: readonly FakeBladeSpec[];
  readonly workloads?: readonly FakeWorkloadSpec[];
}

/** Building the world and its faults; reads are in world-view.ts, the fake ports' calls in world-port-actions.ts. */
export class FakeWorld extends WorldPortActions {
  /** `restored` is for FakeWorld.load: the state read back from the file. */
  constructor(options: FakeWorldOptions = {}, restored?: WorldState, restoredSeq?: number) {
    const state =
      restored ?? emptyState(options.tickMs ?? 10, options.unreachableDelayMs ?? 20, options.powerDelayMs ?? 0);
    super(
      new WorldCore(options.clock ?? systemClock, options.file ?? null, state, restored ? (restoredSeq ?? 0) : null),
    );
    const additions = (options.blades?.length ?? 0) + (options.workloads?.length ?? 0);
    // A reloaded world is written back only when it changed (a due power change, additions): loading is no mutation.
    if (restored && additions === 0) {
      this.core.read(() => undefined);
      return;
    }
    this.core.mutate(() =>
      this.core.build(() => {
        for (const blade of options.blades ?? []) this.core.addBlade(blade);
        for (const workload of options.workloads ?? []) this.core.addWorkload(workload);
      }),
    );
  }

  /** Continues the reality saved in `file`: running workloads advanced with the clock meanwhile, due power changes apply. */
  static load(file: string, clock: Clock = systemClock): FakeWorld {
    const { value, seq } = readWorld(file);
    return new FakeWorld({ clock, file }, asWorldState(value, file), seq);
  }

  /**
   * An in-memory copy of the world in `file` that never writes to it: for a test that watches the world of a
   * controller running in another process (only that process may write the file).
   */
  static inspect(file: string, clock: Clock = systemClock): FakeWorld {
    return new FakeWorld({ clock }, asWorldState(readWorld(file).value, file));
  }

  // ---- Building the world ----

  addBlade(spec: FakeBladeSpec): void {
    this.core.mutate(() => this.core.addBlade(spec));
  }

  /** Takes a blade out of the data center; a workload on it stops and loses its state. */
  removeBlade(id: string): void {
    this.core.mutate(() => {
      this.core.stopWorkloadsOn(this.core.blade(id).id, 'blade-removed', this.core.clock.now());
      delete this.core.state.blades[id];
      this.core.record({ kind: 'blade-removed', blade: id });
      this.core.emit({ kind: 'removed', blade: id });
    });
  }

  addWorkload(spec: FakeWorkloadSpec): void {
    this.core.mutate(() => this.core.addWorkload(spec));
  }

  addSamples(workload: string, samples: readonly UtilizationSample[]): void {
    this.core.mutate(() => this.core.workload(workload).samples.push(...samples));
  }

  /** Overrides the cpuArch rule for from -> to; null goes back to it. */
  setMigratable(from: string, to: string, allowed: boolean | null): void {
    this.core.mutate(() => {
      if (allowed === null) delete this.core.state.migration[`${from}->${to}`];
      else this.core.state.migration[`${from}->${to}`] = allowed;
    });
  }

  setPowerDelay(blade: string, ms: number): void {
    this.core.mutate(() => {
      this.core.blade(blade).powerDelayMs = ms;
    });
  }

  // ---- Faults ----

  /** The blade dies: power off at once, health critical; a workload on it stops and loses what was not checkpointed. */
  failBlade(id: string): void {
    this.core.mutate(() => {
      const blade = this.core.blade(id);
      this.core.record({ kind: 'fault', blade: id, fault: 'fail' });
      blade.pendingPower = null;
      this.core.applyPower(blade, 'off', this.core.clock.now(), 'blade-failed');
      this.core.setHealth(blade, 'critical');
    });
  }

  setHealth(id: string, health: BladeHealth): void {
    this.core.mutate(() => this.core.setHealth(this.core.blade(id), health));
  }

  /**
   * Cuts (or restores) the link to the blade's controller. Unreachable: every driver call for it rejects after
   * unreachableDelayMs, or with `hang` never settles, so callers' deadlines can be tested. A workload on it keeps
   * running: the blade itself may be fine, which is why a failover must fence it.
   */
  setReachable(id: string, reachable: boolean, options: { readonly hang?: boolean } = {}): void {
    this.core.mutate(() => {
      const blade = this.core.blade(id);
      const next = reachable ? 'yes' : options.hang ? 'hang' : 'reject';
      if (blade.reachable === next) return;
      blade.reachable = next;
      this.core.record({ kind: 'reachable', blade: id, reachable: next });
      this.core.emit({ kind: 'health', blade: id, health: reachable ? blade.health : 'unreachable' });
    });
  }

  /** Power-on requests are accepted but the blade never comes on (until repairBlade or refusePowerOn(id, false)). */
  refusePowerOn(id: string, refuse = true): void {
    this.core.mutate(() => {
      const blade = this.core.blade(id);
      blade.refusePowerOn = refuse;
      if (refuse) this.core.record({ kind: 'fault', blade: id, fault: 'refuse-power-on' });
      if (refuse && blade.pendingPower?.power === 'on') blade.pendingPower = null;
    });
  }

  /** Whether power-on requests go unanswered now (refusePowerOn, a power loss), until repairBlade. */
  refusesPowerOn(id: string): boolean {
    return this.core.blade(id).refusePowerOn;
  }

  /** Healthy, reachable, able to power on again; its power stays as it is (a repaired blade comes back off). */
  repairBlade(id: string): void {
    this.core.mutate(() => {
      const blade = this.core.blade(id);
      this.core.record({ kind: 'fault', blade: id, fault: 'repair' });
      blade.refusePowerOn = false;
      if (blade.outletOff) this.#setOutlet(blade, 'on');
      if (blade.reachable !== 'yes') {
        blade.reachable = 'yes';
        this.core.record({ kind: 'reachable', blade: id, reachable: 'yes' });
      }
      this.core.setHealth(blade, 'ok');
    });
  }

  /**
   * The blade loses power at once (a pulled PSU, its chassis going dark): a workload on it stops and loses its state,
   * and power-on requests go unanswered until repairBlade. Its health stays as it was: what the controller sees is an
   * active blade that is off. (Added for the emulator's fault injection.)
   */
  /** What runs on the blade dies (a guest crash) while the blade stays powered and its BMC says nothing of it. */
  crashWorkloads(id: string): void {
    this.core.mutate(() => {
      this.core.blade(id);
      this.core.record({ kind: 'fault', blade: id, fault: 'workload-crash' });
      this.core.stopWorkloadsOn(id, 'blade-failed', this.core.clock.now());
    });
  }

  losePower(id: string): void {
    this.core.mutate(() => {
      const blade = this.core.blade(id);
      this.core.record({ kind: 'fault', blade: id, fault: 'power-loss' });
      blade.pendingPower = null;
      blade.refusePowerOn = true;
      this.core.applyPower(blade, 'off', this.core.clock.now(), 'power-off');
    });
  }

  /**
   * A forced restart (Redfish ForceRestart): the power drops at once, so a workload on it stops and loses its state,
   * and comes back after the blade's power delay. A blade that is off just powers on. (Added for the emulator.)
   */
  restartBlade(id: string): void {
    this.core.mutate(() => {
      const blade = this.core.blade(id);
      if (blade.power === 'on') {
        this.core.record({ kind: 'fault', blade: id, fault: 'restart' });
        blade.pendingPower = null;
        this.core.applyPower(blade, 'off', this.core.clock.now(), 'power-off');
      }
    });
    this.requestPower(id, 'on');
  }

  /**
   * Keeps a long-running world (and its file, rewritten on every change) small: the newest checkpoints of each
   * workload and the newest history entries survive; returns how many of each were dropped. A restore from a dropped
   * checkpoint is refused as unknown. (Added for `cascade serve`, whose emulator runs for days.)
   */
  compact(keep: { readonly checkpointsPerWorkload: number; readonly historyEntries: number }): {
    checkpoints: number;
    history: number;
  } {
    return this.core.mutate(() => {
      const state = this.core.state;
      const byWorkload = new Map<string, CheckpointRecord[]>();
      for (const c of Object.values(state.checkpoints))
        byWorkload.set(c.workload, [...(byWorkload.get(c.workload) ?? []), c]);
      let checkpoints = 0;
      for (const list of byWorkload.values()) {
        list.sort((a, b) => b.at - a.at || b.sequence - a.sequence);
        for (const old of list.slice(Math.max(0, keep.checkpointsPerWorkload))) {
          delete state.checkpoints[old.id];
          checkpoints++;
        }
      }
      const history = Math.max(0, state.history.length - keep.historyEntries);
      state.history.splice(0, history);
      return { checkpoints, history };
    });
  }

  /** A periodic snapshot of a running workload (what a hypervisor takes on a timer) that a failover can restore later. */
  checkpoint(workload: string): Checkpoint {
    return this.core.mutate(() => {
      const e = this.core.workload(workload).execution;
      if (e.state !== 'running') throw new Error(`workload ${workload} is not running: nothing to snapshot`);
      return this.core.newCheckpoint(workload, e.blade, this.core.sequence(e), 'snapshot');
    });
  }
  /**
   * The blade's PDU outlet: off cuts its power at once (a workload on it stops and loses its state) and keeps it off
   * whatever its BMC is asked; on lets it be powered on again (it stays off until asked).
   */
  setOutlet(id: string, power: PowerState): void {
    this.core.mutate(() => this.#setOutlet(this.core.blade(id), power));
  }

  #setOutlet(blade: BladeRecord, power: PowerState): void {
    if ((blade.outletOff === true) === (power === 'off')) return;
    blade.outletOff = power === 'off';
    this.core.record({ kind: 'outlet', blade: blade.id, power });
    if (power === 'off') {
      blade.pendingPower = null;
      this.core.applyPower(blade, 'off', this.core.clock.now(), 'power-off');
    }
  }

  /**
   * The SAN stops presenting the workload's boot LUN to the blade it is mapped to (a storage fence): the mapping is
   * gone, and a run on that blade stops, its state lost (a guest cannot go on without its boot disk). The blade keeps
   * its power: its BMC may come back and show it on.
   */
  revokeStorage(workload: string): void {
    this.core.mutate(() => {
      const blade = this.core.state.attachments[workload];
      if (blade === undefined) return;
      delete this.core.state.attachments[workload];
      this.core.record({ kind: 'detached', workload, blade });
      const w = this.core.workload(workload);
      if (w.execution.state === 'running' && w.execution.blade === blade)
        this.core.stop(w, w.execution, 'storage-revoked', this.core.clock.now());
    });
  }

  /** The workloads whose storage is mapped to the blade. */
  attachedOn(blade: string): string[] {
    return this.core.read(() =>
      Object.entries(this.core.state.attachments)
        .filter(([, b]) => b === blade)
        .map(([w]) => w),
    );
  }
}
