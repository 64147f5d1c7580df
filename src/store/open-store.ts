// Opens the store a `--db` value names: a PostgreSQL URL, or a SQLite file path (the embedded default).
import { z } from 'zod';
import type { LeasedStore } from '../ports/store.js';
import { PostgresStore, type PostgresStoreOptions } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

export interface OpenStoreOptions {
  readonly postgres?: PostgresStoreOptions;
}

/** A `--db` value that names no store we can open; `field` is the option or configuration key to fix. */
export class StoreUrlError extends Error {
  readonly code = 'bad-db';

  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'StoreUrlError';
  }
}

const POSTGRES = /^postgres(ql)?:\/\//i;
const OTHER_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

const dbValue = z.string().trim().min(1, 'expected a SQLite file path or a postgres:// URL, got an empty value');

/**
 * `postgres://user:pass@host:5432/db` (or postgresql://) opens PostgreSQL; `sqlite:PATH`,
 * `sqlite:///absolute/path`, a plain path, or `:memory:` opens SQLite. Both engines hold leases, so HA works on either (SQLite: several
 * controllers on one machine sharing the file). The caller runs migrate() before anything else.
 */
export function openStore(db: string, options: OpenStoreOptions = {}, field = 'db'): LeasedStore {
  const parsed = dbValue.safeParse(db);
  if (!parsed.success) throw new StoreUrlError(field, parsed.error.issues[0]?.message ?? 'invalid');
  const value = parsed.data;
  if (POSTGRES.test(value)) {
    checkPostgresUrl(value, field);
    return PostgresStore.connect(value, options.postgres);
  }
  const sqliteUrl = /^sqlite:\/\//i.exec(value);
  if (sqliteUrl !== null) return openSqlite(value.slice(sqliteUrl[0].length), field);
  if (OTHER_SCHEME.test(value)) {
    throw new StoreUrlError(
      field,
      `unsupported store ${JSON.stringify(redactUrl(value))}: use a postgres:// URL or a SQLite file path`,
    );
  }
  return openSqlite(value.startsWith('sqlite:') ? value.slice('sqlite:'.length) : value, field);
}

function openSqlite(path: string, field: string): LeasedStore {
  if (path.length === 0) throw new StoreUrlError(field, 'sqlite: needs a file path, e.g. sqlite:./data/cascade.db');
  return SqliteStore.open(path);
}

/** The value with any password replaced, for logs and error messages: credentials are never logged. */
export function redactUrl(db: string): string {
  try {
    const url = new URL(db);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return db.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  }
}

function checkPostgresUrl(value: string, field: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new StoreUrlError(field, `not a valid URL: ${JSON.stringify(redactUrl(value))}`);
  }
  // A socket directory may be given as ?host=/path instead of a host name.
  if (url.hostname === '' && !url.searchParams.has('host')) {
    throw new StoreUrlError(field, `${JSON.stringify(redactUrl(value))} names no host`);
  }
  if (url.pathname.length <= 1)
    throw new StoreUrlError(
      field,
      `${JSON.stringify(redactUrl(value))} names no database, e.g. postgres://host/cascade`,
    );
}
