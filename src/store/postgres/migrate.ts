// Brings a PostgreSQL database to the newest schema: each pending migration in its own transaction, under a lock.
import type { Pool, PoolClient } from 'pg';
import { z } from 'zod';
import type { Migration } from '../migrations/sqlite.js';
import { checkout } from './pg-transaction.js';

/** pg_advisory_xact_lock key for migrations: controllers starting together apply each migration once. */
const MIGRATION_LOCK = 0x6361_7363_0001n; // "casc" + 1

const appliedRow = z.object({ version: z.number(), name: z.string() });
type Applied = z.infer<typeof appliedRow>;

export async function schemaVersionOf(pool: Pool | PoolClient): Promise<number> {
  return (await applied(pool)).at(-1)?.version ?? 0;
}

/**
 * Idempotent and safe when several controllers start at once: the session holds an advisory lock
 * while it migrates, and each migration re-reads the version in its own transaction (PostgreSQL DDL
 * is transactional). The lock is taken before BEGIN on purpose: a transaction that began before
 * another session's CREATE TABLE committed may not see the new table in its catalog lookups.
 */
export async function migrate(
  pool: Pool,
  migrations: readonly Migration[],
  now: () => number = Date.now,
): Promise<void> {
  checkOrder(migrations);
  checkKnown(await applied(pool), migrations);
  const { client, release } = await checkout(pool);
  let broken: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK.toString()]);
    for (const migration of migrations) {
      try {
        await client.query('BEGIN');
        const current = await applied(client);
        checkKnown(current, migrations);
        if ((current.at(-1)?.version ?? 0) < migration.version) {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
            migration.version,
            migration.name,
            Math.floor(now()),
          ]);
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch((e: unknown) => (broken = e instanceof Error ? e : new Error(String(e))));
        throw error;
      }
    }
  } finally {
    // A connection going back to the pool must not keep the lock; a broken one is discarded, and the
    // server drops its session lock with it.
    if (broken === undefined) {
      await client
        .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK.toString()])
        .catch((e: unknown) => (broken = e instanceof Error ? e : new Error(String(e))));
    }
    release(broken);
  }
}

/** Refuses a database this code does not understand instead of guessing at its tables (same words as SQLite). */
function checkKnown(rows: readonly Applied[], migrations: readonly Migration[]): void {
  const known = migrations.at(-1)?.version ?? 0;
  for (const row of rows) {
    if (row.version > known) {
      throw new Error(
        `database schema version ${row.version} (${row.name}) is newer than this Cascade knows ` +
          `(${known}); run a newer Cascade, or restore a backup taken before the upgrade`,
      );
    }
    const ours = migrations.find((m) => m.version === row.version);
    if (ours?.name !== row.name) {
      throw new Error(
        `database migration ${row.version} is "${row.name}" but this Cascade calls it ` +
          `"${ours?.name ?? 'nothing'}"; the database was made by a different build`,
      );
    }
  }
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migration "${migration.name}" has version ${migration.version}, expected ${index + 1}`);
    }
  });
}

async function applied(db: Pool | PoolClient): Promise<Applied[]> {
  const exists = await db.query<{ present: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS present");
  if (exists.rows[0]?.present !== true) return [];
  const { rows } = await db.query('SELECT version, name FROM schema_migrations ORDER BY version');
  return rows.map((row: unknown) => {
    const parsed = appliedRow.safeParse(row);
    if (!parsed.success) throw new Error(`schema_migrations holds a malformed row: ${JSON.stringify(row)}`);
    return parsed.data;
  });
}
