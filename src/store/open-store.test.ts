// openStore: which engine a --db value opens, and a clear error naming the field for a value it cannot open.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, redactUrl, StoreUrlError } from './open-store.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('openStore', () => {
  it('opens SQLite for a path, sqlite:PATH and :memory:, migrated and usable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cascade-open-'));
    dirs.push(dir);
    for (const value of [
      join(dir, 'a.db'),
      `sqlite:${join(dir, 'b.db')}`,
      `sqlite://${join(dir, 'c.db')}`,
      ':memory:',
    ]) {
      const store = openStore(value);
      expect(store).toBeInstanceOf(SqliteStore);
      await store.migrate();
      expect(await store.acquireLease('controller', 'me', 1000)).toMatchObject({ epoch: 1 });
      await store.close();
    }
  });

  it('opens PostgreSQL for postgres:// and postgresql:// without connecting yet', async () => {
    for (const value of ['postgres://cascade:secret@db.example:5432/cascade', 'postgresql://db.example/cascade']) {
      const store = openStore(value);
      expect(store).toBeInstanceOf(PostgresStore);
      await store.close();
    }
  });

  it('refuses what it cannot open, naming the field and never the password', () => {
    const cases: [string, RegExp][] = [
      ['', /db: expected a SQLite file path or a postgres:\/\/ URL/],
      ['   ', /db: expected/],
      ['mysql://root:hunter2@db/cascade', /db: unsupported store "mysql:\/\/root:\*\*\*@db\/cascade"/],
      ['postgres://cascade:hunter2@db.example', /db: .* names no database/],
      ['postgres://:5432/x', /db: .*(names no host|not a valid URL)/],
      ['sqlite:', /db: sqlite: needs a file path/],
      ['sqlite://', /db: sqlite: needs a file path/],
    ];
    for (const [value, message] of cases) {
      let error: unknown;
      try {
        openStore(value);
      } catch (e) {
        error = e;
      }
      expect(error, value).toBeInstanceOf(StoreUrlError);
      expect((error as StoreUrlError).message).toMatch(message);
      expect((error as StoreUrlError).message).not.toContain('hunter2');
      expect(error).toMatchObject({ code: 'bad-db', field: 'db' });
    }
  });

  it('redacts passwords for logs', () => {
    expect(redactUrl('postgres://cascade:s3cret@db:5432/cascade')).toBe('postgres://cascade:***@db:5432/cascade');
    expect(redactUrl('./data/cascade.db')).toBe('./data/cascade.db');
  });
});
