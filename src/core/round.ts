// One planning round as a pure function of a snapshot: placements, drains, cascades (or proposals), and why not.
import { approvalRound, type MoveKey, type Proposal } from './approval-round.js';
import { planCascade, type CascadeMove, type Candidate } from './cascade.js';
import type { Pending, Placement } from './decision.js';
import { cascadesOpen, nextOpening } from './cascade-windows.js';
import {
  burnInEnd,
  cooldownEnd,
  coolingDown,
  eligibility,
  exclusionOf,
  type Excluded,
  type RoundBlade,
} from './eligibility.js';
import { fitOf } from './fit.js';
import { floorsOf } from './floors.js';
import type { Policy, Workload } from './model.js';
import { planPlacements, type PlacementRequest } from './placement.js';

export interface RoundWorkload extends Workload {
  /** When its last transfer ended, in the snapshot's clock (ms); the cooldown counts from here. */
  readonly movedAt: number | null;
}

/** A transfer in flight: its workload does not move again, and it takes one of the policy's slots. */
export interface OpenTransfer {
  readonly workload: string;
  readonly from: string | null;
  readonly to: string;
}

/** Everything a round reads; nothing else (no clock, no store) goes into its decision. */
export interface RoundSnapshot {
  readonly blades: readonly RoundBlade[];
  readonly workloads: readonly RoundWorkload[];
  readonly transfers: readonly OpenTransfer[];
  /** Open cascade proposals (proposed or approved), oldest first. */
  readonly proposals: readonly Proposal[];
  /** Moves an operator rejected. */
  readonly rejected: readonly MoveKey[];
}

/** A cascade to start, and the approved proposal it carries out, if any. */
export interface CascadeStart {
  readonly move: CascadeMove;
  readonly proposal: number | null;
}

export interface ProposalExpiry {
  readonly proposal: Proposal;
  readonly reason: string;
}

export interface RoundDecision {
  /** Failovers and first placements: they never wait for a slot or an approval. */
  readonly placements: readonly Placement[];
  /** Every pending workload this round could not place, with why (structured). */
  readonly pending: readonly Pending[];
  /** Maintenance drains: cascades that may lower the fit, because an operator asked. */
  readonly drains: readonly Placement[];
  readonly cascades: readonly CascadeStart[];
  /** New cascade proposals (policy.requireApproval). */
  readonly propose: readonly CascadeMove[];
  readonly expire: readonly ProposalExpiry[];
  /** The cascade optimum's candidates, and its moves over the slot limit (for the planner's views). */
  readonly candidates: readonly Candidate[];
  readonly deferred: readonly CascadeMove[];
  /**
   * When the planner should look again without any other change: the first cooldown of a held-back candidate
   * ends, a blade's burn-in ends, or a cascade window opens with moves waiting for it.
   */
  readonly wakeAt: number | null;
  /** False outside every cascade window (policy.cascadeWindows): cascades are proposed, not run. */
  readonly cascadesOpen: boolean;
  /** Cascades the optimum wants that wait for a cascade window (without requireApproval; with it, proposals wait). */
  readonly held: readonly CascadeMove[];
  /** Every blade that was not a target, with its reason. */
  readonly excluded: readonly Excluded[];
}

