// The SQLite store against the shared contract (file and memory), plus what only SQLite can show.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SQLITE_MIGRATIONS, SQLITE_SCHEMA_VERSION } from '../migrations/sqlite.js';
import { leaseContract } from '../lease-contract.js';
import { storeContract } from '../store-contract.js';
import { blade, event } from '../store-contract-records.js';
import { SQLITE_PRAGMAS, SqliteStore } from './sqlite-store.js';

const directories: string[] = [];
let latestPath = '';

function freshPath(): string {
  const directory = mkdtempSync(join(tmpdir(), 'cascade-store-'));
  directories.push(directory);
  latestPath = join(directory, 'cascade.db');
  return latestPath;
}

async function removeDirectories(): Promise<void> {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
}

storeContract('sqlite file', async () => SqliteStore.open(freshPath()), removeDirectories, {
  reopen: async () => SqliteStore.open(latestPath),
  schemaVersion: SQLITE_SCHEMA_VERSION,
});

storeContract('sqlite :memory:', async () => SqliteStore.open(':memory:'), undefined, {
  schemaVersion: SQLITE_SCHEMA_VERSION,
});

// Leases and fenced commits, so two controllers on one file behave as on PostgreSQL.
leaseContract('sqlite file', async () => SqliteStore.open(freshPath()), removeDirectories);

describe('SqliteStore, beyond the contract', () => {
  afterEach(removeDirectories);

  async function migratedFile(): Promise<{ path: string; store: SqliteStore }> {
    const path = freshPath();
    const store = SqliteStore.open(path);
    await store.migrate();
    return { path, store };
  }

  it('records every migration and runs in WAL mode', async () => {
    const { path, store } = await migratedFile();
    await store.close();
    const db = new Database(path);
    expect(db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()).toStrictEqual(
      SQLITE_MIGRATIONS.map(({ version, name }) => ({ version, name })),
    );
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('refuses UPDATE, DELETE and REPLACE on events in the database itself', async () => {
    const { path, store } = await migratedFile();
    const written = await store.commit({ events: [event(1), event(2)] });
    const db = new Database(path);
    expect(() => db.prepare("UPDATE events SET actor = 'mallory'").run()).toThrow(/append-only: UPDATE refused/);
    expect(() => db.prepare('DELETE FROM events WHERE seq = ?').run(written[0]?.seq)).toThrow(
      /append-only: DELETE refused/,
    );
    const replace = db.prepare(
      "INSERT OR REPLACE INTO events (seq, at, actor, type, subject, data) VALUES (?, 0, 'mallory', 'x', 'y', '{}')",
    );
    expect(() => replace.run(written[1]?.seq)).toThrow(/append-only: REPLACE refused/);
    db.close();
    expect(await store.events(0, 10)).toStrictEqual(written);
    await store.close();
  });

  it('refuses, with a clear message, a database made by a newer Cascade', async () => {
    const { path, store } = await migratedFile();
    await store.close();
    const db = new Database(path);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
      SQLITE_SCHEMA_VERSION + 1,
      'future',
      0,
    );
    db.close();
    const newer = SqliteStore.open(path);
    await expect(newer.migrate()).rejects.toThrow(
      `database schema version ${SQLITE_SCHEMA_VERSION + 1} (future) is newer than this Cascade knows (${SQLITE_SCHEMA_VERSION})`,
    );
    await newer.close();
  });

  it('refuses a database whose migration history names differ from ours', async () => {
    const { path, store } = await migratedFile();
    await store.close();
    const db = new Database(path);
    db.prepare("UPDATE schema_migrations SET name = 'someone-else' WHERE version = 1").run();
    db.close();
    const other = SqliteStore.open(path);
    await expect(other.migrate()).rejects.toThrow(/migration 1 is "someone-else" but this Cascade calls it "initial"/);
    await other.close();
  });

  it('lets two stores on one file migrate together and see each other’s commits', async () => {
    const path = freshPath();
    const [one, two] = [SqliteStore.open(path), SqliteStore.open(path)];
    await Promise.all([one.migrate(), two.migrate()]);
    const [first] = await one.commit({ blades: [blade('A')], events: [event(1)] });
    const [second] = await two.commit({ events: [event(2)] });
    expect(second?.seq).toBeGreaterThan(first?.seq ?? Infinity);
    expect(await two.blades()).toStrictEqual([blade('A')]);
    expect(await one.events(0, 10)).toHaveLength(2);
    await Promise.all([one.close(), two.close()]);
  });

  it('refuses a number JSON cannot hold instead of storing null, and stores nothing', async () => {
    const store = SqliteStore.open(':memory:');
    await store.migrate();
    await expect(
      store.commit({ blades: [blade('A'), blade('B', { resources: { storageTB: Number.NaN } })] }),
    ).rejects.toThrow(/cannot store NaN at "storageTB"/);
    expect(await store.blades()).toStrictEqual([]);
    await store.close();
  });

  it('keeps every acknowledged commit when the writing process is killed (SIGKILL)', async () => {
    const { path, store } = await migratedFile();
    await store.close();
    const acknowledged = await writeUntilKilled(path, 50);
    // The commits were still in the write-ahead log, not yet in the database file: recovery is tested.
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(0);
    const reopened = SqliteStore.open(path);
    await reopened.migrate();
    const stored = await reopened.events(0, 1_000_000);
    expect(stored.length).toBeGreaterThanOrEqual(acknowledged);
    expect(stored.slice(0, acknowledged).map((e) => e.data['n'])).toStrictEqual(
      Array.from({ length: acknowledged }, (_, i) => i + 1),
    );
    await reopened.close();
  });
});

/**
 * A child process that commits events with the store's pragmas and prints "committed N" after each
 * commit returns; once it has acknowledged `atLeast` commits it is killed with SIGKILL mid-stream.
 * Plain JavaScript importing better-sqlite3 by absolute URL: no TypeScript loader in the child.
 */
async function writeUntilKilled(path: string, atLeast: number): Promise<number> {
  const driver = pathToFileURL(createRequire(import.meta.url).resolve('better-sqlite3')).href;
  const script = `
    import Database from ${JSON.stringify(driver)};
    const [path, pragmas] = [process.argv[1], JSON.parse(process.argv[2])];
    const db = new Database(path);
    for (const pragma of pragmas) db.pragma(pragma);
    const insert = db.prepare('INSERT INTO events (at, actor, type, subject, data) VALUES (?, ?, ?, ?, ?)');
    let n = 0;
    const commitOne = db.transaction(() => insert.run(Date.now(), 'child', 'test.commit', 'crash', JSON.stringify({ n: n + 1 })));
    const tick = () => { commitOne.immediate(); n += 1; process.stdout.write('committed ' + n + '\\n'); setImmediate(tick); };
    tick();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, path, JSON.stringify(SQLITE_PRAGMAS)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let acknowledged = 0;
  let stderr = '';
  let buffered = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) acknowledged = Math.max(acknowledged, Number(line.replace('committed ', '')));
    if (acknowledged >= atLeast) child.kill('SIGKILL');
  });
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
  if (signal !== 'SIGKILL') throw new Error(`the child exited on its own: ${stderr}`);
  return acknowledged;
}
