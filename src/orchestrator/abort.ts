// What an operator's `transfer abort` means for a transfer, decided from its step log alone: before the workload
// left its source (no live move, no restore on the target, no fence of the source) it unwinds as a rollback does;
// past that point nothing can put it back, and only going forward keeps it on exactly one blade.
import type { StepRecord, TransferRecord } from '../ports/store.js';
import type { StepName } from '../wire/steps.js';
import { parseStepOutput } from './step-output.js';
import type { Command } from './transfer-machine.js';

/** An operator asked to abort a transfer: who, why and when (the audit log has it too). */
export interface AbortRequest {
  readonly by: string;
  readonly reason: string;
  readonly at: number;
}

function lastOf(steps: readonly StepRecord[]): Map<StepName, StepRecord> {
  const last = new Map<StepName, StepRecord>();
  for (const s of steps) last.set(s.name, s);
  return last;
}

const succeeded = (last: ReadonlyMap<StepName, StepRecord>, step: StepName): boolean =>
  last.get(step)?.status === 'succeeded';

function attempt(transfer: TransferRecord, step: StepName): number {
  return transfer.steps.filter((s) => s.name === step && s.status === 'started').length + 1;
}

/**
 * A placement or cascade whose step failed undoes itself (unwind, rollback) and ends by itself. A failover's failed
 * capture or fence only waits, and stays abortable.
 */
function failedOnItsOwn(transfer: TransferRecord): boolean {
  if (transfer.kind === 'failover') return false;
  return transfer.steps.some((s) => s.status === 'failed' && s.name !== 'unwind' && s.name !== 'rollback');
}

/**
 * Why the transfer cannot be aborted now, or null when it can. An operator told no reads it and either lets the
 * transfer complete or finishes the workload once it has landed.
 */
export function whyNotAbortable(transfer: TransferRecord): string | null {
  if (transfer.status === 'done' || transfer.status === 'aborted')
    return `transfer ${transfer.id} is ${transfer.status} already`;
  const last = lastOf(transfer.steps);
  if (last.has('unwind') || last.has('rollback') || failedOnItsOwn(transfer))
    return `transfer ${transfer.id} is already unwinding after a failed step; it ends by itself`;
  if (transfer.kind === 'failover' && succeeded(last, 'fence'))
    return (
      `source ${transfer.from ?? '-'} is fenced: the workload can only go forward to ${transfer.to}; ` +
      'let the failover complete'
    );
  if (transfer.kind === 'cascade') {
    const move = last.get('move');
    if (move?.status === 'succeeded' && parseStepOutput(move.output).mode === 'live')
      return `${transfer.workload} was moved live to ${transfer.to}: it runs there now; let the cascade complete`;
    if (succeeded(last, 'restore'))
      return `${transfer.workload} runs on ${transfer.to} already; let the cascade complete`;
  }
  return null;
}

/**
 * The next command for a transfer an operator asked to abort, or null when the request no longer applies (a step
 * that was running when it was asked carried the transfer past the point of no return, or the transfer unwinds on
 * its own) and the machine goes on as if it had not been asked.
 */
export function abortCommand(transfer: TransferRecord, request: AbortRequest): Command | null {
  if (transfer.status === 'done' || transfer.status === 'aborted') return null;
  if (failedOnItsOwn(transfer)) return null;
  const last = lastOf(transfer.steps);
  const reason = `aborted by ${request.by}: ${request.reason}`;
  const operator = { type: 'abort', reason, targetFailed: false, byOperator: true } as const;
  switch (transfer.kind) {
    case 'failover':
      // The target is touched only after the fence (attach comes next): nothing on it to undo. The workload stays
      // pending on its source, which the next failover fences before anything starts.
      if (succeeded(last, 'fence')) return null;
      return { ...operator, replan: true };
    case 'place': {
      // The target may run the workload already: powered off, confirmed, before it goes back to the pool.
      const unwind = last.get('unwind');
      if (unwind?.status === 'succeeded') return { ...operator, replan: true };
      if (unwind?.status === 'failed')
        return {
          type: 'wait',
          step: 'unwind',
          reason: `cannot confirm ${transfer.to} is off: ${unwind.error ?? ''}`,
          attempt: attempt(transfer, 'unwind'),
        };
      return { type: 'run', step: 'unwind', attempt: attempt(transfer, 'unwind') };
    }
    case 'cascade': {
      if (whyNotAbortable({ ...transfer, steps: transfer.steps.filter((s) => s.name !== 'rollback') }) !== null)
        return null;
      // The rollback step puts the workload back on its source (it is still there, or quiesced) and powers the
      // target off; it fails rather than touch a source that died meanwhile, and the machine then fails it over.
      const rollback = last.get('rollback');
      if (rollback?.status === 'succeeded') return { ...operator, replan: false };
      if (rollback?.status === 'failed') return null;
      return { type: 'run', step: 'rollback', attempt: attempt(transfer, 'rollback') };
    }
  }
}
