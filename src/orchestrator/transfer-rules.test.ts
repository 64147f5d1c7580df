// The transfer machine's rules for failures, rollback, unwind and release, each pinned to its exact command: what
// a crash-resumed controller does next depends on nothing else, so every field of the command matters.
import { describe, expect, it } from 'vitest';
import type { TransferRecord } from '../ports/store.js';
import { attempts, leftSource, nextCommand, releasing, stepsOf } from './transfer-machine.js';
import { failed, ran, transfer, type Row } from './testing/transfer-records.js';

const LIVE = '{"mode":"live"}';
const CHECKPOINT = JSON.stringify({
  mode: 'checkpoint',
  checkpoint: { workload: 'W1', blade: 'A', sequence: 1, data: 'cp-1' },
});

describe('leftSource: the workload has left its source only once it runs elsewhere', () => {
  it('is false before any step, and while the move runs', () => {
    expect(leftSource(transfer('cascade', []))).toBe(false);
    expect(leftSource(transfer('cascade', [...ran('prepare'), ['move', 'started']]))).toBe(false);
  });

  it('is true after a live move', () => {
    expect(leftSource(transfer('cascade', [...ran('prepare'), ['move', 'started'], ['move', 'succeeded', LIVE]]))).toBe(
      true,
    );
  });

  it('is false after a checkpoint move: the quiesced workload is still on its source until restored', () => {
    expect(
      leftSource(transfer('cascade', [...ran('prepare'), ['move', 'started'], ['move', 'succeeded', CHECKPOINT]])),
    ).toBe(false);
    expect(leftSource(transfer('cascade', [...ran('prepare'), ['move', 'started'], ['move', 'succeeded']]))).toBe(
      false,
    );
  });

  it('is false when the move failed even if it had reported a live mode', () => {
    const rows: Row[] = [...ran('prepare'), ['move', 'started'], ['move', 'succeeded', LIVE], ['move', 'started']];
    expect(leftSource(transfer('cascade', rows))).toBe(false);
  });

  it('is true once a restore on the target succeeded, for every kind', () => {
    const moved: Row[] = [
      ...ran('prepare'),
      ['move', 'started'],
      ['move', 'succeeded', CHECKPOINT],
      ...ran('switch', 'restore'),
    ];
    expect(leftSource(transfer('cascade', moved))).toBe(true);
    expect(leftSource(transfer('failover', ran('capture', 'fence', 'attach', 'start', 'restore')))).toBe(true);
    expect(
      leftSource(transfer('failover', [...ran('capture', 'fence', 'attach', 'start'), ['restore', 'started']])),
    ).toBe(false);
    expect(
      leftSource(transfer('failover', [...ran('capture', 'fence', 'attach', 'start'), ...failed('restore')])),
    ).toBe(false);
  });
});

describe('releasing: only a cascade whose release step began may see its source off', () => {
  it('is false before release, true from its first record on', () => {
    const verified = ran('prepare', 'move', 'switch', 'restore', 'verify');
    expect(releasing(transfer('cascade', verified))).toBe(false);
    expect(releasing(transfer('cascade', [...verified, ['release', 'started']]))).toBe(true);
    expect(releasing(transfer('cascade', [...verified, ...failed('release')]))).toBe(true);
  });

  it('is false for a failover or placement whatever its steps', () => {
    const rows: Row[] = [['release', 'started']];
    expect(releasing(transfer('failover', rows))).toBe(false);
    expect(releasing(transfer('place', rows))).toBe(false);
  });
});

describe('attempts counts the starts of one step only', () => {
  it('counts started records, not ended ones, and not other steps', () => {
    const rows: Row[] = [...failed('fence'), ['fence', 'started'], ['capture', 'started']];
    expect(attempts(transfer('failover', rows).steps, 'fence')).toBe(2);
    expect(attempts(transfer('failover', rows).steps, 'capture')).toBe(1);
    expect(attempts(transfer('failover', rows).steps, 'start')).toBe(0);
  });
});

