// The transfer state machine (DESIGN section 5) as a pure function of the durable record:
// given what the store says happened, what is the one next thing to do? Level-triggered, so a
// controller that restarts after a crash asks the same question of the same record and resumes.
import type { TransferKind } from '../core/decision.js';
import type { StepRecord, TransferRecord } from '../ports/store.js';
import { STEP_SEQUENCES, type StepName } from '../wire/steps.js';
import { abortCommand, type AbortRequest } from './abort.js';
import { parseStepOutput } from './step-output.js';

export type { StepName } from '../wire/steps.js';

const SEQUENCES = STEP_SEQUENCES;

export function stepsOf(kind: TransferKind): readonly StepName[] {
  return SEQUENCES[kind];
}

export type Command =
  | { readonly type: 'run'; readonly step: StepName; readonly attempt: number }
  /** Commit the workload on the target; the transfer is done. */
  | { readonly type: 'complete' }
  /**
   * Give up. `targetFailed`: the target is suspect and must not be chosen again;
   * `replan`: the workload is pending and the planner picks the next best blade.
   */
  | {
      readonly type: 'abort';
      readonly reason: string;
      readonly targetFailed: boolean;
      readonly replan: boolean;
      /** A cascade whose source died before the workload left it: it becomes a failover from the source. */
      readonly toFailover?: boolean;
      /** The driver blamed the workload: the target goes back to the pool and the workload is held pending. */
      readonly workloadFault?: boolean;
      /** An operator withdrew the workload while it was being placed: it stays finished, the target is freed. */
      readonly withdrawn?: boolean;
      /** An operator aborted the transfer (`transfer abort`) before it passed its point of no return. */
      readonly byOperator?: boolean;
    }
  /** Nothing may happen until the step succeeds (an unconfirmed fence): alert, then retry later. */
  | { readonly type: 'wait'; readonly step: StepName; readonly reason: string; readonly attempt: number }
  /** The record is finished; nothing to do. */
  | { readonly type: 'none' };

/** The last record of each step, in the order they were written. */
function lastOf(steps: readonly StepRecord[]): Map<StepName, StepRecord> {
  const last = new Map<StepName, StepRecord>();
  for (const s of steps) last.set(s.name, s);
  return last;
}

/** How many times the step has been started. */
export function attempts(steps: readonly StepRecord[], name: StepName): number {
  return steps.filter((s) => s.name === name && s.status === 'started').length;
}

/**
 * The next command for a transfer. A step whose last record is `started` was cut short by a
 * crash: steps are idempotent, so it simply runs again. A step that `failed` has used up its
 * retries and deadline inside the executor; what follows depends on the step (DESIGN section 5).
 */
export function nextCommand(
  transfer: TransferRecord,
  context: { readonly sourceFailed?: boolean; readonly withdrawn?: boolean; readonly abort?: AbortRequest | null } = {},
): Command {
  if (transfer.status === 'done' || transfer.status === 'aborted') return { type: 'none' };
  const last = lastOf(transfer.steps);
  // A cascade whose source died is a failover's to finish, whatever the operator asked.
  const abortable = !context.withdrawn && !(transfer.kind === 'cascade' && context.sourceFailed);
  const aborting = context.abort && abortable ? abortCommand(transfer, context.abort) : null;
  if (aborting) return aborting;

  if (transfer.kind === 'place' && context.withdrawn) {
    // The target may have started the workload already: powered off and confirmed, it goes back to the pool.
    const unwound = last.get('unwind');
    if (unwound?.status === 'succeeded')
      return { type: 'abort', reason: 'withdrawn by an operator', targetFailed: false, replan: true, withdrawn: true };
    if (unwound?.status === 'failed')
      return {
        type: 'wait',
        step: 'unwind',
        reason: `cannot confirm ${transfer.to} is off: ${unwound.error ?? ''}`,
        attempt: attempts(transfer.steps, 'unwind') + 1,
      };
    return { type: 'run', step: 'unwind', attempt: attempts(transfer.steps, 'unwind') + 1 };
  }

  if (transfer.kind === 'cascade' && context.sourceFailed && !onTarget(last)) {
    // Nothing can be put back on a dead source: the workload needs a failover, which
    // restores the state the move captured (if it got that far) or the latest checkpoint.
    return {
      type: 'abort',
      reason: `source ${transfer.from} failed during the cascade`,
      targetFailed: false,
      replan: true,
      toFailover: true,
    };
  }

  const unwind = last.get('unwind');
  if (unwind) {
    // A cascade unwinds only when its source died too; its workload then needs a failover.
    if (unwind.status === 'succeeded') {
      // A workload fault (unknown workload, unusable state) says nothing against the target: it rejoins the pool.
      const workloadFault = transfer.kind !== 'cascade' && unwoundFor(transfer)?.fault === 'workload';
      return {
        type: 'abort',
        reason: whyUnwound(transfer),
        targetFailed: !workloadFault,
        replan: true,
        ...(transfer.kind === 'cascade' ? { toFailover: true } : {}),
        ...(workloadFault ? { workloadFault } : {}),
      };
    }
    if (unwind.status === 'failed')
      return {
        type: 'wait',
        step: 'unwind',
        reason: `cannot confirm ${transfer.to} is off: ${unwind.error ?? ''}`,
        attempt: attempts(transfer.steps, 'unwind') + 1,
      };
    return { type: 'run', step: 'unwind', attempt: attempts(transfer.steps, 'unwind') + 1 };
  }

  if (transfer.kind === 'cascade') {
    const rollback = last.get('rollback');
    if (rollback) {
      // A target that would not power on is suspect, as in a failover: not chosen again until
      // repaired (else the planner picked it again on every round, for ever).
      if (rollback.status === 'succeeded') {
        const targetFailed = failedBeforeRollback(transfer) === 'prepare';
        // Back on a source that died meanwhile: it needs a failover like any workload of a dead blade.
        if (context.sourceFailed)
          return {
            type: 'abort',
            reason: `source ${transfer.from} failed during the rollback`,
            targetFailed,
            replan: true,
            toFailover: true,
          };
        return { type: 'abort', reason: transfer.reason ?? 'rolled back', targetFailed, replan: false };
      }
      // The source died too (after the workload left it): nothing to go back to. Fence the target.
      if (context.sourceFailed) return { type: 'run', step: 'unwind', attempt: attempts(transfer.steps, 'unwind') + 1 };
      return { type: 'run', step: 'rollback', attempt: attempts(transfer.steps, 'rollback') + 1 };
    }
  }

  for (const step of SEQUENCES[transfer.kind]) {
    const record = last.get(step);
    if (!record || record.status === 'started')
      return { type: 'run', step, attempt: attempts(transfer.steps, step) + 1 };
    if (record.status === 'succeeded') continue;
    return onFailure(transfer, step, record, context.sourceFailed === true);
  }
  return { type: 'complete' };
}