/** Failovers and placements first (they never wait), then maintenance drains, then cascades into the free slots. */
export function decideRound(snapshot: RoundSnapshot, policy: Policy, now: number): RoundDecision {
  const blades = new Map(snapshot.blades.map((b) => [b.id, b]));
  const clock = { now, policy };
  const { excluded } = eligibility(snapshot.blades, clock);
  const busy = new Set(snapshot.transfers.map((t) => t.workload));
  /** Targets taken earlier in this round: active from now on. */
  const reserve = (p: Placement): void => {
    busy.add(p.workload);
    blades.set(p.to, { ...blades.get(p.to)!, state: 'active' });
  };
  const targets = (): RoundBlade[] => eligibility(blades.values(), clock).targets;

  const requests: PlacementRequest[] = snapshot.workloads
    .filter((w) => w.state === 'pending' && !busy.has(w.id))
    .map((w) => {
      const source = w.blade ? blades.get(w.blade) : undefined;
      return source
        ? {
            workload: w,
            kind: 'failover' as const,
            from: source.id,
            before: fitOf(source.resources, w.requirements, policy.weights, floorsOf(w, policy)),
          }
        : { workload: w, kind: 'place' as const, from: null, before: null };
    });
  const placed = requests.length > 0 ? planPlacements(requests, targets(), policy) : { placements: [], pending: [] };
  placed.placements.forEach(reserve);

  const drainRequests: PlacementRequest[] = drainsOf(snapshot.workloads, blades, busy, policy);
  const drains = drainRequests.length > 0 ? planPlacements(drainRequests, targets(), policy).placements : [];
  drains.forEach(reserve);

  const slots = Math.max(
    0,
    policy.maxConcurrentTransfers - snapshot.transfers.length - placed.placements.length - drains.length,
  );
  const cooling = new Set(
    snapshot.workloads.filter((w) => !busy.has(w.id) && coolingDown(w.movedAt, policy, now)).map((w) => w.id),
  );
  const frozen = new Set([...busy, ...cooling]);
  // Only eligible standby blades are cascade targets; the others host nothing, so leaving them out loses no source.
  const open = new Set(targets().map((b) => b.id));
  const visible = [...blades.values()].filter((b) => b.state !== 'standby' || open.has(b.id));
  const cascade = planCascade({
    blades: visible,
    workloads: snapshot.workloads.filter((w) => !busy.has(w.id)),
    policy,
    slots,
    frozen,
  });
  const movedAt = new Map(snapshot.workloads.map((w) => [w.id, w.movedAt]));
  let wakeAt: number | null = null;
  for (const c of cascade.candidates) {
    const moved = movedAt.get(c.workload);
    if (!c.frozen || !cooling.has(c.workload) || moved === null || moved === undefined) continue;
    const end = cooldownEnd(moved, policy);
    wakeAt = wakeAt === null ? end : Math.min(wakeAt, end);
  }
  const wake = (at: number | null): void => {
    if (at !== null && at > now) wakeAt = wakeAt === null ? at : Math.min(wakeAt, at);
  };
  for (const blade of snapshot.blades) if (exclusionOf(blade, clock) === 'burn-in') wake(burnInEnd(blade, clock));
  const windowOpen = cascadesOpen(policy.cascadeWindows, now);
  if (!windowOpen && cascade.moves.length + cascade.deferred.length + snapshot.proposals.length > 0) {
    wake(nextOpening(policy.cascadeWindows, now));
  }

  const base = {
    placements: placed.placements,
    pending: placed.pending,
    drains,
    candidates: cascade.candidates,
    deferred: cascade.deferred,
    wakeAt,
    excluded,
    cascadesOpen: windowOpen,
  };
  if (!policy.requireApproval) {
    const expire = snapshot.proposals.map((proposal) => ({ proposal, reason: 'approval is no longer required' }));
    // Outside the windows the moves are shown (cascade plan, the API), never started; failovers above never wait.
    if (!windowOpen) return { ...base, cascades: [], held: cascade.moves, propose: [], expire };
    return {
      ...base,
      cascades: cascade.moves.map((move) => ({ move, proposal: null })),
      held: [],
      propose: [],
      expire,
    };
  }
  const round = approvalRound({
    open: snapshot.proposals,
    rejected: snapshot.rejected,
    blades,
    workloads: snapshot.workloads,
    busy,
    cooling,
    policy,
    slots,
    moves: [...cascade.moves, ...cascade.deferred],
  });
  // Approved proposals outside the windows stay approved and start when one opens.
  const start = windowOpen
    ? round.start.map((s) => ({ move: { ...s.move, saving: savingOf(s.move) }, proposal: s.proposal }))
    : [];
  return { ...base, cascades: start, held: [], propose: round.propose, expire: round.expire };
}

/** Running workloads on blades in maintenance: each asks for the best target, even a worse one. */
function drainsOf(
  workloads: readonly RoundWorkload[],
  blades: ReadonlyMap<string, RoundBlade>,
  busy: ReadonlySet<string>,
  policy: Policy,
): PlacementRequest[] {
  const requests: PlacementRequest[] = [];
  for (const w of workloads) {
    if (w.state !== 'running' || busy.has(w.id) || w.blade === null) continue;
    const blade = blades.get(w.blade);
    if (blade?.state !== 'maintenance') continue;
    requests.push({
      workload: w,
      kind: 'cascade',
      from: w.blade,
      before: fitOf(blade.resources, w.requirements, policy.weights, floorsOf(w, policy)),
    });
  }
  return requests;
}

function savingOf(p: Placement): number {
  return (p.before?.cost ?? 0) - p.after.cost;
}
