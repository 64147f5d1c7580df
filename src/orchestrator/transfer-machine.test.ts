// nextCommand: each transfer kind's steps in order, what a crash-resumed controller does, and failures.
import { describe, expect, it } from 'vitest';
import { nextCommand, stepsOf, type StepName } from './transfer-machine.js';
import { ran, transfer } from './testing/transfer-records.js';

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
    expect(nextCommand(transfer('failover', [...ran('capture'), ['fence', 'started']]))).toEqual({
      type: 'run',
      step: 'fence',
      attempt: 2,
    });
  });

  it('does nothing for a finished transfer', () => {
    expect(nextCommand({ ...transfer('failover', []), status: 'done' })).toEqual({ type: 'none' });
    expect(nextCommand({ ...transfer('failover', []), status: 'aborted' })).toEqual({ type: 'none' });
  });
});

describe('nextCommand: failures', () => {
  it('an unconfirmed fence waits: nothing may start', () => {
    expect(
      nextCommand(transfer('failover', [...ran('capture'), ['fence', 'started'], ['fence', 'failed']])),
    ).toMatchObject({ type: 'wait', step: 'fence' });
  });

  it('a failed target is powered off (unwind) before the planner may choose another blade', () => {
    const failed = transfer('failover', [
      ...ran('capture', 'fence', 'attach'),
      ['start', 'started'],
      ['start', 'failed'],
    ]);
    expect(nextCommand(failed)).toEqual({ type: 'run', step: 'unwind', attempt: 1 });
    const unwound = transfer('failover', [
      ...ran('capture', 'fence', 'attach'),
      ['start', 'started'],
      ['start', 'failed'],
      ...ran('unwind'),
    ]);
    expect(nextCommand(unwound)).toEqual({
      type: 'abort',
      reason: 'start failed on B: boom',
      targetFailed: true,
      replan: true,
    });
    const stuck = transfer('failover', [
      ...ran('capture', 'fence', 'attach'),
      ['start', 'started'],
      ['start', 'failed'],
      ['unwind', 'started'],
      ['unwind', 'failed'],
    ]);
    expect(nextCommand(stuck)).toMatchObject({ type: 'wait', step: 'unwind' });
  });

  it('a cascade that fails before it is verified rolls back, then aborts with the workload on its source', () => {
    const failed = transfer('cascade', [...ran('prepare'), ['move', 'started'], ['move', 'failed']]);
    expect(nextCommand(failed)).toEqual({ type: 'run', step: 'rollback', attempt: 1 });
    const rolledBack = transfer('cascade', [
      ...ran('prepare'),
      ['move', 'started'],
      ['move', 'failed'],
      ...ran('rollback'),
    ]);
    expect(nextCommand(rolledBack)).toMatchObject({ type: 'abort', targetFailed: false, replan: false });
  });

  it('a cascade whose source cannot be powered off after the move keeps trying: the workload is safe', () => {
    const t = transfer('cascade', [
      ...ran('prepare', 'move', 'switch', 'restore', 'verify'),
      ['release', 'started'],
      ['release', 'failed'],
    ]);
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
