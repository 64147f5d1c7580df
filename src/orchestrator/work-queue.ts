// A level-triggered work queue (the Kubernetes controller pattern): a set of ids, not of events.
// An id queued twice runs once; an id is never processed twice at the same time; an id queued
// while it runs runs again after; a failure requeues it with backoff.
import type { Clock } from '../ports/clock.js';

export class WorkQueue {
  private readonly queued = new Set<string>();
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private readonly failures = new Map<string, number>();
  private waiters: (() => void)[] = [];
  private stopped = false;

  constructor(
    private readonly sync: (key: string) => Promise<void>,
    private readonly clock: Clock,
    private readonly onError: (key: string, error: Error, retryInMs: number) => void,
    private readonly backoff = { baseMs: 200, maxMs: 30_000 },
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

  /** Resolves when nothing is queued or running (for tests and orderly shutdown). */
  idle(): Promise<void> {
    if (this.queued.size === 0 && this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    this.queued.clear();
    this.again.clear();
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
      await this.sync(key);
      this.failures.delete(key);
    } catch (raw) {
      const error = raw instanceof Error ? raw : new Error(String(raw));
      const n = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, n);
      const wait = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** (n - 1));
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
