// The operator mix's invariants: every action answered (never a 5xx, never slower than a second while BMCs hang), and
// no blade failed because of a workload's fault: only a fault of the blade itself (power, health, its BMC) fails it.
import type { ChaosViolation, StoreRecords } from './invariants.js';
import type { OperatorAnswer } from './operator-actions.js';

/** The slowest answer allowed while a BMC hangs: operator actions are decided on the store alone. */
export const HUNG_ANSWER_MS = 1_000;

/** `maxHungMs`: the latency bound while BMCs hang, checked in campaigns (null in CI, where tests assert no timing). */
export function answerViolations(
  answers: readonly OperatorAnswer[],
  maxHungMs: number | null = null,
): ChaosViolation[] {
  const found: ChaosViolation[] = [];
  for (const a of answers) {
    if (a.status === null)
      found.push({
        rule: 'operator-answer',
        subject: a.request,
        message: `${a.kind}: ${a.request} was never answered`,
      });
    else if (a.status >= 500)
      found.push({
        rule: 'operator-answer',
        subject: a.request,
        message: `${a.kind}: ${a.request} answered ${a.status}`,
      });
    else if (maxHungMs !== null && a.hungBmcs > 0 && a.ms > maxHungMs) {
      found.push({
        rule: 'operator-answer',
        subject: a.request,
        message: `${a.kind}: ${a.request} took ${a.ms} ms while ${a.hungBmcs} BMC(s) hung`,
      });
    }
  }
  return found;
}

/** What the drivers say when the workload, not the blade, is at fault (fault-class.ts keeps these out of blade failures). */
const WORKLOAD_FAULT = /unknown(?! blade)|is not a saved state|state is lost|already runs on|no definition/;

/**
 * A transfer that failed its target must have failed for the target's own reason: a target failed by a workload's
 * fault (an unknown workload, an unusable checkpoint) is a healthy blade lost to the pool.
 */
export function healthyFailed(store: StoreRecords): ChaosViolation[] {
  const found: ChaosViolation[] = [];
  for (const e of store.events) {
    const reason = typeof e.data['reason'] === 'string' ? e.data['reason'] : null;
    if (e.type !== 'blade.failed' || reason === null || !WORKLOAD_FAULT.test(reason)) continue;
    found.push({
      rule: 'healthy-failed',
      subject: e.subject,
      message: `blade ${e.subject} was failed for a workload's fault: ${reason}`,
    });
  }
  return found;
}
