// What-if planning: "what happens if these blades fail?" without time passing: decideRound, round after round,
// until no worthwhile move is left.
import type { CascadeMove } from './cascade.js';
import type { Pending, Placement } from './decision.js';
import type { Excluded, RoundBlade } from './eligibility.js';
import type { Policy, Workload } from './model.js';
import { decideRound, type RoundWorkload } from './round.js';

export interface WhatIfInput {
  readonly blades: readonly RoundBlade[];
  readonly workloads: readonly Workload[];
  readonly policy: Policy;
  readonly fail: readonly string[];
}

export interface WhatIf {
  /** Failovers, first placements and maintenance drains, in the order they would start. */
  readonly placements: readonly Placement[];
  /** Workloads still without a blade at the end, with why. */
  readonly pending: readonly Pending[];
  /** Cascade rounds in order; a blade released in one round may be taken in the next. */
  readonly rounds: readonly (readonly CascadeMove[])[];
  /** True when the chain stopped at the round limit instead of running out of moves (a bug if it happens). */
  readonly truncated: boolean;
  readonly blades: readonly RoundBlade[];
  readonly workloads: readonly Workload[];
  /** The blades left out as targets once the failures happened (the failovers' choice), each with its reason. */
  readonly excluded: readonly Excluded[];
}

export function planWhatIf(input: WhatIfInput, maxRounds = 1000): WhatIf {
  // The chain at one instant, to its end: no slot limit, no cooldown, and no one to approve.
  const policy: Policy = {
    ...input.policy,
    maxConcurrentTransfers: Infinity,
    cooldownSeconds: 0,
    requireApproval: false,
  };
  const failing = new Set(input.fail);
  const blades = new Map(input.blades.map((b) => [b.id, failing.has(b.id) ? { ...b, state: 'failed' as const } : b]));
  const workloads = new Map<string, RoundWorkload>();
  for (const w of input.workloads) {
    // A workload on a failing blade is pending there: the round fails it over, its fit on that blade as `before`.
    const stranded = w.state !== 'finished' && w.blade !== null && failing.has(w.blade);
    const unplaced = w.state !== 'finished' && w.blade === null;
    workloads.set(w.id, { ...w, state: stranded || unplaced ? 'pending' : w.state, movedAt: null });
  }

  const placements: Placement[] = [];
  const rounds: CascadeMove[][] = [];
  let pending: readonly Pending[] = [];
  let truncated = true;
  let excluded: readonly Excluded[] = [];
  for (let round = 0; round <= maxRounds; round++) {
    const d = decideRound(
      { blades: [...blades.values()], workloads: [...workloads.values()], transfers: [], proposals: [], rejected: [] },
      policy,
      0,
    );
    pending = d.pending;
    if (round === 0) excluded = d.excluded;
    const placed = [...d.placements, ...d.drains];
    // Cascades are planned once the failovers have landed, so a workload just placed may cascade in the next round.
    const moves = round === 0 ? [] : d.cascades.map((c) => c.move);
    if (placed.length === 0 && moves.length === 0 && round > 0) {
      truncated = false;
      break;
    }
    placements.push(...placed);
    if (moves.length > 0) rounds.push(moves);
    for (const p of [...placed, ...moves]) {
      blades.set(p.to, { ...blades.get(p.to)!, state: 'active' });
      // A drained blade stays in maintenance; a cascade's source returns to the pool.
      if (p.from !== null && blades.get(p.from)?.state === 'active')
        blades.set(p.from, { ...blades.get(p.from)!, state: 'standby' });
      workloads.set(p.workload, { ...workloads.get(p.workload)!, blade: p.to, state: 'running' });
    }
  }
  for (const p of pending) workloads.set(p.workload, { ...workloads.get(p.workload)!, blade: null, state: 'pending' });
  const plain = [...workloads.values()].map(({ movedAt: _movedAt, ...w }) => w);
  return { placements, pending, rounds, truncated, blades: [...blades.values()], workloads: plain, excluded };
}
