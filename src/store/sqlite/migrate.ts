// Brings a SQLite database to the newest schema: each pending migration in its own transaction.
import type { Database } from 'better-sqlite3';
import type { Migration } from '../migrations/sqlite.js';

interface AppliedRow {
  readonly version: number;
  readonly name: string;
}

/** The highest applied version; 0 for a database no migration ever touched. */
export function schemaVersionOf(db: Database): number {
  return appliedMigrations(db).at(-1)?.version ?? 0;
}

/**
 * Idempotent: safe on every start, and safe when two controllers start on one file together,
 * because each migration re-reads the version inside an IMMEDIATE (write-locked) transaction.
 */
export function migrate(db: Database, migrations: readonly Migration[], now: () => number = Date.now): void {
  checkOrder(migrations);
  checkKnown(db, migrations);
  for (const migration of migrations) {
    const apply = db.transaction(() => {
      if (schemaVersionOf(db) >= migration.version) return;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        Math.floor(now()),
      );
    });
    apply.immediate();
  }
}

/** Refuses a database this code does not understand instead of guessing at its tables. */
function checkKnown(db: Database, migrations: readonly Migration[]): void {
  const known = migrations.at(-1)?.version ?? 0;
  for (const applied of appliedMigrations(db)) {
    if (applied.version > known) {
      throw new Error(
        `database schema version ${applied.version} (${applied.name}) is newer than this Cascade knows ` +
          `(${known}); run a newer Cascade, or restore a backup taken before the upgrade`,
      );
    }
    const ours = migrations.find((m) => m.version === applied.version);
    if (ours?.name !== applied.name) {
      throw new Error(
        `database migration ${applied.version} is "${applied.name}" but this Cascade calls it ` +
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

function appliedMigrations(db: Database): AppliedRow[] {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (table === undefined) return [];
  const rows: unknown[] = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
  return rows.map(toAppliedRow);
}

function toAppliedRow(row: unknown): AppliedRow {
  if (typeof row === 'object' && row !== null && 'version' in row && 'name' in row) {
    const { version, name } = row;
    if (typeof version === 'number' && typeof name === 'string') return { version, name };
  }
  throw new Error(`schema_migrations holds a malformed row: ${JSON.stringify(row)}`);
}