function onFailure(transfer: TransferRecord, step: StepName, record: StepRecord, sourceFailed: boolean): Command {
  const error = record.error ?? 'failed';
  const attempt = attempts(transfer.steps, step) + 1;
  if (transfer.kind === 'cascade') {
    // Once the workload runs on the target and is verified, the source's power-off is all that is
    // left: keep trying, the workload is safe. Before that, any failure puts it back on its source.
    if (step === 'release') return { type: 'wait', step, reason: `cannot power off the source: ${error}`, attempt };
    // The workload left a source that has died since: no rollback; fence the target, then fail over.
    if (sourceFailed) return { type: 'run', step: 'unwind', attempt: attempts(transfer.steps, 'unwind') + 1 };
    return { type: 'run', step: 'rollback', attempt: attempts(transfer.steps, 'rollback') + 1 };
  }
  // Failover and placement: starting anything before the fence is confirmed could run the
  // workload twice, so an unconfirmed fence waits (and alerts) instead of going on.
  if (step === 'fence') return { type: 'wait', step, reason: `fence not confirmed: ${error}`, attempt };
  if (step === 'capture') return { type: 'wait', step, reason: `no state to restore: ${error}`, attempt };
  // The target may have started the workload before it failed: power it off, confirmed, before
  // the planner tries the next best blade, or the workload could run twice.
  return { type: 'run', step: 'unwind', attempt: attempts(transfer.steps, 'unwind') + 1 };
}

/** The step whose failure started the rollback (the last failed step before the first rollback record). */
function failedBeforeRollback(transfer: TransferRecord): StepName | null {
  const first = transfer.steps.findIndex((s) => s.name === 'rollback');
  const before = first < 0 ? transfer.steps : transfer.steps.slice(0, first);
  return [...before].reverse().find((s) => s.status === 'failed')?.name ?? null;
}

/** The output of the failed step that made the transfer unwind (its fault class), if any. */
function unwoundFor(transfer: TransferRecord): ReturnType<typeof parseStepOutput> | null {
  const failed = [...transfer.steps].reverse().find((s) => s.status === 'failed' && s.name !== 'unwind');
  return failed ? parseStepOutput(failed.output) : null;
}

/** The step failure that made the transfer unwind, as "start failed on B: ...". */
function whyUnwound(transfer: TransferRecord): string {
  const failed = [...transfer.steps].reverse().find((s) => s.status === 'failed' && s.name !== 'unwind');
  return failed
    ? `${failed.name} failed on ${transfer.to}: ${failed.error ?? 'failed'}`
    : `target ${transfer.to} failed`;
}

/**
 * Whether the transfer's workload already left its source (moved live or restored on the target),
 * so the source may go dark without harm. Before that, a cascade's source that loses power has lost the workload.
 */
export function leftSource(transfer: TransferRecord): boolean {
  return onTarget(lastOf(transfer.steps));
}

/**
 * Whether a cascade is powering its source off (its release step began): the only time a
 * cascade's source may be seen off without having died.
 */
export function releasing(transfer: TransferRecord): boolean {
  return transfer.kind === 'cascade' && transfer.steps.some((s) => s.name === 'release');
}

/** Whether the workload already left its source: moved live, or restored on the target. */
function onTarget(last: ReadonlyMap<StepName, StepRecord>): boolean {
  const move = last.get('move');
  if (move?.status === 'succeeded' && parseStepOutput(move.output).mode === 'live') return true;
  return last.get('restore')?.status === 'succeeded';
}
