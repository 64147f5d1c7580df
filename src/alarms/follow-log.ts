// Reads the audit log from a seq onwards, page by page, waking on the log tail instead of polling fast.
import type { AuditEvent, Store } from '../ports/store.js';

export interface LogWaiter {
  wait(after: number, timeoutMs: number): Promise<boolean>;
}

/**
 * Calls `handle` with each page after `from` until `stopped()`; a failing read or handler is retried after
 * a second (the store is closing or briefly away), from the page that failed.
 */
export async function followLog(
  store: Store,
  tail: LogWaiter,
  from: number,
  handle: (page: readonly AuditEvent[]) => Promise<void>,
  stopped: () => boolean,
): Promise<void> {
  let cursor = from;
  while (!stopped()) {
    try {
      const page = await store.events(cursor, 500);
      if (page.length === 0) {
        await tail.wait(cursor, 1_000);
        continue;
      }
      await handle(page);
      cursor = page.at(-1)!.seq;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 1_000).unref());
    }
  }
}
