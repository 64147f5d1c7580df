// The embedded Store: one SQLite file (or ':memory:'), zero set-up, the default engine (DESIGN section 7).
import Database, { type Database as Connection, type Statement } from 'better-sqlite3';
import type { Policy } from '../../core/model.js';
import type { CommitOptions, Lease, LeaseView } from '../../ports/lease.js';
import { ALARM_COLUMNS, ALARMS_SQL, OPEN_ALARMS_SQL, toAlarm } from '../alarm-rows.js';
import type {
  AlarmRecord,
  AuditEvent,
  Batch,
  BladeRecord,
  CheckpointMeta,
  RoundRecord,
  LeasedStore,
  TokenRecord,
  TransferRecord,
  WorkloadRecord,
} from '../../ports/store.js';
import { SQLITE_MIGRATIONS } from '../migrations/sqlite.js';
import { migrate, schemaVersionOf } from './migrate.js';
import { toBlade, toCheckpoint, toEvent, toPolicy, toRound, toToken, toTransfer, toWorkload } from './rows.js';
import { acquireLease, checkFence, readLease, releaseLease, renewLease } from './sqlite-leases.js';
import { writeBatch } from './write-batch.js';

/**
 * Set on every connection, in this order (the crash test's child process applies the same list).
 * - busy_timeout first: a CLI or a second controller holding the write lock makes us wait, not fail.
 * - WAL: readers (the API, the dashboard) never block the controller's writes, nor it theirs.
 * - synchronous=FULL: in WAL mode NORMAL already survives a crash of the controller process, but not
 *   of its machine (power loss, kernel panic): NORMAL syncs the WAL only at checkpoints, so the last
 *   commits can vanish. A transfer step is recorded before its side effect (fence the source, start
 *   the target); if a committed "fence confirmed" were lost after the target started, the resumed
 *   controller would reason from a past that did not happen. FULL syncs the WAL on every commit, so
 *   a commit() that resolved is on disk. The price is one fsync per commit.
 * - foreign_keys: steps belong to their transfer; SQLite leaves the check off unless asked.
 */
export const SQLITE_PRAGMAS: readonly string[] = Object.freeze([
  'busy_timeout = 5000',
  'journal_mode = WAL',
  'synchronous = FULL',
  'foreign_keys = ON',
]);

const STEPS = `
SELECT name, status, attempt, started_at, ended_at, error, output
FROM transfer_steps WHERE transfer = ? ORDER BY position`;
const OPEN_STATUSES = "status IN ('running', 'waiting')";

export class SqliteStore implements LeasedStore {
  private readonly statements = new Map<string, Statement<unknown[]>>();

  private constructor(private readonly db: Connection) {}

