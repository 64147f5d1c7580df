// Indexes of a fake world's slots and running workloads, built once for a bulk addition of blades and workloads.
import type { BladeLocation } from '../../core/model.js';
import type { WorldState } from './world-state.js';

export interface BuildIndex {
  /** chassis and slot -> the blade there. */
  readonly slots: Map<string, string>;
  /** blade -> the workload running on it. */
  readonly running: Map<string, string>;
}

export function buildIndex(state: WorldState): BuildIndex {
  const slots = new Map<string, string>();
  const running = new Map<string, string>();
  for (const b of Object.values(state.blades)) if (b.location) slots.set(slotKey(b.location), b.id);
  for (const w of Object.values(state.workloads))
    if (w.execution.state === 'running') running.set(w.execution.blade, w.id);
  return { slots, running };
}

export function slotKey(location: BladeLocation): string {
  return `${location.chassis}\u0000${location.slot}`;
}
