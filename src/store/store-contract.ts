// The suite every Store must pass (SQLite now, PostgreSQL later, any fake too): one contract, many engines.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../ports/store.js';
import { logContract } from './store-contract-log.js';
import { blade, checkpoint, event, transfer, workload } from './store-contract-records.js';
import { stateContract } from './store-contract-state.js';
import { tokenContract } from './store-contract-tokens.js';
import { alarmContract } from './store-contract-alarms.js';

export interface StoreContractOptions {
  /**
   * Opens again the database that the latest open() made, after the test closed its store.
   * File-backed and server engines pass it; ':memory:' cannot, and skips the durability case.
   */
  readonly reopen?: () => Promise<Store>;
  /** The version migrate() must reach, when the engine knows it. */
  readonly schemaVersion?: number;
}

/** What the contract's cases share: the store of the running test. */
export interface ContractContext {
  store(): Store;
}

/**
 * Rules for an engine:
 * - open() returns a store over an EMPTY database (the suite migrates it); cleanup runs after each
 *   test, once the store is closed.
 * - Ids sort byte-wise (code point order): blades and workloads by id, transfers by createdAt then id.
 *   PostgreSQL: declare the id columns COLLATE "C".
 * - seq only has to increase: PostgreSQL sequences leave gaps after a rollback, SQLite does not.
 * - Times are whole milliseconds.
 * - Atomicity is provoked with a transfer whose kind is not failover/cascade/place: every engine
 *   must refuse it with a CHECK constraint (or an equivalent check inside the transaction).
 */
export function storeContract(
  name: string,
  open: () => Promise<Store>,
  cleanup?: () => Promise<void>,
  options: StoreContractOptions = {},
): void {
  describe(`Store contract: ${name}`, () => {
    let current: Store | undefined;
    const context: ContractContext = {
      store: () => {
        if (current === undefined) throw new Error('the store is not open');
        return current;
      },
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

    describe('schema', () => {
      it('migrates twice without harm and reports its version', async () => {
        const store = context.store();
        const version = await store.schemaVersion();
        expect(version).toBeGreaterThan(0);
        if (options.schemaVersion !== undefined) expect(version).toBe(options.schemaVersion);
        await store.migrate();
        expect(await store.schemaVersion()).toBe(version);
      });

      it('starts empty', async () => {
        const store = context.store();
        expect(await store.blades()).toStrictEqual([]);
        expect(await store.workloads()).toStrictEqual([]);
        expect(await store.transfers()).toStrictEqual([]);
        expect(await store.events(0, 100)).toStrictEqual([]);
        expect(await store.policy()).toBeNull();
        expect(await store.blade('A')).toBeNull();
        expect(await store.workload('W1')).toBeNull();
        expect(await store.transfer('T1')).toBeNull();
        expect(await store.latestCheckpoint('W1')).toBeNull();
      });
    });

    stateContract(context);
    logContract(context);
    tokenContract(context); // API tokens
    alarmContract(context);

    const reopen = options.reopen;
    // A store with no file (in memory) has nothing to reopen.
    it.skipIf(reopen === undefined)('keeps every record across close and reopen', async () => {
      if (reopen === undefined) return;
      const batch = {
        blades: [blade('A')],
        workloads: [workload('W1')],
        transfers: [transfer('T1')],
        checkpoints: [checkpoint('W1', 3, 100)],
        events: [event(1), event(2)],
        policy: {
          weights: { storageTB: 2 },
          minImprovement: 0.1,
          maxConcurrentTransfers: 2,
          cooldownSeconds: 600,
          replanSeconds: 60,
          transferSeconds: 30,
          requireApproval: true,
        },
      };
      const written = await context.store().commit(batch);
      await context.store().close();
      current = await reopen();
      await current.migrate();
      const store = context.store();
      expect(await store.blades()).toStrictEqual(batch.blades);
      expect(await store.workloads()).toStrictEqual(batch.workloads);
      expect(await store.transfers()).toStrictEqual(batch.transfers);
      expect(await store.latestCheckpoint('W1')).toStrictEqual(batch.checkpoints[0]);
      expect(await store.events(0, 10)).toStrictEqual(written);
      expect(await store.policy()).toStrictEqual(batch.policy);
      const [next] = await store.commit({ events: [event(3)] });
      expect(next?.seq).toBeGreaterThan(written.at(-1)?.seq ?? Infinity);
    });
  });
}