describe('cascade rollback rules', () => {
  it('a failed prepare rolls back, and the target that would not power on is suspect afterwards', () => {
    expect(nextCommand(transfer('cascade', failed('prepare')))).toEqual({ type: 'run', step: 'rollback', attempt: 1 });
    const back = transfer('cascade', [...failed('prepare'), ...ran('rollback')], { reason: 'prepare failed' });
    expect(nextCommand(back)).toEqual({ type: 'abort', reason: 'prepare failed', targetFailed: true, replan: false });
  });

  it('a rollback after a later failure leaves the target trusted, with the stored reason or "rolled back"', () => {
    for (const step of ['move', 'switch', 'restore', 'verify'] as const) {
      const before = ran(...stepsOf('cascade').slice(0, stepsOf('cascade').indexOf(step)));
      expect(nextCommand(transfer('cascade', [...before, ...failed(step)]))).toEqual({
        type: 'run',
        step: 'rollback',
        attempt: 1,
      });
      const back = transfer('cascade', [...before, ...failed(step), ...ran('rollback')]);
      expect(nextCommand(back)).toEqual({ type: 'abort', reason: 'rolled back', targetFailed: false, replan: false });
    }
  });

  it('judges the target by the failure that started the rollback, not by a later one', () => {
    const rows: Row[] = [...failed('prepare'), ...failed('rollback'), ...ran('rollback')];
    expect(nextCommand(transfer('cascade', rows))).toMatchObject({ type: 'abort', targetFailed: true });
    const later: Row[] = [
      ...ran('prepare'),
      ...failed('move'),
      ['rollback', 'started'],
      ...failed('prepare'),
      ...ran('rollback'),
    ];
    expect(nextCommand(transfer('cascade', later))).toMatchObject({ type: 'abort', targetFailed: false });
  });

  it('a rollback cut short or failed runs again, counting its attempts', () => {
    const cut: Row[] = [...ran('prepare'), ...failed('move'), ['rollback', 'started']];
    expect(nextCommand(transfer('cascade', cut))).toEqual({ type: 'run', step: 'rollback', attempt: 2 });
    const again: Row[] = [...ran('prepare'), ...failed('move'), ...failed('rollback')];
    expect(nextCommand(transfer('cascade', again))).toEqual({ type: 'run', step: 'rollback', attempt: 2 });
  });

  it('a rollback done on a source that died meanwhile becomes a failover, keeping the target judgement', () => {
    const moved: Row[] = [
      ...ran('prepare'),
      ['move', 'started'],
      ['move', 'succeeded', LIVE],
      ...ran('switch', 'restore'),
    ];
    const afterVerify = transfer('cascade', [...moved, ...failed('verify'), ...ran('rollback')]);
    expect(nextCommand(afterVerify, { sourceFailed: true })).toEqual({
      type: 'abort',
      reason: 'source A failed during the rollback',
      targetFailed: false,
      replan: true,
      toFailover: true,
    });
    // Before the workload left the source, a dead source is a failover whatever the rollback did.
    const afterPrepare = transfer('cascade', [...failed('prepare'), ...ran('rollback')]);
    expect(nextCommand(afterPrepare, { sourceFailed: true })).toMatchObject({
      reason: 'source A failed during the cascade',
      targetFailed: false,
      toFailover: true,
    });
  });

  it('a rollback not yet done when the source dies after the workload left it: the target is unwound instead', () => {
    const rows: Row[] = [
      ...ran('prepare'),
      ['move', 'started'],
      ['move', 'succeeded', LIVE],
      ...failed('switch'),
      ['rollback', 'started'],
    ];
    expect(nextCommand(transfer('cascade', rows), { sourceFailed: true })).toEqual({
      type: 'run',
      step: 'unwind',
      attempt: 1,
    });
  });

  it('a failure after the workload left a source that has died unwinds the target rather than rolling back', () => {
    const rows: Row[] = [...ran('prepare'), ['move', 'started'], ['move', 'succeeded', LIVE], ...failed('switch')];
    expect(nextCommand(transfer('cascade', rows), { sourceFailed: true })).toEqual({
      type: 'run',
      step: 'unwind',
      attempt: 1,
    });
    expect(nextCommand(transfer('cascade', rows))).toEqual({ type: 'run', step: 'rollback', attempt: 1 });
  });

  it('a checkpoint-moved cascade whose source dies is a failover, not a rollback', () => {
    const rows: Row[] = [
      ...ran('prepare'),
      ['move', 'started'],
      ['move', 'succeeded', CHECKPOINT],
      ...failed('switch'),
    ];
    expect(nextCommand(transfer('cascade', rows), { sourceFailed: true })).toEqual({
      type: 'abort',
      reason: 'source A failed during the cascade',
      targetFailed: false,
      replan: true,
      toFailover: true,
    });
  });

  it('a cascade already restored on the target goes on when its source dies', () => {
    const rows: Row[] = [
      ...ran('prepare'),
      ['move', 'started'],
      ['move', 'succeeded', CHECKPOINT],
      ...ran('switch', 'restore'),
    ];
    expect(nextCommand(transfer('cascade', rows), { sourceFailed: true })).toEqual({
      type: 'run',
      step: 'verify',
      attempt: 1,
    });
  });
});

