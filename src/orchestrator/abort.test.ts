// `transfer abort` over the transfer machine: in every phase of every kind, an abort before the point of no return
// unwinds (nothing goes forward, the workload ends on its source or pending), and one past it changes nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TransferRecord } from '../ports/store.js';
import { abortCommand, whyNotAbortable, type AbortRequest } from './abort.js';
import { failed, ran, transfer, type Row } from './testing/transfer-records.js';
import { nextCommand, stepsOf, type Command, type StepName } from './transfer-machine.js';

const ana: AbortRequest = { by: 'operator:ana', reason: 'wrong target', at: 0 };
const live = JSON.stringify({ mode: 'live' });
const quiesced = JSON.stringify({ mode: 'checkpoint' });

/** Rows of a kind's first `n` steps, all succeeded; a cascade's move live or by checkpoint. */
function firstSteps(kind: TransferRecord['kind'], n: number, liveMove: boolean): Row[] {
  return stepsOf(kind)
    .slice(0, n)
    .flatMap((step): Row[] =>
      step === 'move'
        ? [
            ['move', 'started'],
            ['move', 'succeeded', liveMove ? live : quiesced],
          ]
        : ran(step),
    );
}

/** Drives the machine with every step succeeding until it completes or aborts; returns the steps run and the end. */
function drive(t: TransferRecord, abort: AbortRequest | null): { ran: StepName[]; end: Command } {
  const steps: StepName[] = [];
  let current = t;
  for (let i = 0; i < 20; i++) {
    const command = nextCommand(current, abort ? { abort } : {});
    if (command.type !== 'run') return { ran: steps, end: command };
    steps.push(command.step);
    const row: Row[] =
      command.step === 'move'
        ? [
            ['move', 'started'],
            ['move', 'succeeded', quiesced],
          ]
        : ran(command.step);
    current = transfer(current.kind, [...rowsOf(current), ...row]);
  }
  throw new Error('the machine did not end');
}

function rowsOf(t: TransferRecord): Row[] {
  return t.steps.map((s): Row => [s.name, s.status, s.status === 'failed' ? (s.error ?? '') : (s.output ?? undefined)]);
}

