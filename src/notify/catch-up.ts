// What a notifier owes at start: the latest event of every alarm still open, for each destination the log shows
// no delivery of it to since the alarm was raised (a restart must not forget an open alarm nor send it twice).
import { alarmIdOf } from '../alarms/projection.js';
import type { AlarmRecord, AuditEvent, Store } from '../ports/store.js';

/** Clocks of several controllers differ a little: the log is read from this long before the oldest raise. */
const SKEW_MS = 60_000;

export interface Owed {
  readonly destination: string;
  readonly event: AuditEvent;
}

export interface CatchUp {
  /** Where following starts: the head given, or the newest event an alarm record reflects when later. */
  readonly head: number;
  /** The alarms open at `head`: the fold of what is news starts from them. */
  readonly open: readonly string[];
  readonly owed: readonly Owed[];
}

/**
 * `wants(destination, type)`: whether a destination hears an event type. Reads the log once, from shortly before
 * the oldest open alarm was raised.
 */
export async function catchUp(
  store: Store,
  head: number,
  destinations: readonly string[],
  wants: (destination: string, type: string) => boolean,
): Promise<CatchUp> {
  // Records read after `head` may reflect later events: following starts after them, so a record and the
  // events after the new head never disagree (one more open alarm is owed rather than one more event heard).
  head = Math.max(head, ...(await store.alarms()).map((a) => a.seq));
  const alarms = await store.alarms({ open: true });
  if (alarms.length === 0) return { head, open: [], owed: [] };
  const latest = new Map<string, AuditEvent>();
  for (const a of alarms) {
    const [event] = await store.events(a.seq - 1, 1);
    if (event?.seq === a.seq) latest.set(a.id, event);
  }
  const byId = new Map<string, AlarmRecord>(alarms.map((a) => [a.id, a]));
  const told = new Set<string>();
  const lastClear = new Map<string, number>();
  const from = await cursorBefore(store, Math.min(...alarms.map((a) => a.raisedAt)) - SKEW_MS, alarms);
  // To the end of the log, not only `head`: a delivery may land after the head this process saw.
  for (let cursor = from; ; ) {
    const page = await store.events(cursor, 500);
    if (page.length === 0) break;
    for (const e of page) {
      // A clear in the log ends an episode: what was delivered before it does not tell of the one open now. One
      // after `head` is not in the records read: the follower hears it.
      const cleared = e.type === 'alarm.cleared' && e.seq <= head ? alarmIdOf(e) : null;
      if (cleared !== null && byId.has(cleared)) {
        lastClear.set(cleared, e.seq);
        for (const d of destinations) told.delete(`${d}\n${cleared}`);
      }
      const alarm = byId.get(String(e.data['alarm']));
      if (e.type !== 'notification.delivered' || !alarm || e.data['type'] === 'alarm.cleared') continue;
      if (Number(e.data['seq']) > (lastClear.get(alarm.id) ?? 0)) told.add(`${e.subject}\n${alarm.id}`);
    }
    cursor = page.at(-1)!.seq;
  }
  const owed: Owed[] = [];
  for (const [id, event] of latest)
    for (const destination of destinations)
      if (wants(destination, event.type) && !told.has(`${destination}\n${id}`)) owed.push({ destination, event });
  return { head, open: alarms.map((a) => a.id), owed: owed.sort((a, b) => a.event.seq - b.event.seq) };
}

/** The largest seq after which every event is at `at` or later (the log is in time order, near enough). */
async function cursorBefore(store: Store, at: number, alarms: readonly AlarmRecord[]): Promise<number> {
  const firstAfter = async (seq: number): Promise<number> => (await store.events(seq, 1))[0]?.at ?? Infinity;
  let lo = 0;
  let hi = Math.min(...alarms.map((a) => a.seq)) - 1;
  if (hi <= 0 || (await firstAfter(0)) >= at) return 0;
  if ((await firstAfter(hi)) < at) return hi;
  // firstAfter(lo) < at <= firstAfter(hi)
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if ((await firstAfter(mid)) < at) lo = mid;
    else hi = mid;
  }
  return lo;
}
