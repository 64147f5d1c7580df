// Bounded fan-out for sweeps over every blade or workload: at most `width` calls at once, their starts spread over
// a period, one timer at a time; a call that throws is counted and the sweep goes on.
import type { Clock } from '../ports/clock.js';

export interface FanOut {
  /** At most this many calls in flight. */
  readonly width: number;
  /** The starts are spread evenly over this long (ms); 0: as fast as `width` allows. */
  readonly spreadMs: number;
  /** Stops starting calls once it returns false (the controller stopped); calls in flight finish. */
  readonly going?: () => boolean;
}

export interface FanOutResult {
  readonly done: number;
  readonly failed: number;
  /** The first few failures, for one log line per sweep instead of one per call. */
  readonly errors: readonly string[];
}

const KEEP_ERRORS = 3;

/** Runs `work` on every item, as FanOut says; resolves when every started call has settled. */
export async function fanOut<T>(
  clock: Clock,
  items: readonly T[],
  o: FanOut,
  work: (item: T) => Promise<unknown>,
): Promise<FanOutResult> {
  const width = Math.max(1, Math.floor(o.width));
  const start = clock.now();
  const gapMs = items.length > 0 && o.spreadMs > 0 ? o.spreadMs / items.length : 0;
  const going = o.going ?? (() => true);
  let next = 0;
  let done = 0;
  let failed = 0;
  const errors: string[] = [];
  const worker = async (): Promise<void> => {
    while (next < items.length && going()) {
      const index = next++;
      // Item i starts no earlier than its share of the period: a sweep never fires its whole list at once.
      const wait = start + index * gapMs - clock.now();
      if (wait >= 1) await clock.sleep(Math.floor(wait));
      if (!going()) return;
      try {
        await work(items[index]!);
        done++;
      } catch (error) {
        failed++;
        if (errors.length < KEEP_ERRORS) errors.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, Math.max(1, items.length)) }, worker));
  return { done, failed, errors };
}

/**
 * The wait before retry `n` (1-based): exponential from `baseMs`, capped at `maxMs`, then drawn between half and
 * all of it, so keys that failed together (a sweep that timed out) do not come back together.
 */
export function jitteredBackoff(n: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(30, Math.max(0, n - 1)));
  return Math.round(ceiling / 2 + (ceiling / 2) * Math.min(1, Math.max(0, random())));
}
