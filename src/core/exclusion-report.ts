// The blades a what-if left out as targets, as `cascade plan`, the API and the dashboard show them: counts per reason,
// and each blade that is not simply running a workload, with the eligibility rule's reason in words.
import { type Excluded, type ExclusionReason, exclusionCounts, exclusionText } from './eligibility.js';

export interface ExcludedBlade {
  readonly blade: string;
  readonly reason: ExclusionReason;
  /** The reason in words: "chassis c01 has no power". */
  readonly text: string;
}

export interface Exclusions {
  /** Every blade left out, counted per reason (in the rule's order); `active` ones included. */
  readonly counts: readonly { readonly reason: ExclusionReason; readonly count: number }[];
  /** Each blade left out for a reason other than running a workload (at 10,000 blades those are the few to read). */
  readonly blades: readonly ExcludedBlade[];
}

export function exclusionsOf(excluded: readonly Excluded[]): Exclusions {
  return {
    counts: exclusionCounts(excluded),
    blades: excluded
      .filter((e) => e.reason !== 'active')
      .map((e) => ({ blade: e.blade, reason: e.reason, text: exclusionText(e) })),
  };
}

/** One line for the summary: "Left out as targets: 40 active, 2 failed, 3 chassis-unpowered". */
export function exclusionSummary(x: Exclusions): string {
  if (x.counts.length === 0) return 'Left out as targets: none';
  return `Left out as targets: ${x.counts.map((c) => `${c.count} ${c.reason}`).join(', ')}`;
}

/** For `--all`: the summary line, then each blade not simply active with why. */
export function exclusionLines(x: Exclusions): string[] {
  return [exclusionSummary(x), ...x.blades.map((b) => `  ${b.blade}: ${b.text}`)];
}
