// What the fake world shows: its blades, workloads, checkpoints and history, read as tests and the fake ports see them.
import type { BladeLocation, Resources } from '../../core/model.js';
import type { Clock } from '../../ports/clock.js';
import type { Checkpoint, UtilizationSample } from '../../ports/workloads.js';
import { toCheckpoint, type WorldCore } from './world-core.js';
import type { BladeRecord, CheckpointRecord, HistoryEntry } from './world-state.js';

export type FakeBladeView = Readonly<BladeRecord>;

export interface FakeWorkloadView {
  readonly id: string;
  readonly requirements: Resources;
  readonly source: 'declared' | 'vm-metadata' | null;
  readonly samples: readonly UtilizationSample[];
  readonly state: 'running' | 'stopped';
  /** Where it runs, or where it stopped (null: nowhere). */
  readonly blade: string | null;
  readonly sequence: number;
  /** Stopped with its memory state intact on `blade` (after a capture): resume() can continue it. */
  readonly stateKept: boolean;
  /** Running: the sequence its current run started from (restore, resume, migration); null when stopped. */
  readonly startSequence: number | null;
}

/** The reading half of FakeWorld (world.ts); each read goes through the core, which first applies what fell due. */
export class WorldView {
  /** Shared with the subclasses (world-port-actions.ts, world.ts), which change the world through it. */
  protected readonly core: WorldCore;

  constructor(core: WorldCore) {
    this.core = core;
  }

  get clock(): Clock {
    return this.core.clock;
  }

  get file(): string | null {
    return this.core.file;
  }

  get tickMs(): number {
    return this.core.state.tickMs;
  }

  /** How long a call to an unreachable blade takes to fail (the emulator drops a dead BMC's connections after it). */
  get unreachableDelayMs(): number {
    return this.core.state.unreachableDelayMs;
  }

  bladeIds(): string[] {
    return this.core.read(() => Object.keys(this.core.state.blades));
  }

  blade(id: string): FakeBladeView | undefined {
    return this.core.read(() => {
      const blade = this.core.state.blades[id];
      return blade && structuredClone(blade);
    });
  }

  workloadIds(): string[] {
    return this.core.read(() => Object.keys(this.core.state.workloads));
  }

  workload(id: string): FakeWorkloadView | undefined {
    return this.core.read(() => {
      const w = this.core.state.workloads[id];
      if (!w) return undefined;
      const e = w.execution;
      const stateKept = e.state === 'stopped' && e.stateKept;
      const startSequence = e.state === 'running' ? e.base : null;
      const { requirements, source } = w;
      const sequence = this.core.sequence(e);
      return {
        id,
        requirements,
        source,
        samples: [...w.samples],
        state: e.state,
        blade: e.blade,
        sequence,
        stateKept,
        startSequence,
      };
    });
  }

  sequenceOf(workload: string): number {
    return this.core.read(() => this.core.sequence(this.core.workload(workload).execution));
  }

  /** The blades the workload runs on right now: the invariant says at most one. */
  runningOn(workload: string): string[] {
    const w = this.workload(workload);
    return w?.state === 'running' && w.blade !== null ? [w.blade] : [];
  }

  /** The workload running on `blade`, or null. */
  occupant(blade: string): string | null {
    return this.core.read(() => this.core.occupant(blade));
  }

  attachedTo(workload: string): string | null {
    return this.core.read(() => this.core.state.attachments[workload] ?? null);
  }

  /** Explicit answers from setMigratable win; otherwise live migration works between blades of the same cpuArch. */
  canMigrate(from: string, to: string): boolean {
    return this.core.read(() => {
      const explicit = this.core.state.migration[`${from}->${to}`];
      if (explicit !== undefined) return explicit;
      const a = this.core.state.blades[from];
      const b = this.core.state.blades[to];
      return a !== undefined && b !== undefined && a.resources['cpuArch'] === b.resources['cpuArch'];
    });
  }

  /** Everything that happened, oldest first (a copy). history-checks.ts holds the invariants over it. */
  history(): readonly HistoryEntry[] {
    return this.core.read(() => structuredClone(this.core.state.history));
  }

  checkpointRecord(id: string): CheckpointRecord | undefined {
    return this.core.read(() => this.core.state.checkpoints[id]);
  }

  /** The newest checkpoint of the workload (capture or snapshot), as a driver would hand it out. */
  latestCheckpoint(workload: string): Checkpoint | null {
    return this.core.read(() => {
      const all = Object.values(this.core.state.checkpoints).filter((c) => c.workload === workload);
      const last = all.sort((a, b) => a.at - b.at || a.sequence - b.sequence).at(-1);
      return last ? toCheckpoint(last) : null;
    });
  }

  /** Where each placed blade sits, without a copy of the rest of its record. */
  locations(): { readonly id: string; readonly location: BladeLocation }[] {
    return this.core.read(() =>
      Object.values(this.core.state.blades).flatMap((b) =>
        b.location ? [{ id: b.id, location: { chassis: b.location.chassis, slot: b.location.slot } }] : [],
      ),
    );
  }

  /** The id of the blade in that chassis slot, if any. */
  bladeAt(location: BladeLocation): string | undefined {
    return this.core.bladeAt(location)?.id;
  }
}