describe('cascade release rules', () => {
  const verified = ran('prepare', 'move', 'switch', 'restore', 'verify');

  it('a failed release waits with the error and the next attempt, never rolling back a verified workload', () => {
    expect(nextCommand(transfer('cascade', [...verified, ...failed('release', 'BMC busy')]))).toEqual({
      type: 'wait',
      step: 'release',
      reason: 'cannot power off the source: BMC busy',
      attempt: 2,
    });
  });

  it('keeps waiting on release even when the source is reported failed', () => {
    expect(nextCommand(transfer('cascade', [...verified, ...failed('release')]), { sourceFailed: true })).toMatchObject(
      {
        type: 'wait',
        step: 'release',
      },
    );
  });

  it('a release cut short runs again, and a done release completes the cascade', () => {
    expect(nextCommand(transfer('cascade', [...verified, ['release', 'started']]))).toEqual({
      type: 'run',
      step: 'release',
      attempt: 2,
    });
    expect(nextCommand(transfer('cascade', [...verified, ...ran('release')]))).toEqual({ type: 'complete' });
    expect(nextCommand(transfer('cascade', [...verified, ...ran('release')]), { sourceFailed: true })).toEqual({
      type: 'complete',
    });
  });
});

describe('unwind rules', () => {
  it('a failover unwound after a failure names the failed step, and does not become another failover', () => {
    const rows: Row[] = [
      ...ran('capture', 'fence', 'attach', 'start'),
      ...failed('restore', 'no image'),
      ...ran('unwind'),
    ];
    expect(nextCommand(transfer('failover', rows))).toEqual({
      type: 'abort',
      reason: 'restore failed on B: no image',
      targetFailed: true,
      replan: true,
    });
  });

  it('a cascade unwound becomes a failover', () => {
    const rows: Row[] = [
      ...ran('prepare'),
      ['move', 'started'],
      ['move', 'succeeded', LIVE],
      ...failed('switch'),
      ...ran('unwind'),
    ];
    expect(nextCommand(transfer('cascade', rows))).toEqual({
      type: 'abort',
      reason: 'switch failed on B: boom',
      targetFailed: true,
      replan: true,
      toFailover: true,
    });
  });

  it('an unwind with no failed step before it says the target failed', () => {
    expect(nextCommand(transfer('place', ran('unwind')))).toEqual({
      type: 'abort',
      reason: 'target B failed',
      targetFailed: true,
      replan: true,
    });
    // A failed unwind that then succeeded does not count as the reason.
    expect(nextCommand(transfer('place', [...failed('unwind'), ...ran('unwind')]))).toMatchObject({
      reason: 'target B failed',
    });
  });

  it('a failed unwind waits, with the error, for the target to be confirmed off', () => {
    expect(nextCommand(transfer('place', [...failed('start'), ...failed('unwind', 'no answer')]))).toEqual({
      type: 'wait',
      step: 'unwind',
      reason: 'cannot confirm B is off: no answer',
      attempt: 2,
    });
  });

  it('an unwind cut short runs again before anything else', () => {
    expect(nextCommand(transfer('place', [...failed('start'), ['unwind', 'started']]))).toEqual({
      type: 'run',
      step: 'unwind',
      attempt: 2,
    });
  });

  it('a placement whose attach, start, restore or verify fails unwinds', () => {
    for (const step of stepsOf('place')) {
      const before = ran(...stepsOf('place').slice(0, stepsOf('place').indexOf(step)));
      expect(nextCommand(transfer('place', [...before, ...failed(step)]))).toEqual({
        type: 'run',
        step: 'unwind',
        attempt: 1,
      });
    }
  });
});

