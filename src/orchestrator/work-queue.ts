// A level-triggered work queue (the Kubernetes controller pattern): a set of ids, not of events.
// An id queued twice runs once; an id is never processed twice at the same time; an id queued
// while it runs runs again after; a failure requeues it with jittered backoff; a sync may ask to run again after a delay.
import type { Clock } from '../ports/clock.js';
import { jitteredBackoff } from './fan-out.js';

export class WorkQueue {
  private readonly queued = new Set<string>();
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private readonly failures = new Map<string, number>();
  /** Key -> the earliest time a delayed add is due: one timer that counts per key, as client-go's delaying queue. */
  private readonly due = new Map<string, number>();
  private waiters: (() => void)[] = [];
  private stopped = false;

  constructor(
    /** Returns how long until the key should be looked at again (ms), or null for only when something changes. */
    private readonly sync: (key: string) => Promise<number | null | undefined>,
    private readonly clock: Clock,
    private readonly onError: (key: string, error: Error, retryInMs: number) => void,
    private readonly backoff = { baseMs: 200, maxMs: 30_000 },
    /** Jitter of the backoff, so keys that failed together do not come back together. */
    private readonly random: () => number = Math.random,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    if (this.running.has(key)) {
      this.again.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    queueMicrotask(() => this.pump());
  }

  /** Adds the key after `ms`; of several delays asked for one key, the earliest wins. */
  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = this.clock.now() + ms;
    const current = this.due.get(key);
    if (current !== undefined && current <= at) return;
    this.due.set(key, at);
    void this.clock.sleep(ms).then(() => {
      if (this.due.get(key) !== at) return; // an earlier delay took its place, or it already fired
      this.due.delete(key);
      this.add(key);
    });
  }

  /** Resolves when nothing is queued or running (for tests and orderly shutdown). */
  idle(): Promise<void> {
    if (this.queued.size === 0 && this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    this.queued.clear();
    this.again.clear();
    this.due.clear();
  }

  get size(): number {
    return this.queued.size + this.running.size;
  }

  private pump(): void {
    for (const key of [...this.queued]) {
      if (this.running.has(key)) continue;
      this.queued.delete(key);
      this.running.add(key);
      void this.process(key);
    }
  }

  private async process(key: string): Promise<void> {
    try {
      const after = await this.sync(key);
      this.failures.delete(key);
      if (typeof after === 'number' && after > 0 && Number.isFinite(after)) this.addAfter(key, after);
    } catch (raw) {
      const error = raw instanceof Error ? raw : new Error(String(raw));
      const n = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, n);
      const wait = jitteredBackoff(n, this.backoff.baseMs, this.backoff.maxMs, this.random);
      this.onError(key, error, wait);
      if (!this.stopped) void this.clock.sleep(wait).then(() => this.add(key));
    } finally {
      this.running.delete(key);
      if (this.again.delete(key)) this.add(key);
      if (this.queued.size === 0 && this.running.size === 0) {
        const waiters = this.waiters;
        this.waiters = [];
        for (const w of waiters) w();
      }
    }
  }
}
