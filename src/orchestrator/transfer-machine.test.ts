import { describe, expect, it } from 'vitest';
import type { StepRecord, TransferRecord } from '../ports/store.js';
import { nextCommand, stepsOf, type StepName } from './transfer-machine.js';

const fit = { deficit: 0, surplus: 0, cost: 0, feasible: true, mismatches: [] };

function transfer(kind: TransferRecord['kind'], steps: [StepName, StepRecord['status'], string?][]): TransferRecord {
  return {
    id: 't1',
    kind,
    workload: 'W1',
    from: kind === 'place' ? null : 'A',
    to: 'B',
    before: kind === 'place' ? null : fit,
    after: fit,
    status: 'running',
    reason: null,
    drain: false,
    steps: steps.map(([name, status, output], i) => ({ name, status, attempt: 1, startedAt: i, endedAt: status === 'started' ? null : i, error: status === 'failed' ? 'boom' : null, output: output ?? null })),
    createdAt: 0,
    updatedAt: 0,
  };
}

/** Every step started then succeeded, as the executor writes them. */
const ran = (...names: StepName[]): [StepName, StepRecord['status']][] => names.flatMap((n) => [[n, 'started'], [n, 'succeeded']] as [StepName, StepRecord['status']][]);

describe('nextCommand: the happy paths of DESIGN section 5', () => {
  for (const kind of ['failover', 'cascade', 'place'] as const) {
    it(`${kind} runs ${stepsOf(kind).join(' -> ')} in order, then completes`, () => {
      const done: StepName[] = [];
      for (const step of stepsOf(kind)) {
        expect(nextCommand(transfer(kind, ran(...done)))).toEqual({ type: 'run', step, attempt: 1 });
        done.push(step);
      }
      expect(nextCommand(transfer(kind, ran(...done)))).toEqual({ type: 'complete' });
    });
  }

  it('a failover never reaches start before the fence has succeeded', () => {
    for (let i = 0; i <= stepsOf('failover').indexOf('fence'); i++) {
      const command = nextCommand(transfer('failover', ran(...stepsOf('failover').slice(0, i))));
      expect(command).not.toMatchObject({ step: 'start' });
      expect(command).not.toMatchObject({ step: 'restore' });
    }
  });
});

describe('nextCommand: after a crash', () => {
  it('runs a step that was started but never ended again, as a new attempt', () => {
    expect(nextCommand(transfer('failover', [...ran('capture'), ['fence', 'started']]))).toEqual({ type: 'run', step: 'fence', attempt: 2 });
  });

  it('does nothing for a finished transfer', () => {
    expect(nextCommand({ ...transfer('failover', []), status: 'done' })).toEqual({ type: 'none' });
    expect(nextCommand({ ...transfer('failover', []), status: 'aborted' })).toEqual({ type: 'none' });
  });
});

describe('nextCommand: failures', () => {
  it('an unconfirmed fence waits: nothing may start', () => {
    expect(nextCommand(transfer('failover', [...ran('capture'), ['fence', 'started'], ['fence', 'failed']]))).toMatchObject({ type: 'wait', step: 'fence' });
  });

  it('a failed target is powered off (unwind) before the planner may choose another blade', () => {
    const failed = transfer('failover', [...ran('capture', 'fence', 'attach'), ['start', 'started'], ['start', 'failed']]);
    expect(nextCommand(failed)).toEqual({ type: 'run', step: 'unwind', attempt: 1 });
    const unwound = transfer('failover', [...ran('capture', 'fence', 'attach'), ['start', 'started'], ['start', 'failed'], ...ran('unwind')]);
    expect(nextCommand(unwound)).toEqual({ type: 'abort', reason: 'start failed on B: boom', targetFailed: true, replan: true });
    const stuck = transfer('failover', [...ran('capture', 'fence', 'attach'), ['start', 'started'], ['start', 'failed'], ['unwind', 'started'], ['unwind', 'failed']]);
    expect(nextCommand(stuck)).toMatchObject({ type: 'wait', step: 'unwind' });
  });

  it('a cascade that fails before it is verified rolls back, then aborts with the workload on its source', () => {
    const failed = transfer('cascade', [...ran('prepare'), ['move', 'started'], ['move', 'failed']]);
    expect(nextCommand(failed)).toEqual({ type: 'run', step: 'rollback', attempt: 1 });
    const rolledBack = transfer('cascade', [...ran('prepare'), ['move', 'started'], ['move', 'failed'], ...ran('rollback')]);
    expect(nextCommand(rolledBack)).toMatchObject({ type: 'abort', targetFailed: false, replan: false });
  });

  it('a cascade whose source cannot be powered off after the move keeps trying: the workload is safe', () => {
    const t = transfer('cascade', [...ran('prepare', 'move', 'switch', 'restore', 'verify'), ['release', 'started'], ['release', 'failed']]);
    expect(nextCommand(t)).toMatchObject({ type: 'wait', step: 'release' });
  });

  it('a cascade whose source died before the workload left it becomes a failover', () => {
    const t = transfer('cascade', [...ran('prepare'), ['move', 'started']]);
    expect(nextCommand(t, { sourceFailed: true })).toMatchObject({ type: 'abort', toFailover: true, replan: true });
  });

  it('a cascade whose workload already moved live finishes even if the source dies', () => {
    const t = transfer('cascade', [...ran('prepare'), ['move', 'started'], ['move', 'succeeded', '{"mode":"live"}']]);
    expect(nextCommand(t, { sourceFailed: true })).toEqual({ type: 'run', step: 'switch', attempt: 1 });
  });
});
