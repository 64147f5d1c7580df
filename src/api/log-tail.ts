// Follows the head of the audit log so live readers (the event stream, metrics) wake when it moves
// instead of each polling the store. Commit notices wake them at once; a slow poll catches commits
// made by another process (the CLI, a second controller) that this process cannot hear.
import type { CommitFeed } from '../ports/commit-feed.js';
import type { AuditEvent, Store } from '../ports/store.js';

/** Events read per poll for listeners; a longer gap is reported as `overflow` (some events were not read). */
const LISTENED_BATCH = 1_000;

/** Hears each event this process commits, and those other processes committed, read by the poll (now and then twice). */
export type EventListener = (events: readonly AuditEvent[], overflow: boolean) => void;

export class LogTail {
  private latest = 0;
  private readonly waiters = new Set<() => void>();
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private polling = false;
  /** A poll was asked for while one ran: it runs again, since the one under way may have read too early. */
  private again = false;
  private readonly listeners = new Set<EventListener>();

  /** Poll every `pollMs` as a fallback: 200 ms without a feed, 1 s with one. */
  constructor(
    private readonly store: Store,
    private readonly feed?: CommitFeed,
    private readonly pollMs = feed ? 1_000 : 200,
  ) {}

  async start(): Promise<void> {
    this.latest = await lastSeq(this.store);
    this.unsubscribe =
      this.feed?.onCommit((events) => {
        const first = events[0];
        if (!first) return;
        // Another process's events between the head and this commit's (the CLI's, a second controller's) would be
        // jumped over and never told: a notice moves the head only when it follows on from it, else the poll reads
        // the gap and this commit's events with it.
        if (first.seq > this.latest + 1) {
          void this.poll();
          return;
        }
        const fresh = events.filter((e) => e.seq > this.latest);
        this.advance(events.at(-1)!.seq);
        this.tell(fresh, false);
      }) ?? null;
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  /** Events as the head moves past them: at once for this process's commits, within a poll for the others'. */
  onEvents(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The highest seq seen so far. */
  head(): number {
    return this.latest;
  }

  /** Resolves once the log may hold an event after `after`, or after `timeoutMs` (false then). */
  wait(after: number, timeoutMs: number): Promise<boolean> {
    if (this.latest > after) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (moved: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(moved);
      };
      const wake = (): void => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.add(wake);
    });
  }

  private tell(events: readonly AuditEvent[], overflow: boolean): void {
    if (events.length === 0 && !overflow) return;
    for (const listener of this.listeners) listener(events, overflow);
  }

  private advance(seq: number): void {
    if (seq <= this.latest) return;
    this.latest = seq;
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiting) wake();
  }

  private async poll(): Promise<void> {
    if (this.polling) {
      this.again = true;
      return;
    }
    this.polling = true;
    try {
      // One indexed read (a batch when someone listens): is there anything after the head we know?
      const before = this.latest;
      const listened = this.listeners.size > 0;
      const batch = await this.store.events(before, listened ? LISTENED_BATCH : 1);
      const last = batch.at(-1);
      if (!last) return;
      // A batch that was not full is the log up to its last event: the head moves there, so an event committed
      // since is read by the next poll rather than jumped over untold.
      const full = batch.length === (listened ? LISTENED_BATCH : 1);
      this.advance(full ? await lastSeq(this.store, last.seq) : last.seq);
      if (listened) this.tell(batch, full && last.seq < this.latest);
    } catch {
      /* the store is briefly unavailable: the next poll tries again */
    } finally {
      this.polling = false;
      if (this.again) {
        this.again = false;
        void this.poll();
      }
    }
  }
}

/**
 * The highest seq in the log, found with O(log n) reads of one event each (exponential, then binary
 * search), since a Store has no "max seq" query and seq may have gaps (PostgreSQL sequences).
 * `known` is a seq known to exist.
 */
export async function lastSeq(store: Store, known = 0): Promise<number> {
  const after = async (seq: number): Promise<number | null> => (await store.events(seq, 1))[0]?.seq ?? null;
  let low = known; // an existing seq (or 0)
  const first = await after(low);
  if (first === null) return low;
  low = first;
  let step = 1;
  let high = low + step;
  // Grow until nothing lies after `high`.
  for (;;) {
    const next = await after(high);
    if (next === null) break;
    low = next;
    step *= 2;
    high = low + step;
  }
  // Invariant: `low` exists; nothing after `high`. Narrow down.
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    const next = await after(mid);
    if (next === null) high = mid;
    else low = next;
  }
  // Nothing after `high` and `low` exists with low <= high: the last is low, or high itself.
  const atHigh = await after(low);
  return atHigh ?? low;
}
