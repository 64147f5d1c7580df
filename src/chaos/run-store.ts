// What a chaos run leaves in its store, read once the controller stopped: the records the invariants check, and
// every decision replayed from its stored round.
import { replayEvent } from '../orchestrator/round-record.js';
import { DEFAULT_POLICY } from '../core/model.js';
import type { AuditEvent } from '../ports/store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { StoreRecords } from './invariants.js';

export interface ReplayCounts {
  readonly identical: number;
  readonly different: number;
  /** Decisions without a stored round (none are expected: every round that acts stores its snapshot). */
  readonly unavailable: number;
}

export async function readStore(db: string): Promise<{ store: StoreRecords; replays: ReplayCounts }> {
  const store = SqliteStore.open(db);
  try {
    const events: AuditEvent[] = [];
    for (;;) {
      const page = await store.events(events.at(-1)?.seq ?? 0, 1_000);
      events.push(...page);
      if (page.length < 1_000) break;
    }
    const records = {
      blades: await store.blades(),
      workloads: await store.workloads(),
      transfers: await store.transfers(),
      events,
      policy: (await store.policy()) ?? DEFAULT_POLICY,
    };
    return { store: records, replays: await replayAll(store, events) };
  } finally {
    await store.close();
  }
}

/** A round is a pure function of its snapshot: replayed, each decision must come out as it was recorded. */
async function replayAll(store: SqliteStore, events: readonly AuditEvent[]): Promise<ReplayCounts> {
  let identical = 0;
  let different = 0;
  let unavailable = 0;
  for (const e of events) {
    if (e.type !== 'transfer.created' && e.type !== 'cascade.proposed') continue;
    const r = await replayEvent(store, e);
    if (!r.available) unavailable++;
    else if (r.identical) identical++;
    else different++;
  }
  return { identical, different, unavailable };
}
