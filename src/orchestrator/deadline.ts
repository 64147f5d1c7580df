// Deadlines and retries for driver calls: a hung BMC or hypervisor must not hang a transfer.
import type { Clock } from '../ports/clock.js';

export class DeadlineError extends Error {}

/**
 * Rejects with DeadlineError when `promise` has not settled within `ms` of the clock. A deadline that comes more than
 * half its length late says the process itself was not running (a long GC pause, a starved CPU), and the answer may
 * already wait in the event loop behind the timer: the peer gets `ms` once more, counted from when the process ran
 * again, so that the controller's own lateness never reads as a BMC's or a hypervisor's silence.
 */
export function withDeadline<T>(clock: Clock, promise: Promise<T>, ms: number, what: string): Promise<T> {
  let settled = false;
  return new Promise<T>((resolve, reject) => {
    promise.then(
      (value) => {
        settled = true;
        resolve(value);
      },
      (error: unknown) => {
        settled = true;
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
    const wait = (again: boolean): void => {
      const due = clock.now() + ms;
      void clock.sleep(ms).then(() => {
        if (settled) return;
        if (!again && clock.now() - due > ms / 2) wait(true);
        else reject(new DeadlineError(`${what}: no answer within ${ms} ms`));
      });
    };
    wait(false);
  });
}

export interface RetryTiming {
  /** Deadline of one driver call. */
  readonly callMs: number;
  /** Deadline of a whole step, across its attempts. */
  readonly stepMs: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
  /** How often a power state is read while waiting for it to change. */
  readonly pollMs: number;
  /**
   * How long a target may take to power on (a power-on refused, or one that stays off) before it is given up and the
   * next-best blade tried; absent: the step deadline alone.
   */
  readonly powerOnMs?: number;
}

export const LIVE_TIMING: RetryTiming = {
  callMs: 10_000,
  stepMs: 120_000,
  backoffMs: 500,
  maxBackoffMs: 10_000,
  pollMs: 1_000,
  powerOnMs: 30_000,
};

/**
 * The timing of one step: a step that powers its target on (start, prepare) ends within powerOnMs, its calls and its
 * retries included, so a blade that will not come on costs seconds, not the whole step deadline.
 */
export function stepTiming(step: string, timing: RetryTiming): RetryTiming {
  const bound = timing.powerOnMs;
  if ((step !== 'start' && step !== 'prepare') || bound === undefined) return timing;
  return { ...timing, stepMs: Math.min(timing.stepMs, bound), callMs: Math.min(timing.callMs, bound) };
}

/**
 * Runs `attempt` until it succeeds or the step deadline passes, backing off exponentially between
 * tries. `onRetry` sees every failure that will be retried, for the audit log.
 */
export async function retry<T>(
  clock: Clock,
  timing: RetryTiming,
  attempt: () => Promise<T>,
  onRetry: (error: Error, tries: number) => Promise<void> | void,
  /** Errors no retry can cure (an unknown workload): thrown at once. */
  permanent: (error: Error) => boolean = () => false,
): Promise<T> {
  const deadline = clock.now() + timing.stepMs;
  let backoff = timing.backoffMs;
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (raw) {
      const error = raw instanceof Error ? raw : new Error(String(raw));
      if (permanent(error) || clock.now() + backoff >= deadline) throw error;
      await onRetry(error, tries);
      await clock.sleep(backoff);
      backoff = Math.min(timing.maxBackoffMs, backoff * 2);
    }
  }
}
