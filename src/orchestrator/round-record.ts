// Replayable decisions: the round behind an event recomputed from its stored snapshot, and compared with the record.
import { z } from 'zod';
import type { Placement } from '../core/decision.js';
import type { Policy } from '../core/model.js';
import { decideRound, type RoundDecision } from '../core/round.js';
import type { AuditEvent, RoundRecord } from '../ports/store.js';
import { decodeRound } from './round-codec.js';

export { decodeRound, encodeRound, roundRecord } from './round-codec.js';

/** What a transfer.created or cascade.proposed event says about the round that decided it. */
export interface RoundRef {
  readonly hash: string;
  /** The `now` the round decided at (cooldowns count from it). */
  readonly now: number;
}

/** The round reference an event carries, if it carries one. */
export function roundRefOf(event: AuditEvent): RoundRef | null {
  const ref = z.object({ hash: z.string().length(64), now: z.number() }).safeParse(event.data['round']);
  return ref.success ? ref.data : null;
}

/** What a round decided for one workload: the move it started or proposed, or why it left the workload alone. */
export type Outcome =
  | { readonly type: 'start'; readonly placement: Placement; readonly drain: boolean; readonly proposal: number | null }
  | { readonly type: 'propose'; readonly placement: Placement }
  | { readonly type: 'pending'; readonly reason: string; readonly detail: string }
  | { readonly type: 'none' };

export function outcomeFor(decision: RoundDecision, workload: string): Outcome {
  const placed = decision.placements.find((p) => p.workload === workload);
  if (placed) return { type: 'start', placement: placed, drain: false, proposal: null };
  const drained = decision.drains.find((p) => p.workload === workload);
  if (drained) return { type: 'start', placement: drained, drain: true, proposal: null };
  const cascade = decision.cascades.find((c) => c.move.workload === workload);
  if (cascade) return { type: 'start', placement: plain(cascade.move), drain: false, proposal: cascade.proposal };
  const proposed = decision.propose.find((m) => m.workload === workload);
  if (proposed) return { type: 'propose', placement: plain(proposed) };
  const pending = decision.pending.find((p) => p.workload === workload);
  if (pending) return { type: 'pending', reason: pending.reason, detail: pending.detail };
  return { type: 'none' };
}

/** A placement without a cascade's `saving`, as the events record it. */
function plain(p: Placement): Placement {
  return {
    workload: p.workload,
    kind: p.kind,
    from: p.from,
    to: p.to,
    before: p.before,
    after: p.after,
    runnersUp: p.runnersUp,
  };
}

/** Recomputes a stored round; `policy` replaces the one it was decided under (a what-if on the past). */
export function replayRound(
  record: RoundRecord,
  ref: RoundRef,
  policy?: Policy,
): { readonly decision: RoundDecision; readonly policy: Policy } {
  const stored = decodeRound(record.body);
  const used = policy ?? stored.policy;
  return { decision: decideRound(stored.snapshot, used, ref.now), policy: used };
}

/**
 * Whether a replayed outcome is the event's decision: the same kind, blades and fits, and for a started
 * transfer the same runners-up with the same reasons. Compared as JSON, as both were written.
 */
export function sameAsRecorded(event: AuditEvent, outcome: Outcome): boolean {
  if (outcome.type !== 'start' && outcome.type !== 'propose') return false;
  const p = outcome.placement;
  const d = event.data;
  if (event.type === 'cascade.proposed') {
    return (
      outcome.type === 'propose' &&
      d['from'] === p.from &&
      d['to'] === p.to &&
      JSON.stringify(d['after']) === JSON.stringify(p.after) &&
      JSON.stringify(d['before']) === JSON.stringify(p.before)
    );
  }
  if (outcome.type !== 'start') return false;
  const recorded = {
    kind: d['kind'],
    workload: d['workload'],
    from: d['from'],
    to: d['to'],
    before: d['before'],
    after: d['after'],
    drain: d['drain'],
    runnersUp: d['runnersUp'],
  };
  const replayed = {
    kind: p.kind,
    workload: p.workload,
    from: p.from,
    to: p.to,
    before: p.before,
    after: p.after,
    drain: outcome.drain,
    runnersUp: p.runnersUp,
  };
  return JSON.stringify(recorded) === JSON.stringify(replayed);
}

export type Replay =
  | { readonly available: false; readonly reason: string }
  | {
      readonly available: true;
      readonly round: RoundRef;
      /** The outcome recomputed under the policy of the time, and whether it is the one recorded. */
      readonly outcome: Outcome;
      readonly identical: boolean;
      readonly policy: Policy;
      /** With another policy: what that policy would have done in the same round. */
      readonly alternative: { readonly policy: Policy; readonly outcome: Outcome } | null;
    };

/** Replays the round behind a transfer.created or cascade.proposed event; `other` is a patch over its policy. */
export async function replayEvent(
  store: { round(hash: string): Promise<RoundRecord | null> },
  event: AuditEvent,
  other?: Partial<Policy>,
): Promise<Replay> {
  const ref = roundRefOf(event);
  if (ref === null)
    return { available: false, reason: 'the decision was recorded without its round (an older controller)' };
  const record = await store.round(ref.hash);
  if (record === null) return { available: false, reason: `the round ${ref.hash.slice(0, 12)} is no longer stored` };
  const workload = event.type === 'cascade.proposed' ? event.subject : String(event.data['workload']);
  const { decision, policy } = replayRound(record, ref);
  const outcome = outcomeFor(decision, workload);
  let alternative: { policy: Policy; outcome: Outcome } | null = null;
  if (other !== undefined) {
    const merged: Policy = { ...policy, ...other, weights: other.weights ?? policy.weights };
    alternative = { policy: merged, outcome: outcomeFor(replayRound(record, ref, merged).decision, workload) };
  }
  return { available: true, round: ref, outcome, identical: sameAsRecorded(event, outcome), policy, alternative };
}
