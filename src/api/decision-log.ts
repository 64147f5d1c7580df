// Finds the audit event that records why a transfer was started ("Why this blade?"): the controller
// logs `transfer.created` with the planner's runners-up in the same commit as the transfer. A Store can read
// the log only forward by seq, so the search first finds, in O(log n) one-event reads, where the log reaches
// the transfer's creation time (events are appended in time order), then reads forward a few pages.
import type { AuditEvent, Store, TransferRecord } from '../ports/store.js';

/** Read from this long before the transfer's creation: commits of one instant may land slightly out of time order. */
const BEFORE_MS = 5_000;
/** Give up once the log has passed the creation time by this much. */
const AFTER_MS = 60_000;
const PAGE = 500;
/** A bound on the forward reads, so a question about one transfer never reads a whole busy log. */
const MAX_PAGES = 40;

export async function creationEvent(store: Store, head: number, t: TransferRecord): Promise<AuditEvent | null> {
  let cursor = await seqBefore(store, head, t.createdAt - BEFORE_MS);
  for (let page = 0; page < MAX_PAGES; page++) {
    const events = await store.events(cursor, PAGE);
    for (const e of events) {
      if (e.type === 'transfer.created' && e.subject === t.id) return e;
      if (e.at > t.createdAt + AFTER_MS) return null;
    }
    if (events.length < PAGE) return null;
    cursor = events.at(-1)!.seq;
  }
  return null;
}

/**
 * A seq such that every event up to it happened before `at` (0 when none did), as large as the search finds.
 * Binary search on x for "the first event after x happened before `at`", which holds for small x and not for
 * large ones because the log is in time order; `head` is the last seq known (nothing comes after it).
 */
async function seqBefore(store: Store, head: number, at: number): Promise<number> {
  const next = async (x: number): Promise<AuditEvent | null> => (await store.events(x, 1))[0] ?? null;
  const first = await next(0);
  if (!first || first.at >= at) return 0;
  let low = 0; // the event after `low` happened before `at`
  let high = Math.max(head, first.seq); // the event after `high`, if any, did not
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    const e = await next(mid);
    if (e !== null && e.at < at) low = mid;
    else high = mid;
  }
  return (await next(low))?.seq ?? low;
}
