// The operator mix's invariants: every action answered (never a 5xx), and
// no blade failed because of a workload's fault: only a fault of the blade itself (power, health, its BMC) fails it.
import type { ChaosViolation, StoreRecords } from './invariants.js';
import type { OperatorAnswer } from './operator-actions.js';

/**
 * An answer slower than this is counted in the campaign's figures. It is no invariant: on a machine the campaign
 * itself loads, an answer's time says as much about the load as about the controller. Whether an action waits for a
 * hung BMC is pinned down by src/orchestrator/operator-latency.test.ts (answered before the hung reads return); the
 * campaign shows the same thing as figures: answers while BMCs hang beside answers while none does.
 */
export const SLOW_ANSWER_MS = 1_000;

/** Every action answered, never with a 5xx. */
export function answerViolations(answers: readonly OperatorAnswer[]): ChaosViolation[] {
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
  }
  return found;
}

/**
 * What the drivers say when the workload, not the blade, is at fault (fault-class.ts keeps these out of blade failures).
 * "liveness unknown" is the detector's, not a driver's: the workload's own path did not answer either, which is what
 * fails a blade whose BMC is silent.
 */
const WORKLOAD_FAULT =
  /(?<!liveness )unknown(?! blade)|is not a saved state|state is lost|already runs on|no definition/;

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
