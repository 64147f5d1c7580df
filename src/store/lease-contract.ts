// The suite every LeasedStore must pass: leases with growing epochs, and commits fenced by them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FencedError, type Lease } from '../ports/lease.js';
import type { LeasedStore } from '../ports/store.js';
import { blade, event } from './store-contract-records.js';

const LONG = 60_000;
/** A lease this short has lapsed by the time the next call arrives; waiting `LAPSE_WAIT_MS` makes sure. */
const SHORT = 1;
const LAPSE_WAIT_MS = 20;

const lapse = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, LAPSE_WAIT_MS));

function must(lease: Lease | null): Lease {
  if (lease === null) throw new Error('expected a lease to be granted');
  return lease;
}

/** `open` returns a store over an EMPTY database (the suite migrates it), as for storeContract. */
export function leaseContract(name: string, open: () => Promise<LeasedStore>, cleanup?: () => Promise<void>): void {
  describe(`Lease contract: ${name}`, () => {
    let current: LeasedStore | undefined;
    const store = (): LeasedStore => {
      if (current === undefined) throw new Error('the store is not open');
      return current;
    };

    beforeEach(async () => {
      current = await open();
      await current.migrate();
    });

    afterEach(async () => {
      await current?.close();
      current = undefined;
      await cleanup?.();
    });

    it('grants a free lease with epoch 1 and refuses a second holder while it runs', async () => {
      expect(await store().lease('controller')).toBeNull();
      const a = must(await store().acquireLease('controller', 'a', LONG));
      expect(a).toMatchObject({ name: 'controller', holder: 'a', epoch: 1 });
      expect(a.expiresAt - a.acquiredAt).toBe(LONG);
      expect(a.renewedAt).toBe(a.acquiredAt);
      expect(await store().acquireLease('controller', 'b', LONG)).toBeNull();
      const seen = await store().lease('controller');
      expect(seen).toMatchObject({ holder: 'a', epoch: 1, expiresAt: a.expiresAt });
      expect(seen?.remainingMs).toBeGreaterThan(0);
    });

    it('hands a lapsed lease to the next holder with the next epoch; the old holder can no longer renew', async () => {
      const a = must(await store().acquireLease('controller', 'a', SHORT));
      await lapse();
      expect((await store().lease('controller'))?.remainingMs).toBe(0);
      expect(await store().renewLease(a, LONG)).toBeNull();
      const b = must(await store().acquireLease('controller', 'b', LONG));
      expect(b).toMatchObject({ holder: 'b', epoch: 2 });
      expect(b.acquiredAt).toBeGreaterThanOrEqual(a.expiresAt);
      expect(await store().renewLease(a, LONG)).toBeNull();
      expect(await store().releaseLease(a)).toBe(false);
      expect(await store().lease('controller')).toMatchObject({ holder: 'b', epoch: 2 });
    });

    it('renews only the same holder and epoch, from the store clock', async () => {
      const a = must(await store().acquireLease('controller', 'a', LONG));
      const renewed = must(await store().renewLease(a, 2 * LONG));
      expect(renewed).toMatchObject({ holder: 'a', epoch: 1, acquiredAt: a.acquiredAt });
      expect(renewed.renewedAt).toBeGreaterThanOrEqual(a.renewedAt);
      expect(renewed.expiresAt).toBe(renewed.renewedAt + 2 * LONG);
      expect(await store().renewLease({ ...a, holder: 'b' }, LONG)).toBeNull();
      expect(await store().renewLease({ ...a, epoch: 2 }, LONG)).toBeNull();
    });

    it('lets a standby take over at once after a release; epochs never repeat', async () => {
      const epochs: number[] = [];
      for (const holder of ['a', 'b', 'a', 'c', 'c']) {
        const lease = must(await store().acquireLease('controller', holder, LONG));
        epochs.push(lease.epoch);
        expect(await store().releaseLease(lease)).toBe(true);
        expect(await store().releaseLease(lease)).toBe(false);
      }
      expect(epochs).toStrictEqual([1, 2, 3, 4, 5]);
    });

    it('starts a new epoch when the same holder acquires again (a restarted process)', async () => {
      const first = must(await store().acquireLease('controller', 'a', LONG));
      const again = must(await store().acquireLease('controller', 'a', LONG));
      expect(again.epoch).toBe(first.epoch + 1);
      expect(await store().renewLease(first, LONG)).toBeNull();
    });

    it('keeps partitions apart: each name has its own holder and epochs', async () => {
      const east = must(await store().acquireLease('zone:east', 'a', LONG));
      const west = must(await store().acquireLease('zone:west', 'b', LONG));
      expect([east.epoch, west.epoch]).toStrictEqual([1, 1]);
      expect(await store().acquireLease('zone:east', 'b', LONG)).toBeNull();
      await store().commit({ events: [event(1)] }, { fence: { lease: 'zone:west', epoch: 1 } });
    });

    it('grants exactly one of many concurrent requests', async () => {
      const holders = Array.from({ length: 12 }, (_, i) => `h${i}`);
      const results = await Promise.all(holders.map((h) => store().acquireLease('controller', h, LONG)));
      const granted = results.filter((r): r is Lease => r !== null);
      expect(granted.length).toBe(1);
      expect(await store().lease('controller')).toMatchObject({ holder: granted[0]?.holder, epoch: 1 });
    });

    it('refuses bad arguments', async () => {
      await expect(store().acquireLease('controller', 'a', 0)).rejects.toThrow(/ttlMs/);
      await expect(store().acquireLease('controller', 'a', Number.NaN)).rejects.toThrow(/ttlMs/);
      await expect(store().acquireLease('', 'a', LONG)).rejects.toThrow(/lease name/);
      await expect(store().acquireLease('controller', '', LONG)).rejects.toThrow(/holder/);
    });

    describe('fenced commits', () => {
      it('land while the epoch is live, and are refused whole once a newer epoch exists', async () => {
        const a = must(await store().acquireLease('controller', 'a', SHORT));
        await lapse();
        const b = must(await store().acquireLease('controller', 'b', LONG));
        const written = await store().commit(
          { blades: [blade('A')], events: [event(1)] },
          { fence: { lease: 'controller', epoch: b.epoch } },
        );
        expect(written).toHaveLength(1);

        const stale = store().commit(
          { blades: [blade('A', { state: 'failed' }), blade('B')], events: [event(2)] },
          { fence: { lease: 'controller', epoch: a.epoch } },
        );
        const error = await stale.then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(FencedError);
        expect(error).toMatchObject({
          code: 'fenced',
          reason: 'superseded',
          currentEpoch: b.epoch,
          fence: { lease: 'controller', epoch: a.epoch },
        });
        expect(await store().blades()).toStrictEqual([blade('A')]);
        expect(await store().events(0, 10)).toStrictEqual(written);
      });

      it('are refused once the lease lapsed or was released, even with no newer leader', async () => {
        const a = must(await store().acquireLease('controller', 'a', SHORT));
        await lapse();
        await expect(
          store().commit({ events: [event(1)] }, { fence: { lease: 'controller', epoch: a.epoch } }),
        ).rejects.toMatchObject({ code: 'fenced', reason: 'expired' });
        const b = must(await store().acquireLease('controller', 'b', LONG));
        await store().releaseLease(b);
        await expect(
          store().commit({ events: [event(2)] }, { fence: { lease: 'controller', epoch: b.epoch } }),
        ).rejects.toMatchObject({ code: 'fenced', reason: 'expired' });
        expect(await store().events(0, 10)).toStrictEqual([]);
      });

      it('are refused for a lease never granted, or an epoch from the future', async () => {
        await expect(
          store().commit({ events: [event(1)] }, { fence: { lease: 'nobody', epoch: 1 } }),
        ).rejects.toMatchObject({ reason: 'unknown-lease', currentEpoch: null });
        must(await store().acquireLease('controller', 'a', LONG));
        await expect(
          store().commit({ events: [event(1)] }, { fence: { lease: 'controller', epoch: 7 } }),
        ).rejects.toMatchObject({ reason: 'unknown-lease', currentEpoch: 1 });
        expect(await store().events(0, 10)).toStrictEqual([]);
      });

      it('do not bind unfenced commits (operator tools, migrations)', async () => {
        must(await store().acquireLease('controller', 'a', LONG));
        expect(await store().commit({ events: [event(1)] })).toHaveLength(1);
      });
    });
  });
}
