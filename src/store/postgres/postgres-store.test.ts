// The PostgreSQL store against the shared store and lease contracts on a real server, plus what only PostgreSQL shows.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRES_MIGRATIONS, POSTGRES_SCHEMA_VERSION } from '../migrations/postgres.js';
import { SQLITE_MIGRATIONS } from '../migrations/sqlite.js';
import { leaseContract } from '../lease-contract.js';
import { storeContract } from '../store-contract.js';
import { event } from '../store-contract-records.js';
import { inTransaction } from './pg-transaction.js';
import { PostgresStore } from './postgres-store.js';
import { postgresSkipReason, startPgCluster, type PgCluster } from './testing/pg-cluster.js';
import { requiredPeer } from '../../testing/required-peers.js';

const skip = requiredPeer('PostgresStore', postgresSkipReason());
if (skip !== null) console.warn(`skipping the PostgreSQL store tests: ${skip}`);

let cluster: PgCluster | undefined;
let latestUrl = '';

async function freshStore(): Promise<PostgresStore> {
  if (cluster === undefined) throw new Error('the PostgreSQL cluster did not start');
  latestUrl = await cluster.createDatabase();
  return PostgresStore.connect(latestUrl);
}

describe.skipIf(skip !== null)('PostgresStore on a throwaway cluster', () => {
  beforeAll(async () => {
    cluster = await startPgCluster();
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  storeContract('postgres', freshStore, undefined, {
    reopen: async () => PostgresStore.connect(latestUrl),
    schemaVersion: POSTGRES_SCHEMA_VERSION,
  });

  leaseContract('postgres', freshStore);

  describe('beyond the contract', () => {
    async function withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
      const client = new pg.Client({ connectionString: latestUrl });
      await client.connect();
      try {
        return await work(client);
      } finally {
        await client.end();
      }
    }

    it('refuses UPDATE, DELETE, TRUNCATE and a chosen seq on events in the database itself', async () => {
      const store = await freshStore();
      await store.migrate();
      const written = await store.commit({ events: [event(1), event(2)] });
      await store.acquireLease('controller', 'a', 60_000);
      await withClient(async (db) => {
        await expect(db.query("UPDATE events SET actor = 'mallory'")).rejects.toThrow(/append-only: UPDATE refused/);
        await expect(db.query('DELETE FROM events')).rejects.toThrow(/append-only: DELETE refused/);
        await expect(db.query('TRUNCATE events')).rejects.toThrow(/append-only: TRUNCATE refused/);
        await expect(
          db.query(
            "INSERT INTO events (seq, at, actor, type, subject, data) VALUES ($1, 0, 'mallory', 'x', 'y', '{}')",
            [written[0]?.seq],
          ),
        ).rejects.toThrow(/non-DEFAULT value into column "seq"/);
        await expect(db.query('DELETE FROM leases')).rejects.toThrow(/never deleted/);
        await expect(db.query('UPDATE leases SET epoch = 0')).rejects.toThrow(/epoch/);
      });
      expect(await store.events(0, 10)).toStrictEqual(written);
      await store.close();
    });

    it('records the same migrations as SQLite, and refuses a database made by a newer Cascade', async () => {
      expect(POSTGRES_MIGRATIONS.map(({ version, name }) => ({ version, name }))).toStrictEqual(
        SQLITE_MIGRATIONS.map(({ version, name }) => ({ version, name })),
      );
      const store = await freshStore();
      await store.migrate();
      await store.close();
      await withClient((db) =>
        db.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'future', 0)", [
          POSTGRES_SCHEMA_VERSION + 1,
        ]),
      );
      const newer = PostgresStore.connect(latestUrl);
      await expect(newer.migrate()).rejects.toThrow(
        `database schema version ${POSTGRES_SCHEMA_VERSION + 1} (future) is newer than this Cascade knows (${POSTGRES_SCHEMA_VERSION})`,
      );
      await newer.close();
    });

    it('migrates once when several controllers start together', async () => {
      const first = await freshStore();
      const others = Array.from({ length: 4 }, () => PostgresStore.connect(latestUrl));
      await Promise.all([first, ...others].map((s) => s.migrate()));
      const rows = await withClient(
        async (db) => (await db.query('SELECT version, name FROM schema_migrations ORDER BY version')).rows,
      );
      expect(rows).toStrictEqual(POSTGRES_MIGRATIONS.map(({ version, name }) => ({ version, name })));
      await Promise.all([first, ...others].map((s) => s.close()));
    });

    it('runs a transaction again when its session ends before COMMIT, and the process survives it', async () => {
      const store = await freshStore();
      await store.close();
      // The server ends a session idle in a transaction for 100 ms: the frozen-controller case.
      const pool = new pg.Pool({ connectionString: latestUrl, options: '-c idle_in_transaction_session_timeout=100' });
      pool.on('error', () => {});
      let attempts = 0;
      const result = await inTransaction(pool, 'BEGIN', async (client) => {
        attempts += 1;
        if (attempts === 1) await new Promise((resolve) => setTimeout(resolve, 400));
        return (await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one;
      });
      expect([result, attempts]).toStrictEqual([1, 2]);
      // A statement the server refuses is no lost connection: it is not retried.
      attempts = 0;
      await expect(
        inTransaction(pool, 'BEGIN', async (client) => {
          attempts++;
          return client.query('SELECT * FROM nowhere');
        }),
      ).rejects.toThrow(/nowhere/);
      expect(attempts).toBe(1);
      await pool.end();
    });

    it('hands out seq in commit order, so a reader tailing the log never skips an event', async () => {
      const store = await freshStore();
      await store.migrate();
      const tail: number[] = [];
      let after = 0;
      let writing = true;
      const reader = (async () => {
        while (writing) {
          const page = await store.events(after, 1000);
          for (const e of page) tail.push(e.seq);
          after = page.at(-1)?.seq ?? after;
        }
      })();
      const written = (
        await Promise.all(Array.from({ length: 60 }, (_, i) => store.commit({ events: [event(i)] })))
      ).flat();
      writing = false;
      await reader;
      for (const e of await store.events(after, 1000)) tail.push(e.seq);
      expect(tail).toStrictEqual(written.map((e) => e.seq).sort((a, b) => a - b));
      await store.close();
    });
  });
});
