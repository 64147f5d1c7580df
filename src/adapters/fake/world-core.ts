// The fake world's state and the laws that act on it unasked: sequences advance with the clock, due power changes
// take effect, power loss stops workloads; every change lands in the history and, with a file, in its change log
// (world-journal.ts) before returning.
import type { BladeLocation } from '../../core/model.js';
import type { Clock } from '../../ports/clock.js';
import type { HardwareEvent, PowerState } from '../../ports/hardware.js';
import type { Checkpoint } from '../../ports/workloads.js';
import { buildIndex, slotKey, type BuildIndex } from './world-index.js';
import { WorldJournal } from './world-journal.js';
import {
  sequenceAt,
  type BladeHealth,
  type BladeRecord,
  type CheckpointRecord,
  type Execution,
  type FakeBladeSpec,
  type FakeWorkloadSpec,
  type HistoryEntry,
  type StopReason,
  type WorkloadRecord,
  type WorldState,
} from './world-state.js';

type WithoutAt<T> = T extends unknown ? Omit<T, 'at'> : never;
type Running = Extract<Execution, { state: 'running' }>;

export class WorldCore {
  readonly #listeners = new Set<(event: HardwareEvent) => void>();
  /**
   * Ids of blades that may have a power change in flight: every pending change is set through
   * schedule(), so #touch looks at these few instead of scanning every blade on every read (a read
   * per status() call made a 10,000-blade world cost O(n) per call; found by the API load test).
   */
  readonly #pending = new Set<string>();

  /** While build() runs: slot and occupancy indexes, so adding n blades and workloads is O(n), not O(n^2). */
  #index: BuildIndex | null = null;

  readonly #journal: WorldJournal | null;
  /** With a file, a view of the state that notes which records each change touches (world-journal.ts). */
  readonly state: WorldState;

  /** `restoredSeq`: the last change `file` holds, when `state` was read from it. */
  constructor(
    readonly clock: Clock,
    readonly file: string | null,
    state: WorldState,
    restoredSeq: number | null = null,
  ) {
    this.#journal = file === null ? null : new WorldJournal(file, state, restoredSeq);
    this.state = this.#journal?.tracked() ?? state;
    // A reloaded world may hold changes that were in flight when its process died.
    for (const blade of Object.values(state.blades)) if (blade.pendingPower) this.schedule(blade);
  }