  /** Opens (creating if need be) the database at `path`; call migrate() before anything else. */
  static open(path: string): SqliteStore {
    const db = new Database(path);
    try {
      for (const pragma of SQLITE_PRAGMAS) db.pragma(pragma);
      const mode = db.pragma('journal_mode', { simple: true });
      if (mode !== 'wal' && !db.memory) {
        throw new Error(
          `${path}: SQLite refused WAL journal mode (got ${String(mode)}); is it on a network file system?`,
        );
      }
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteStore(db);
  }

  async migrate(): Promise<void> {
    migrate(this.db, SQLITE_MIGRATIONS);
  }

  async schemaVersion(): Promise<number> {
    return schemaVersionOf(this.db);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /**
   * One IMMEDIATE transaction: it takes the write lock up front, so a second process waits
   * (busy_timeout) instead of failing halfway when its read lock cannot be upgraded.
   * better-sqlite3 is synchronous, so commits issued together (Promise.all) run one after another.
   */
  async commit(batch: Batch, options: CommitOptions = {}): Promise<AuditEvent[]> {
    const run = this.db.transaction(() => {
      // Inside the write lock: no grant to another controller can slip between check and write.
      if (options.fence !== undefined) checkFence((sql) => this.prepare(sql), options.fence, Date.now());
      return writeBatch((sql) => this.prepare(sql), batch);
    });
    return run.immediate();
  }

  // --- leases: the file's machine clock is every process's clock, so Date.now() is the store's ---

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<Lease | null> {
    return this.db
      .transaction(() => acquireLease((sql) => this.prepare(sql), name, holder, ttlMs, Date.now()))
      .immediate();
  }

  async renewLease(lease: Lease, ttlMs: number): Promise<Lease | null> {
    return this.db.transaction(() => renewLease((sql) => this.prepare(sql), lease, ttlMs, Date.now())).immediate();
  }

  async releaseLease(lease: Lease): Promise<boolean> {
    return this.db.transaction(() => releaseLease((sql) => this.prepare(sql), lease, Date.now())).immediate();
  }

  async lease(name: string): Promise<LeaseView | null> {
    return readLease((sql) => this.prepare(sql), name, Date.now());
  }

  async blades(): Promise<BladeRecord[]> {
    return this.prepare('SELECT * FROM blades ORDER BY id').all().map(toBlade);
  }

  async blade(id: string): Promise<BladeRecord | null> {
    const row = this.prepare('SELECT * FROM blades WHERE id = ?').get(id);
    return row === undefined ? null : toBlade(row);
  }

  async workloads(): Promise<WorkloadRecord[]> {
    return this.prepare('SELECT * FROM workloads ORDER BY id').all().map(toWorkload);
  }

  async workload(id: string): Promise<WorkloadRecord | null> {
    const row = this.prepare('SELECT * FROM workloads WHERE id = ?').get(id);
    return row === undefined ? null : toWorkload(row);
  }

  async transfers(filter: { readonly open?: boolean; readonly workload?: string } = {}): Promise<TransferRecord[]> {
    const where: string[] = [];
    const params: string[] = [];
    // Only `open: true` filters; `false` means "do not filter", like leaving it out.
    if (filter.open === true) where.push(OPEN_STATUSES);
    if (filter.workload !== undefined) {
      where.push('workload = ?');
      params.push(filter.workload);
    }
    const sql = `SELECT * FROM transfers ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`;
    // One read transaction: the transfers and their steps come from the same snapshot.
    const read = this.db.transaction(() =>
      this.prepare(sql)
        .all(...params)
        .map((row) => this.withSteps(row)),
    );
    return read();
  }

  async transfer(id: string): Promise<TransferRecord | null> {
    const read = this.db.transaction(() => {
      const row = this.prepare('SELECT * FROM transfers WHERE id = ?').get(id);
      return row === undefined ? null : this.withSteps(row);
    });
    return read();
  }

  async latestCheckpoint(workload: string): Promise<CheckpointMeta | null> {
    const row = this.prepare(
      'SELECT * FROM checkpoints WHERE workload = ? ORDER BY sequence DESC, taken_at DESC, id DESC LIMIT 1',
    ).get(workload);
    return row === undefined ? null : toCheckpoint(row);
  }

  async events(after: number, limit: number): Promise<AuditEvent[]> {
    // SQLite reads a negative LIMIT as "no limit"; the port means "at most `limit`".
    if (!(limit >= 1)) return [];
    return this.prepare('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?')
      .all(after, Math.floor(limit))
      .map(toEvent);
  }

  async policy(): Promise<Policy | null> {
    const row = this.prepare('SELECT body FROM policy WHERE id = 1').get();
    return row === undefined ? null : toPolicy(row);
  }

  // API tokens.
  async tokens(): Promise<TokenRecord[]> {
    return this.prepare('SELECT * FROM tokens ORDER BY created_at, id').all().map(toToken);
  }

  async tokenByHash(hash: string): Promise<TokenRecord | null> {
    const row = this.prepare('SELECT * FROM tokens WHERE hash = ?').get(hash);
    return row === undefined ? null : toToken(row);
  }

  async round(hash: string): Promise<RoundRecord | null> {
    const row = this.prepare('SELECT hash, at, body FROM rounds WHERE hash = ?').get(hash);
    return row === undefined ? null : toRound(row);
  }

  async alarms(filter: { readonly open?: boolean } = {}): Promise<AlarmRecord[]> {
    return this.prepare(filter.open === true ? OPEN_ALARMS_SQL : ALARMS_SQL)
      .all()
      .map(toAlarm);
  }

  async alarm(id: string): Promise<AlarmRecord | null> {
    const row = this.prepare(`SELECT ${ALARM_COLUMNS} FROM alarms WHERE id = ?`).get(id);
    return row === undefined ? null : toAlarm(row);
  }

  private withSteps(row: unknown): TransferRecord {
    const id = typeof row === 'object' && row !== null && 'id' in row ? row.id : undefined;
    return toTransfer(row, this.prepare(STEPS).all(id));
  }

  /** Statements are prepared once per connection: preparing costs more than running a small one. */
  private prepare(sql: string): Statement<unknown[]> {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
