// A clock that moves only when a test says so: sleepers wake in time order as it is advanced past their deadline.
import type { Clock } from '../../ports/clock.js';

interface Sleeper {
  readonly due: number;
  readonly order: number;
  readonly wake: () => void;
}

export class ManualClock implements Clock {
  #now: number;
  #sleepers: Sleeper[] = [];
  #order = 0;

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  /** Resolves once the clock has been advanced `ms` past now; at once for ms <= 0. */
  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#sleepers.push({ due: this.#now + ms, order: this.#order++, wake: resolve });
    });
  }

  /** Moves time forward and wakes every sleeper now due, earliest first. Their continuations run after this returns. */
  advance(ms: number): void {
    if (ms < 0) throw new Error(`ManualClock cannot go back (${ms} ms)`);
    this.advanceTo(this.#now + ms);
  }

  advanceTo(time: number): void {
    if (time < this.#now) throw new Error(`ManualClock cannot go back from ${this.#now} to ${time}`);
    this.#now = time;
    const due = this.#sleepers.filter((s) => s.due <= time).sort((a, b) => a.due - b.due || a.order - b.order);
    this.#sleepers = this.#sleepers.filter((s) => s.due > time);
    for (const sleeper of due) sleeper.wake();
  }

  /** How many sleeps are waiting: lets a test see that code under test is blocked on time. */
  pending(): number {
    return this.#sleepers.length;
  }

  /**
   * Advances `ms` in steps of `stepMs`, letting promise chains and I/O callbacks run between steps, so code
   * that sleeps, wakes, and sleeps again makes progress as it would in real time.
   */
  async run(ms: number, stepMs = 1): Promise<void> {
    if (stepMs <= 0) throw new Error(`ManualClock.run needs a positive step, got ${stepMs}`);
    const end = this.#now + ms;
    await settle();
    while (this.#now < end) {
      this.advanceTo(Math.min(end, this.#now + stepMs));
      await settle();
    }
  }
}

/** One turn of the event loop: every pending microtask runs before a setImmediate callback. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
