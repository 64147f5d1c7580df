// Store contract, part two: the event log (seq, paging) and the batch itself (atomic, concurrent).
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../core/model.js';
import type { AuditEvent, Batch } from '../ports/store.js';
import type { ContractContext } from './store-contract.js';
import { blade, checkpoint, event, invalidTransfer, transfer, workload } from './store-contract-records.js';

export function logContract(context: ContractContext): void {
  describe('events', () => {
    it('come back from commit with increasing seq, in batch order, and read back the same', async () => {
      const store = context.store();
      const first = await store.commit({ events: [event(1), event(2), event(3, '刀片-Ω')] });
      const second = await store.commit({ events: [event(4)] });
      expect(first.map(withoutSeq)).toStrictEqual([event(1), event(2), event(3, '刀片-Ω')]);
      expectIncreasing([...first, ...second].map((e) => e.seq));
      expect(await store.events(0, 100)).toStrictEqual([...first, ...second]);
    });

    it('page by seq: after is exclusive, limit is a maximum', async () => {
      const store = context.store();
      const written: AuditEvent[] = [];
      for (const size of [10, 7, 8]) {
        const numbers = Array.from({ length: size }, (_, i) => written.length + i);
        written.push(...(await store.commit({ events: numbers.map((n) => event(n)) })));
      }
      const pages: AuditEvent[][] = [];
      let after = 0;
      for (;;) {
        const page = await store.events(after, 10);
        if (page.length === 0) break;
        pages.push(page);
        after = page.at(-1)?.seq ?? after;
      }
      expect(pages.map((page) => page.length)).toStrictEqual([10, 10, 5]);
      expect(pages.flat()).toStrictEqual(written);
      const fifth = written[4]?.seq ?? 0;
      expect(await store.events(fifth, 3)).toStrictEqual(written.slice(5, 8));
      expect(await store.events(written.at(-1)?.seq ?? 0, 10)).toStrictEqual([]);
      expect(await store.events(0, 0)).toStrictEqual([]);
    });

    it('are not returned by a commit without events', async () => {
      const store = context.store();
      expect(await store.commit({})).toStrictEqual([]);
      expect(await store.commit({ blades: [blade('A')] })).toStrictEqual([]);
      expect(await store.events(0, 10)).toStrictEqual([]);
    });
  });

  describe('commit', () => {
    it('is atomic: a batch that fails halfway leaves nothing behind', async () => {
      const store = context.store();
      const [baseline] = await store.commit({ blades: [blade('A')], events: [event(0)] });
      // The good transfer precedes the bad one in its list, so whatever order an engine writes the
      // parts of a batch in, something was written before the failure.
      const failing: Batch = {
        blades: [blade('A', { state: 'failed' }), blade('B')],
        workloads: [workload('W1')],
        transfers: [transfer('T-good'), invalidTransfer('T-bad')],
        checkpoints: [checkpoint('W1', 1, 1)],
        events: [event(1), event(2)],
        policy: DEFAULT_POLICY,
      };
      await expect(store.commit(failing)).rejects.toThrow();
      expect(await store.blades()).toStrictEqual([blade('A')]);
      expect(await store.workloads()).toStrictEqual([]);
      expect(await store.transfers()).toStrictEqual([]);
      expect(await store.latestCheckpoint('W1')).toBeNull();
      expect(await store.policy()).toBeNull();
      expect(await store.events(0, 10)).toStrictEqual([baseline]);
      // The store is still usable, and seq still only increases.
      const [after] = await store.commit({ blades: [blade('B')], events: [event(3)] });
      expect(after?.seq).toBeGreaterThan(baseline?.seq ?? Infinity);
      expect(await store.blades()).toStrictEqual([blade('A'), blade('B')]);
    });

    it('lands every one of many concurrent batches, each event with its own seq', async () => {
      const store = context.store();
      const batches = Array.from({ length: 20 }, (_, i) => ({
        blades: [blade(`B${String(i).padStart(2, '0')}`)],
        events: [event(2 * i, `B${i}`), event(2 * i + 1, `B${i}`)],
      }));
      const results = await Promise.all(batches.map((batch) => store.commit(batch)));
      for (const [i, result] of results.entries()) {
        expect(result.map(withoutSeq)).toStrictEqual(batches[i]?.events);
        expectIncreasing(result.map((e) => e.seq));
      }
      const seqs = results.flat().map((e) => e.seq);
      expect(new Set(seqs).size).toBe(40);
      const stored = await store.events(0, 100);
      expectIncreasing(stored.map((e) => e.seq));
      expect(stored.map((e) => e.seq).sort((a, b) => a - b)).toStrictEqual([...seqs].sort((a, b) => a - b));
      expect((await store.blades()).length).toBe(20);
    });
  });
}

function withoutSeq(event: AuditEvent): Omit<AuditEvent, 'seq'> {
  const { seq: _seq, ...rest } = event;
  return rest;
}

function expectIncreasing(seqs: readonly number[]): void {
  for (const [i, seq] of seqs.entries()) {
    expect(Number.isSafeInteger(seq)).toBe(true);
    if (i > 0) expect(seq).toBeGreaterThan(seqs[i - 1] ?? Infinity);
  }
}