  /** Runs a read after applying what came due; persists only if something did. */
  read<T>(fn: () => T): T {
    if (this.#touch()) this.persist();
    return fn();
  }

  /** Runs a change and writes the world to its file before returning, even when the change throws halfway. */
  mutate<T>(fn: () => T): T {
    this.#touch();
    try {
      return fn();
    } finally {
      this.persist();
    }
  }

  record(entry: WithoutAt<HistoryEntry>, at = this.clock.now()): void {
    this.state.history.push({ ...entry, at } as HistoryEntry);
  }

  onEvent(listener: (event: HardwareEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Delivered asynchronously so a listener never runs inside a mutation. */
  emit(event: HardwareEvent): void {
    for (const listener of this.#listeners) queueMicrotask(() => listener(event));
  }

  sequence(execution: Execution, at = this.clock.now()): number {
    return sequenceAt(execution, at, this.state.tickMs);
  }

  /** Unknown ids in the world's own API are mistakes in a test's set-up: an exception, not a driver error. */
  blade(id: string): BladeRecord {
    const blade = this.state.blades[id];
    if (!blade) throw new Error(`fake world: unknown blade ${id}`);
    return blade;
  }

  workload(id: string): WorkloadRecord {
    const workload = this.state.workloads[id];
    if (!workload) throw new Error(`fake world: unknown workload ${id}`);
    return workload;
  }

  occupant(blade: string): string | null {
    if (this.#index) return this.#index.running.get(blade) ?? null;
    for (const w of Object.values(this.state.workloads)) {
      if (w.execution.state === 'running' && w.execution.blade === blade) return w.id;
    }
    return null;
  }

  setHealth(blade: BladeRecord, health: BladeHealth): void {
    if (blade.health === health) return;
    blade.health = health;
    this.record({ kind: 'health', blade: blade.id, health });
    if (blade.reachable === 'yes') this.emit({ kind: 'health', blade: blade.id, health });
  }

  /** The power really changes at `at` (in the past when a due change is applied late by a read). */
  applyPower(blade: BladeRecord, power: PowerState, at: number, why: StopReason): void {
    if (blade.power === power) return;
    blade.power = power;
    this.record({ kind: 'power-effective', blade: blade.id, power }, at);
    if (power === 'off') this.stopWorkloadsOn(blade.id, why, at);
    this.emit({ kind: 'power', blade: blade.id, power });
  }

  /** Power is gone: a running workload stops where it was, and no memory state survives on the blade. */
  stopWorkloadsOn(blade: string, why: StopReason, at: number): void {
    for (const w of Object.values(this.state.workloads)) {
      if (w.execution.blade !== blade) continue;
      if (w.execution.state === 'running') this.stop(w, w.execution, why, at);
      const stopped = w.execution;
      if (stopped.state === 'stopped' && stopped.stateKept) w.execution = { ...stopped, stateKept: false };
    }
  }

  /** Freezes a run at its sequence at `at`; only a capture keeps its memory state on the blade. */
  stop(w: WorkloadRecord, run: Running, why: StopReason, at: number): number {
    const sequence = this.sequence(run, at);
    const stateKept = why === 'captured';
    w.execution = { state: 'stopped', blade: run.blade, sequence, stateKept };
    this.record({ kind: 'stopped', workload: w.id, blade: run.blade, sequence, why, stateKept }, at);
    return sequence;
  }

  newCheckpoint(workload: string, blade: string, sequence: number, by: 'capture' | 'snapshot'): Checkpoint {
    const record: CheckpointRecord = {
      id: `cp-${this.state.nextCheckpoint++}`,
      workload,
      blade,
      sequence,
      at: this.clock.now(),
    };
    this.state.checkpoints[record.id] = record;
    this.record({ kind: 'checkpoint', workload, blade, sequence, checkpoint: record.id, by });
    return toCheckpoint(record);
  }

  /** Runs many additions (a world's first blades and workloads) against indexes built once from the state. */
  build(fn: () => void): void {
    this.#index = buildIndex(this.state);
    try {
      fn();
    } finally {
      this.#index = null;
    }
  }

  /** Set-up mistakes (a duplicate id, a start on a blade that is off or busy) throw: they are bugs in a test. */
  addBlade(spec: FakeBladeSpec): void {
    if (this.state.blades[spec.id]) throw new Error(`blade ${spec.id} already exists`);
    const holder = spec.location ? this.bladeAt(spec.location) : undefined;
    if (holder)
      throw new Error(`slot ${spec.location!.slot} of chassis ${spec.location!.chassis} already holds ${holder.id}`);
    const blade: BladeRecord = {
      id: spec.id,
      resources: { ...spec.resources },
      location: spec.location ?? null,
      power: spec.power ?? 'on',
      pendingPower: null,
      health: spec.health ?? 'ok',
      reachable: 'yes',
      refusePowerOn: false,
      powerDelayMs: spec.powerDelayMs ?? this.state.powerDelayMs,
    };
    this.state.blades[spec.id] = blade;
    if (blade.location) this.#index?.slots.set(slotKey(blade.location), blade.id);
    this.record({
      kind: 'blade-added',
      blade: spec.id,
      resources: blade.resources,
      power: blade.power,
      health: blade.health,
    });
    this.emit({ kind: 'added', blade: spec.id });
  }

  /** The blade in a chassis slot: a slot holds one blade, as in a real enclosure. */
  bladeAt(location: BladeLocation): BladeRecord | undefined {
    if (this.#index) {
      const id = this.#index.slots.get(slotKey(location));
      return id === undefined ? undefined : this.state.blades[id];
    }
    return Object.values(this.state.blades).find(
      (b) => b.location?.chassis === location.chassis && b.location?.slot === location.slot,
    );
  }

  addWorkload(spec: FakeWorkloadSpec): void {
    if (this.state.workloads[spec.id]) throw new Error(`workload ${spec.id} already exists`);
    const sequence = spec.sequence ?? 0;
    const w: WorkloadRecord = {
      id: spec.id,
      requirements: { ...spec.requirements },
      source: spec.source === undefined ? 'declared' : spec.source,
      samples: [...(spec.samples ?? [])],
      execution: { state: 'stopped', blade: null, sequence, stateKept: false },
    };
    this.state.workloads[spec.id] = w;
    this.record({ kind: 'workload-added', workload: spec.id });
    if (spec.blade === undefined) return;
    const blade = this.blade(spec.blade);
    if (blade.power !== 'on') throw new Error(`workload ${spec.id}: blade ${spec.blade} is off`);
    const other = this.occupant(spec.blade);
    if (other !== null) throw new Error(`workload ${spec.id}: blade ${spec.blade} already runs ${other}`);
    w.execution = { state: 'running', blade: spec.blade, since: this.clock.now(), base: sequence };
    this.#index?.running.set(spec.blade, spec.id);
    this.record({ kind: 'started', workload: spec.id, blade: spec.blade, sequence, how: 'initial', checkpoint: null });
    if (spec.attached !== false) {
      this.state.attachments[spec.id] = spec.blade;
      this.record({ kind: 'attached', workload: spec.id, blade: spec.blade, previous: null });
    }
  }

  /** Wakes when a power change comes due so subscribers hear of it without polling; any earlier read applies it anyway. */
  schedule(blade: BladeRecord): void {
    const at = blade.pendingPower?.effectiveAt;
    if (at === undefined) return;
    this.#pending.add(blade.id);
    void this.clock.sleep(at - this.clock.now()).then(() => {
      try {
        this.read(() => undefined);
      } catch {
        // Persisting failed (out of file descriptors): the change applied in memory and the next write saves it;
        // a throw here, in a timer, would end the whole process.
      }
      // Timers may wake a millisecond before the wall clock says the time has come: wait again.
      const still = this.state.blades[blade.id];
      if (still?.pendingPower?.effectiveAt === at) this.schedule(still);
    });
  }

  persist(): void {
    this.#journal?.commit();
  }

  /** Applies power changes that have come due, at the time they came due, oldest first. */
  #touch(): boolean {
    const now = this.clock.now();
    const due: { blade: BladeRecord; power: PowerState; at: number }[] = [];
    for (const id of this.#pending) {
      const blade = this.state.blades[id];
      const pending = blade?.pendingPower;
      if (!blade || !pending) this.#pending.delete(id);
      else if (pending.effectiveAt <= now) due.push({ blade, power: pending.power, at: pending.effectiveAt });
    }
    due.sort((a, b) => a.at - b.at || a.blade.id.localeCompare(b.blade.id));
    for (const { blade, power, at } of due) {
      blade.pendingPower = null;
      this.applyPower(blade, power, at, 'power-off');
    }
    return due.length > 0;
  }
}

export function toCheckpoint(record: CheckpointRecord): Checkpoint {
  const data = JSON.stringify({ checkpoint: record.id, workload: record.workload, sequence: record.sequence });
  return { workload: record.workload, blade: record.blade, sequence: record.sequence, data };
}

/** The checkpoint id a fake checkpoint's data names, or null when it is not one of ours. */
export function checkpointIdOf(data: string): string | null {
  try {
    const parsed = JSON.parse(data) as unknown;
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'checkpoint' in parsed &&
      typeof parsed.checkpoint === 'string'
    )
      return parsed.checkpoint;
  } catch {
    // Not JSON: not a checkpoint this world wrote.
  }
  return null;
}
