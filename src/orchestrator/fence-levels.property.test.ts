// Properties of the fence step over the transfer machine: whatever each fencing level does on each try (confirms,
// says "done" and does nothing, refuses, hangs), the target is never started before some level really cut the
// source off, and a fence that succeeds names a level that did. Over the machine alone: whatever interleaving of fence
// outcomes the record holds (levels failing, the controller dying mid-step, an operator's confirmation), it never
// commands a step that touches the target before a fence step succeeded with a level's proof.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../ports/clock.js';
import type { FenceDevice, FenceReading } from '../ports/fencing.js';
import type { StepRecord, TransferRecord } from '../ports/store.js';
import { withDeadline, type RetryTiming } from './deadline.js';
import { fenceThroughLevels, type BladeFenceLevel } from './fence-levels.js';
import { parseStepOutput } from './step-output.js';
import { transfer } from './testing/transfer-records.js';
import { nextCommand } from './transfer-machine.js';

type Behaviour = 'confirm' | 'lie' | 'refuse' | 'hang' | 'slow-confirm';
const behaviour = fc.constantFrom<Behaviour>('confirm', 'lie', 'refuse', 'hang', 'slow-confirm');

/** Time passes only when someone sleeps: a hung call meets its deadline at once, with no real waiting. */
function instantClock(): Clock {
  let now = 0;
  return {
    now: () => now,
    sleep: (ms) => {
      now += Math.max(0, ms);
      return Promise.resolve();
    },
  };
}

/** The truth the devices act on: whether the source is really cut off. */
interface World {
  cut: boolean;
}

/** A device whose n-th fence request behaves as `script[n]` (the last one repeating). Its read tells the truth. */
function scripted(name: string, script: readonly Behaviour[], world: World): FenceDevice {
  let tries = 0;
  let pendingReads = 0;
  const current = (): Behaviour => script[Math.min(tries, script.length - 1)]!;
  return {
    level: 'pdu',
    name,
    read: (): Promise<FenceReading> => {
      if (current() === 'hang') return new Promise(() => {});
      if (pendingReads > 0 && --pendingReads === 0) world.cut = true;
      return Promise.resolve({ fenced: world.cut, shows: world.cut ? 'Off' : 'On' });
    },
    fence: (): Promise<string> => {
      const b = current();
      tries += 1;
      if (b === 'hang') return new Promise(() => {});
      if (b === 'refuse') return Promise.reject(new Error(`${name}: refused`));
      if (b === 'confirm') world.cut = true;
      // Takes effect a few reads later, as a BMC's power change does.
      if (b === 'slow-confirm') pendingReads = 3;
      return Promise.resolve('accepted');
    },
  };
}

const timing: RetryTiming = { callMs: 20, stepMs: 100, backoffMs: 5, maxBackoffMs: 10, pollMs: 5 };

/** Drives a failover's record through the machine, the fence step for real over the devices, the others succeeding. */
async function drive(
  levels: readonly BladeFenceLevel[],
  world: World,
): Promise<{ violations: string[]; record: TransferRecord }> {
  const clock = instantClock();
  let record = transfer('failover', []);
  const violations: string[] = [];
  const write = (step: StepRecord): void => {
    record = { ...record, steps: [...record.steps, step] };
  };
  for (let i = 0; i < 60; i++) {
    const command = nextCommand(record);
    if (command.type === 'complete' || command.type === 'none' || command.type === 'abort') break;
    // A waiting fence is retried later, as the transfer reconciler does.
    const step = command.step;
    const started: StepRecord = {
      name: step,
      status: 'started',
      attempt: command.attempt,
      startedAt: clock.now(),
      endedAt: null,
      error: null,
      output: null,
    };
    write(started);
    if ((step === 'attach' || step === 'start' || step === 'restore') && !world.cut)
      violations.push(`${step} ran while the source was not cut off`);
    if (step !== 'fence') {
      write({ ...started, status: 'succeeded', endedAt: clock.now() });
      continue;
    }
    try {
      const call = <T>(p: Promise<T>, what: string): Promise<T> => withDeadline(clock, p, timing.callMs, what);
      const proof = await fenceThroughLevels('A', levels, { clock, timing, call });
      if (!world.cut) violations.push(`fence confirmed by ${proof.level} while the source was not cut off`);
      write({ ...started, status: 'succeeded', endedAt: clock.now(), output: JSON.stringify({ fence: proof }) });
    } catch (error) {
      write({ ...started, status: 'failed', endedAt: clock.now(), error: (error as Error).message });
    }
  }
  return { violations, record };
}

