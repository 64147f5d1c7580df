// Shrinks a failing schedule to a few actions: drops chunks of actions (halves, then quarters, ... then one at a time)
// while the run still fails. Runs are not deterministic (real time, real processes), so a chunk counts as needed only
// if the smaller schedule passed every try.
import type { Schedule } from './schedule.js';

export interface ShrinkOptions {
  /** Runs of the shrunk schedule per candidate before calling it passing. */
  readonly tries?: number;
  /** At most this many runs in all. */
  readonly budget?: number;
}

export async function shrinkSchedule(
  schedule: Schedule,
  fails: (s: Schedule) => Promise<boolean>,
  options: ShrinkOptions = {},
): Promise<{ schedule: Schedule; runs: number }> {
  const tries = options.tries ?? 2;
  const budget = options.budget ?? 40;
  let runs = 0;
  let current = schedule;
  const stillFails = async (candidate: Schedule): Promise<boolean> => {
    for (let t = 0; t < tries && runs < budget; t++) {
      runs++;
      if (await fails(candidate)) return true;
    }
    return false;
  };
  let chunk = Math.max(1, Math.ceil(current.actions.length / 2));
  while (runs < budget && current.actions.length > 0) {
    let removed = false;
    for (let start = 0; start < current.actions.length && runs < budget; ) {
      const candidate = {
        ...current,
        actions: [...current.actions.slice(0, start), ...current.actions.slice(start + chunk)],
      };
      if (await stillFails(candidate)) {
        current = candidate;
        removed = true;
      } else {
        start += chunk;
      }
    }
    if (chunk === 1 && !removed) break;
    if (!removed) chunk = Math.max(1, Math.floor(chunk / 2));
  }
  return { schedule: current, runs };
}