describe('failover waits', () => {
  it('a failed capture waits, saying there is no state to restore', () => {
    expect(nextCommand(transfer('failover', failed('capture', 'no checkpoint')))).toEqual({
      type: 'wait',
      step: 'capture',
      reason: 'no state to restore: no checkpoint',
      attempt: 2,
    });
  });

  it('an unconfirmed fence waits with its error and next attempt', () => {
    expect(nextCommand(transfer('failover', [...ran('capture'), ...failed('fence', 'still on')]))).toEqual({
      type: 'wait',
      step: 'fence',
      reason: 'fence not confirmed: still on',
      attempt: 2,
    });
  });

  it('a failover is not a cascade: a failed source does not turn it into anything else', () => {
    expect(nextCommand(transfer('failover', ran('capture')), { sourceFailed: true })).toEqual({
      type: 'run',
      step: 'fence',
      attempt: 1,
    });
  });

  it('a failure without an error text still gives a reason', () => {
    const t = transfer('failover', [...ran('capture'), ['fence', 'started']]);
    const noError = {
      ...t,
      steps: [...t.steps, { ...t.steps[0]!, name: 'fence' as const, status: 'failed' as const, error: null }],
    };
    expect(nextCommand(noError)).toMatchObject({ reason: 'fence not confirmed: failed' });
  });
});

describe('the step sequences themselves', () => {
  it('are the ones DESIGN section 5 lists, in that order', () => {
    expect(stepsOf('failover')).toEqual(['capture', 'fence', 'attach', 'start', 'restore', 'verify']);
    expect(stepsOf('place')).toEqual(['attach', 'start', 'restore', 'verify']);
    expect(stepsOf('cascade')).toEqual(['prepare', 'move', 'switch', 'restore', 'verify', 'release']);
  });
});

describe('reasons when the record carries no error text', () => {
  /** The rows, with the error of every failed record removed (as an old store or a crash may leave it). */
  const withoutErrors = (t: TransferRecord): TransferRecord => ({
    ...t,
    steps: t.steps.map((s) => ({ ...s, error: null })),
  });

  it('an unconfirmed unwind still names the target', () => {
    const t = withoutErrors(transfer('place', [...failed('start'), ...failed('unwind')]));
    expect(nextCommand(t)).toEqual({ type: 'wait', step: 'unwind', reason: 'cannot confirm B is off: ', attempt: 2 });
  });

  it('an unwound transfer names the failed step with "failed" for its error', () => {
    const t = withoutErrors(transfer('place', [...failed('start'), ...ran('unwind')]));
    expect(nextCommand(t)).toMatchObject({ type: 'abort', reason: 'start failed on B: failed' });
  });
});

describe('the reason of an unwind is the latest failure', () => {
  it('a fence that failed, waited and then succeeded is not the reason; the start that failed later is', () => {
    const rows: Row[] = [
      ...ran('capture'),
      ...failed('fence', 'still on'),
      ...ran('fence', 'attach'),
      ...failed('start', 'no power'),
      ...ran('unwind'),
    ];
    expect(nextCommand(transfer('failover', rows))).toMatchObject({
      type: 'abort',
      reason: 'start failed on B: no power',
    });
  });
});