describe('transfer abort: what each phase allows', () => {
  it('a failover before its fence aborts at once: nothing runs, the target is not failed, the workload replans', () => {
    for (const rows of [[], ran('capture'), [...ran('capture'), ...failed('fence', 'no level confirmed')]]) {
      const t = transfer('failover', rows, rows.length > 2 ? { status: 'waiting' } : {});
      expect(whyNotAbortable(t)).toBeNull();
      expect(nextCommand(t, { abort: ana })).toEqual({
        type: 'abort',
        reason: 'aborted by operator:ana: wrong target',
        targetFailed: false,
        byOperator: true,
        replan: true,
      });
    }
  });

  it('a failover whose source is fenced refuses, saying why, and goes on to its target', () => {
    const t = transfer('failover', ran('capture', 'fence'));
    expect(whyNotAbortable(t)).toMatch(/source A is fenced: the workload can only go forward to B/);
    expect(abortCommand(t, ana)).toBeNull();
    expect(nextCommand(t, { abort: ana })).toEqual({ type: 'run', step: 'attach', attempt: 1 });
  });

  it('a cascade before the workload left its source rolls back, then aborts with the workload on its source', () => {
    const t = transfer('cascade', [...ran('prepare'), ['move', 'started'], ['move', 'succeeded', quiesced]]);
    expect(whyNotAbortable(t)).toBeNull();
    expect(nextCommand(t, { abort: ana })).toEqual({ type: 'run', step: 'rollback', attempt: 1 });
    const back = transfer('cascade', [...rowsOf(t), ...ran('rollback')]);
    expect(nextCommand(back, { abort: ana })).toMatchObject({
      type: 'abort',
      byOperator: true,
      targetFailed: false,
      replan: false,
    });
  });

  it('a cascade moved live, or restored on its target, refuses and completes', () => {
    const moved = transfer('cascade', [...ran('prepare'), ['move', 'started'], ['move', 'succeeded', live]]);
    expect(whyNotAbortable(moved)).toMatch(/moved live to B: it runs there now/);
    expect(nextCommand(moved, { abort: ana })).toEqual({ type: 'run', step: 'switch', attempt: 1 });
    const restored = transfer('cascade', firstSteps('cascade', 4, false));
    expect(whyNotAbortable(restored)).toMatch(/runs on B already/);
    const releasing = transfer('cascade', [...firstSteps('cascade', 5, false), ...failed('release')]);
    expect(whyNotAbortable(releasing)).not.toBeNull();
    expect(nextCommand(releasing, { abort: ana })).toMatchObject({ type: 'wait', step: 'release' });
  });

  it('a cascade whose source died is the failover path, abort or not', () => {
    const t = transfer('cascade', ran('prepare'));
    expect(nextCommand(t, { abort: ana, sourceFailed: true })).toEqual(nextCommand(t, { sourceFailed: true }));
  });

  it('a placement powers its target off (unwind), then aborts with the workload pending; a failed unwind waits', () => {
    const t = transfer('place', ran('attach', 'start', 'restore'));
    expect(nextCommand(t, { abort: ana })).toEqual({ type: 'run', step: 'unwind', attempt: 1 });
    expect(nextCommand(transfer('place', [...rowsOf(t), ...ran('unwind')]), { abort: ana })).toMatchObject({
      type: 'abort',
      byOperator: true,
      targetFailed: false,
      replan: true,
    });
    expect(nextCommand(transfer('place', [...rowsOf(t), ...failed('unwind')]), { abort: ana })).toMatchObject({
      type: 'wait',
      step: 'unwind',
    });
  });

  it('a transfer already undoing a failed step, or finished, refuses: it ends by itself', () => {
    const failing = transfer('cascade', [...ran('prepare'), ...failed('move')]);
    expect(whyNotAbortable(failing)).toMatch(/already unwinding/);
    expect(nextCommand(failing, { abort: ana })).toEqual(nextCommand(failing));
    expect(whyNotAbortable({ ...transfer('place', []), status: 'done' })).toMatch(/is done already/);
  });
});

describe('transfer abort: properties over every phase', () => {
  const phase = fc.record({
    kind: fc.constantFrom<TransferRecord['kind']>('failover', 'cascade', 'place'),
    at: fc.nat({ max: 6 }),
    liveMove: fc.boolean(),
    // The step that was running when the operator asked finishes before the machine reads the request.
    inFlight: fc.boolean(),
  });

  it('abortable: no forward step runs after the request, and it ends aborted by the operator', () => {
    fc.assert(
      fc.property(phase, ({ kind, at, liveMove, inFlight }) => {
        const n = Math.min(at, stepsOf(kind).length);
        const asked = transfer(kind, firstSteps(kind, n, liveMove));
        if (whyNotAbortable(asked) !== null) return;
        const seen = transfer(kind, firstSteps(kind, Math.min(n + (inFlight ? 1 : 0), stepsOf(kind).length), liveMove));
        const { ran: steps, end } = drive(seen, ana);
        if (whyNotAbortable(seen) === null) {
          // Only the unwinding step of the kind runs; nothing goes forward, and the target is never blamed.
          const undo = { failover: [], cascade: ['rollback'], place: ['unwind'] }[kind];
          expect(steps).toEqual(undo);
          expect(end).toMatchObject({ type: 'abort', byOperator: true, targetFailed: false });
          // A cascade's workload is back on its source; a failover's or placement's is pending.
          expect(end).toMatchObject({ replan: kind !== 'cascade' });
        } else {
          // Carried past the point of no return: it goes forward exactly as without the request.
          expect(drive(seen, ana)).toEqual(drive(seen, null));
        }
      }),
    );
  });

  it('past the point of no return the request changes nothing', () => {
    fc.assert(
      fc.property(phase, ({ kind, at, liveMove }) => {
        const t = transfer(kind, firstSteps(kind, Math.min(at, stepsOf(kind).length), liveMove));
        if (whyNotAbortable(t) === null) return;
        expect(abortCommand(t, ana)).toBeNull();
        expect(drive(t, ana)).toEqual(drive(t, null));
      }),
    );
  });
});
