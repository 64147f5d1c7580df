// Cascade approval within a round: which approved moves start now, which moves to propose, which proposals expire.
import { worthwhile, type CascadeMove } from './cascade.js';
import type { Placement } from './decision.js';
import { isEligible, type RoundBlade } from './eligibility.js';
import { fitOf, type Fit } from './fit.js';
import { floorsOf } from './floors.js';
import type { Policy, Workload } from './model.js';

/**
 * proposed -> approved -> started (a transfer was created)
 *          -> rejected             (never proposed again while the workload stays on `from`)
 * proposed | approved -> expired   (the move is no longer possible or worthwhile, or was superseded)
 */
export type ProposalStatus = 'proposed' | 'approved' | 'rejected' | 'started' | 'expired';

export interface Proposal {
  /** The seq of its `cascade.proposed` event: stable, unique, and in the log for anyone to check. */
  readonly id: number;
  readonly workload: string;
  readonly from: string;
  readonly to: string;
  /** Fits when proposed; null for proposals recorded before fits were kept. */
  readonly before: Fit | null;
  readonly after: Fit | null;
  readonly saving: number;
  readonly proposedAt: number;
  readonly status: ProposalStatus;
  /** Who approved, rejected or expired it ("controller" for expiry). */
  readonly decidedBy: string | null;
  readonly decidedAt: number | null;
  /** The transfer it started. */
  readonly transfer: string | null;
  /** Why it was rejected or expired. */
  readonly reason: string | null;
}

/** A move an operator rejected: not proposed again while the workload stays on `from`. */
export interface MoveKey {
  readonly workload: string;
  readonly from: string;
  readonly to: string;
}

export interface ApprovalRoundInput {
  /** Open proposals (proposed or approved), oldest first. */
  readonly open: readonly Proposal[];
  readonly rejected: readonly MoveKey[];
  /** Every blade as this round sees it: targets reserved earlier in the round are already active. */
  readonly blades: ReadonlyMap<string, RoundBlade>;
  readonly workloads: readonly Workload[];
  /** Workloads in a transfer, or given one earlier in this round. */
  readonly busy: ReadonlySet<string>;
  /** Workloads cooling down after their last move. */
  readonly cooling: ReadonlySet<string>;
  readonly policy: Policy;
  /** How many cascades may start now. */
  readonly slots: number;
  /** Every move of the cascade optimum (moves and deferred alike): candidates for new proposals. */
  readonly moves: readonly CascadeMove[];
}

export interface Expiry {
  readonly proposal: Proposal;
  readonly reason: string;
}

export interface ApprovalRound {
  /** Approved moves still possible and worthwhile, within the slots: start them. */
  readonly start: readonly { readonly proposal: number; readonly move: Placement }[];
  /** New moves to propose (not already open, not rejected). */
  readonly propose: readonly CascadeMove[];
  /** Open proposals that can no longer happen, with why. */
  readonly expire: readonly Expiry[];
}

export function approvalRound(input: ApprovalRoundInput): ApprovalRound {
  const { blades, policy } = input;
  const byId = new Map(input.workloads.map((w) => [w.id, w]));
  // A rejection holds only while the workload stays where it was.
  const rejected = new Set(input.rejected.filter((m) => byId.get(m.workload)?.blade === m.from).map(keyOf));
  const start: { proposal: number; move: Placement }[] = [];
  const expire: Expiry[] = [];
  const taken = new Set<string>();
  const starting = new Set<string>();
  /** Workloads with an approved move that waits (for a slot, a cooldown, a transfer to end). */
  const waiting = new Set<string>();
  let slots = Math.max(0, Math.floor(input.slots));

  for (const p of input.open) {
    if (input.busy.has(p.workload) || input.cooling.has(p.workload) || starting.has(p.workload) || taken.has(p.to)) {
      // Not now; look again next round, when the transfer or the cooldown has ended.
      if (p.status === 'approved') waiting.add(p.workload);
      continue;
    }
    const check = recheck(p, byId.get(p.workload), blades, policy);
    if (typeof check === 'string') {
      expire.push({ proposal: p, reason: check });
      continue;
    }
    if (p.status !== 'approved') continue;
    if (slots <= 0) {
      waiting.add(p.workload);
      continue;
    }
    slots--;
    taken.add(p.to);
    starting.add(p.workload);
    start.push({
      proposal: p.id,
      move: {
        workload: p.workload,
        kind: 'cascade',
        from: p.from,
        to: p.to,
        before: check.before,
        after: check.after,
        runnersUp: [],
      },
    });
  }

  const expiring = new Set(expire.map((x) => x.proposal.id));
  const stillOpen = input.open.filter((p) => !expiring.has(p.id));
  const openKeys = new Set(stillOpen.map(keyOf));
  const propose: CascadeMove[] = [];
  for (const m of input.moves) {
    if (m.from === null || starting.has(m.workload) || waiting.has(m.workload) || taken.has(m.to)) continue;
    const key = keyOf({ workload: m.workload, from: m.from, to: m.to });
    if (openKeys.has(key) || rejected.has(key)) continue;
    // The optimum changed its mind about this workload: the older, undecided proposal gives way.
    for (const q of stillOpen) {
      if (q.workload === m.workload && q.status === 'proposed' && !expiring.has(q.id)) {
        expire.push({ proposal: q, reason: `superseded: ${m.to} is now the better move` });
        expiring.add(q.id);
      }
    }
    propose.push(m);
  }
  return { start, propose, expire };
}

export function keyOf(m: MoveKey): string {
  return `${m.workload}\u0000${m.from}\u0000${m.to}`;
}

/** Checks an open proposal against the state of now: the fits it would have, or why it cannot happen. */
function recheck(
  p: Proposal,
  w: Workload | undefined,
  blades: ReadonlyMap<string, RoundBlade>,
  policy: Policy,
): { before: Fit; after: Fit } | string {
  if (w?.state !== 'running') return `workload ${p.workload} is ${w ? w.state : 'gone'}`;
  if (w.blade !== p.from) return `workload ${p.workload} is no longer on ${p.from}`;
  const source = blades.get(p.from);
  const target = blades.get(p.to);
  if (!source) return `blade ${p.from} is gone`;
  if (!target || !isEligible(target)) return `blade ${p.to} is no longer a healthy standby blade`;
  const before = fitOf(source.resources, w.requirements, policy.weights, floorsOf(w, policy));
  const after = fitOf(target.resources, w.requirements, policy.weights, floorsOf(w, policy));
  if (!worthwhile(before, after, policy))
    return `no longer worthwhile: ${p.to} does not beat ${p.from} by the policy's margin`;
  return { before, after };
}