describe('fencing levels over the transfer machine (property)', () => {
  it('never starts the target before a level really cut the source off, whatever the levels do', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(behaviour, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }),
        async (scripts) => {
          const world: World = { cut: false };
          const levels = scripts.map((script, i) => ({ device: scripted(`level-${i}`, script, world), address: 'A' }));
          const { violations, record } = await drive(levels, world);
          expect(violations).toEqual([]);
          const fence = record.steps.find((s) => s.name === 'fence' && s.status === 'succeeded');
          const started = record.steps.some((s) => s.name === 'start');
          expect(started, 'the target starts only after a confirmed fence').toBe(started && fence !== undefined);
          if (fence) {
            const proof = parseStepOutput(fence.output).fence!;
            const confirming = proof.attempts?.filter((a) => a.confirmed) ?? [];
            // Exactly one confirmation, the last attempt: later levels are not tried once one confirmed.
            expect(confirming.map((a) => a.device)).toEqual([proof.device]);
            expect(proof.attempts?.at(-1)?.device).toBe(proof.device);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a script in which some level eventually confirms ends with the failover complete', async () => {
    const world: World = { cut: false };
    const levels = [
      { device: scripted('bmc', ['hang'], world), address: 'A' },
      { device: scripted('pdu', ['lie', 'refuse', 'confirm'], world), address: 'A' },
    ];
    const { violations, record } = await drive(levels, world);
    expect(violations).toEqual([]);
    expect(nextCommand(record).type).toBe('complete');
  });

  it('the machine never commands attach, start or restore before a fence succeeded, whatever the interleaving', () => {
    type Outcome = 'failed' | 'crashed' | 'bmc' | 'enclosure' | 'pdu' | 'storage' | 'operator';
    const outcome = fc.constantFrom<Outcome>('failed', 'crashed', 'bmc', 'enclosure', 'pdu', 'storage', 'operator');
    fc.assert(
      fc.property(fc.array(outcome, { maxLength: 12 }), fc.boolean(), (outcomes, captureCrash) => {
        let record = transfer('failover', []);
        let next = 0;
        for (let i = 0; i < 40; i++) {
          const command = nextCommand(record, { sourceFailed: true });
          // A waiting fence is retried later, as the transfer reconciler does.
          if (command.type !== 'run' && command.type !== 'wait') break;
          const fenced = record.steps.some((s) => s.name === 'fence' && s.status === 'succeeded');
          if (command.step === 'attach' || command.step === 'start' || command.step === 'restore')
            expect(fenced, `${command.step} after ${JSON.stringify(outcomes)}`).toBe(true);
          const base: StepRecord = {
            name: command.step,
            status: 'started',
            attempt: command.attempt,
            startedAt: i,
            endedAt: null,
            error: null,
            output: null,
          };
          let status: StepRecord['status'] = 'succeeded';
          let output: string | null = null;
          if (command.step === 'fence') {
            // Outcomes run out: the fence keeps failing, and the transfer waits for ever.
            const o = outcomes[next++] ?? 'failed';
            if (o === 'crashed') {
              record = { ...record, steps: [...record.steps, base] };
              continue;
            }
            status = o === 'failed' ? 'failed' : 'succeeded';
            if (o !== 'failed') {
              const fence = { level: o, device: o, address: 'A', answer: 'done', reading: 'off', at: i };
              output = JSON.stringify({ fence });
            }
          } else if (command.step === 'capture' && captureCrash && i === 0) {
            record = { ...record, steps: [...record.steps, base] };
            continue;
          }
          const ended = {
            ...base,
            status,
            endedAt: i,
            error: status === 'failed' ? 'no level confirmed' : null,
            output,
          };
          record = { ...record, steps: [...record.steps, base, ended] };
        }
        const confirmed = outcomes.some((o) => o !== 'failed' && o !== 'crashed');
        const reachedStart = record.steps.some((s) => s.name === 'start');
        // The target starts exactly when some outcome confirmed, and any fence proof names a level.
        expect(reachedStart).toBe(confirmed);
        for (const s of record.steps.filter((x) => x.name === 'fence' && x.status === 'succeeded'))
          expect(parseStepOutput(s.output).fence?.level).toBeTruthy();
      }),
      { numRuns: 500 },
    );
  });
});
