// "Why not that blade?" for one transfer: every blade that was no target when the round decided, with the one
// eligibility rule's reason, recomputed from the round's stored snapshot (what the blades were then, not now).
import { eligibility } from '../core/eligibility.js';
import { exclusionsOf, type Exclusions } from '../core/exclusion-report.js';
import type { BladeLocation } from '../core/model.js';
import type { AuditEvent, RoundRecord } from '../ports/store.js';
import { decodeRound, roundRefOf } from '../orchestrator/round-record.js';

/** The exclusions of a decision's round, or why they cannot be told (`counts` and `blades` are then empty). */
export type DecisionExclusions =
  | (Exclusions & { readonly available: true; readonly reason: null })
  | { readonly available: false; readonly reason: string; readonly counts: []; readonly blades: [] };

const unavailable = (reason: string): DecisionExclusions => ({ available: false, reason, counts: [], blades: [] });

/**
 * `locationOf` names a blade's chassis for the text of `chassis-unpowered`: a round keeps which enclosures were dark,
 * not where each blade sits, and a blade's slot is the inventory's (it outlives a round).
 */
export async function decisionExclusions(
  store: { round(hash: string): Promise<RoundRecord | null> },
  event: AuditEvent | null,
  locationOf: (blade: string) => BladeLocation | undefined,
): Promise<DecisionExclusions> {
  if (event === null) return unavailable('the log no longer holds the decision');
  const ref = roundRefOf(event);
  if (ref === null) return unavailable('the decision was recorded without its round (an older controller)');
  const record = await store.round(ref.hash);
  if (record === null) return unavailable(`the round ${ref.hash.slice(0, 12)} is no longer stored`);
  const { snapshot, policy } = decodeRound(record.body);
  const blades = snapshot.blades.map((b) => {
    const location = locationOf(b.id);
    return location === undefined ? b : { ...b, location };
  });
  // The round's own clock and policy, as decideRound ran it: burn-in counts to the instant of the decision.
  const { excluded } = eligibility(blades, { now: ref.now, policy });
  return { available: true, reason: null, ...exclusionsOf(excluded) };
}
