// The search for a transfer's recorded decision: found in a long log with gaps in seq, with few reads.
import { describe, expect, it } from 'vitest';
import type { AuditEvent, Store, TransferRecord } from '../ports/store.js';
import { creationEvent } from './decision-log.js';

/** A log of `n` events, one every 10 ms, with every seventh seq missing (PostgreSQL sequences leave gaps). */
function log(n: number, extra: AuditEvent[] = []): { store: Store; reads: () => number; head: number } {
  const events: AuditEvent[] = [];
  let seq = 0;
  for (let i = 0; i < n; i++) {
    seq += i % 7 === 0 ? 2 : 1;
    events.push({
      seq,
      at: 1_000_000 + i * 10,
      actor: 'controller',
      type: 'workload.checkpointed',
      subject: `W${i % 50}`,
      data: {},
    });
  }
  for (const e of extra) {
    const at = events.findIndex((x) => x.seq > e.seq);
    events.splice(at < 0 ? events.length : at, events[at]?.seq === e.seq ? 1 : 0, e);
  }
  let reads = 0;
  const store = {
    async events(after: number, limit: number) {
      reads++;
      return events.filter((e) => e.seq > after).slice(0, limit);
    },
  } as unknown as Store;
  return { store, reads: () => reads, head: events.at(-1)?.seq ?? 0 };
}

const transfer = (id: string, createdAt: number): TransferRecord => ({
  id,
  kind: 'failover',
  workload: 'W1',
  from: 'A',
  to: 'B',
  before: null,
  after: { deficit: 0, surplus: 0, cost: 0, feasible: true, mismatches: [] },
  status: 'done',
  reason: null,
  drain: false,
  steps: [],
  createdAt,
  updatedAt: createdAt,
});

describe('creationEvent', () => {
  it('finds the transfer.created event of a transfer in a log of 100,000 events with a few dozen reads', async () => {
    // Event 80,000 of the log (seq 91,430) happened at 1,800,000: replace it with the decision.
    const decided: AuditEvent = {
      seq: 91_430,
      at: 1_800_000,
      actor: 'controller',
      type: 'transfer.created',
      subject: 'failover-1',
      data: { runnersUp: [] },
    };
    const { store, reads, head } = log(100_000, [decided]);
    expect(await creationEvent(store, head, transfer('failover-1', 1_800_000))).toEqual(decided);
    expect(reads()).toBeLessThan(40);
  });

  it('answers null for a transfer whose decision the log no longer holds, without reading the whole log', async () => {
    const { store, reads, head } = log(100_000);
    expect(await creationEvent(store, head, transfer('failover-2', 1_500_000))).toBeNull();
    expect(reads()).toBeLessThan(60);
    expect(await creationEvent(log(0).store, 0, transfer('failover-3', 5))).toBeNull();
  });
});
