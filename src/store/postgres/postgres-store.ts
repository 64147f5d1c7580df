// The Store on PostgreSQL (the `pg` pool): for several controllers on one replicated database (DESIGN section 7).
import pg, { type Pool, type PoolClient } from 'pg';
import type { Policy } from '../../core/model.js';
import type { CommitOptions, Lease, LeaseView } from '../../ports/lease.js';
import { ALARM_COLUMNS, ALARMS_SQL, OPEN_ALARMS_SQL, toAlarm } from '../alarm-rows.js';
import type {
  AlarmRecord,
  AuditEvent,
  Batch,
  BladeRecord,
  CheckpointMeta,
  LeasedStore,
  RoundRecord,
  TokenRecord,
  TransferRecord,
  WorkloadRecord,
} from '../../ports/store.js';
import { POSTGRES_MIGRATIONS } from '../migrations/postgres.js';
// The row checkers are engine-neutral: the queries below shape PostgreSQL rows exactly like SQLite's.
import { toBlade, toCheckpoint, toEvent, toPolicy, toRound, toToken, toTransfer, toWorkload } from '../sqlite/rows.js';
import { migrate, schemaVersionOf } from './migrate.js';
import { acquireLease, checkFence, readLease, releaseLease, renewLease } from './pg-leases.js';
import { inTransaction } from './pg-transaction.js';
import { writeBatch } from './write-batch.js';

export interface PostgresStoreOptions {
  /** Connections in the pool; default 10. */
  readonly maxConnections?: number;
  /**
   * The server ends a session that sits idle inside a transaction this long (ms), releasing its locks;
   * default 5000. A leader frozen mid-commit (SIGSTOP, a VM pause) would otherwise hold the lease row
   * and block every standby's takeover for as long as it stays frozen. Keep it below the lease TTL.
   */
  readonly idleInTransactionMs?: number;
  /** How long a lease call waits for a row lock before giving up (ms); default 2000. The caller retries. */
  readonly leaseLockTimeoutMs?: number;
  /** How long to wait for a connection (ms); default 5000. */
  readonly connectTimeoutMs?: number;
}

const { types } = pg;

/**
 * Per pool, not global: bigint becomes a JS number (our times and sequences stay below 2^53; a larger
 * value stays a string and the row checker refuses it), json stays the exact text that was written.
 */
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === types.builtins.INT8)
      return (text: string) => (Number.isSafeInteger(Number(text)) ? Number(text) : text);
    if (oid === types.builtins.JSON || oid === types.builtins.JSONB) return (text: string) => text;
    return format === 'binary' ? types.getTypeParser(oid, 'binary') : types.getTypeParser(oid, 'text');
  }) as typeof types.getTypeParser,
};

const TRANSFER_COLUMNS = `id, kind, workload, from_blade, to_blade, fit_before, fit_after, status, reason,
  drain::int AS drain, created_at, updated_at`;
const STEP_COLUMNS = 'transfer, name, status, attempt, started_at, ended_at, error, output';

export class PostgresStore implements LeasedStore {
  private closed = false;

  private constructor(
    private readonly pool: Pool,
    private readonly leaseLockTimeoutMs: number,
  ) {}

  /** Connects lazily: the first query opens the first connection. Call migrate() before anything else. */
  static connect(url: string, options: PostgresStoreOptions = {}): PostgresStore {
    const idle = options.idleInTransactionMs ?? 5000;
    const pool = new pg.Pool({
      connectionString: url,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      keepAlive: true,
      application_name: 'cascade',
      options: `-c idle_in_transaction_session_timeout=${Math.floor(idle)}`,
      types: TYPES,
    });
    // An idle connection that breaks (server restart, failover) emits 'error' on the pool; unhandled,
    // it would end the process. The pool drops that connection and the next query opens a new one.
    pool.on('error', () => {});
    return new PostgresStore(pool, options.leaseLockTimeoutMs ?? 2000);
  }

  async migrate(): Promise<void> {
    await migrate(this.pool, POSTGRES_MIGRATIONS);
  }

  async schemaVersion(): Promise<number> {
    return schemaVersionOf(this.pool);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  async commit(batch: Batch, options: CommitOptions = {}): Promise<AuditEvent[]> {
    return this.transaction('BEGIN', async (client) => {
      if (options.fence !== undefined) await checkFence(client, options.fence);
      return writeBatch(client, batch);
    });
  }

  async blades(): Promise<BladeRecord[]> {
    return (await this.pool.query('SELECT * FROM blades ORDER BY id')).rows.map(toBlade);
  }

  async blade(id: string): Promise<BladeRecord | null> {
    const { rows } = await this.pool.query('SELECT * FROM blades WHERE id = $1', [id]);
    return rows[0] === undefined ? null : toBlade(rows[0]);
  }

  async workloads(): Promise<WorkloadRecord[]> {
    return (await this.pool.query('SELECT * FROM workloads ORDER BY id')).rows.map(toWorkload);
  }

  async workload(id: string): Promise<WorkloadRecord | null> {
    const { rows } = await this.pool.query('SELECT * FROM workloads WHERE id = $1', [id]);
    return rows[0] === undefined ? null : toWorkload(rows[0]);
  }

  async transfers(filter: { readonly open?: boolean; readonly workload?: string } = {}): Promise<TransferRecord[]> {
    const where: string[] = [];
    const params: string[] = [];
    // Only `open: true` filters; `false` means "do not filter", like leaving it out.
    if (filter.open === true) where.push("status IN ('running', 'waiting')");
    if (filter.workload !== undefined) {
      params.push(filter.workload);
      where.push(`workload = $${params.length}`);
    }
    const sql = `SELECT ${TRANSFER_COLUMNS} FROM transfers ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`;
    return this.snapshot(async (client) => this.withSteps(client, (await client.query(sql, params)).rows));
  }

  async transfer(id: string): Promise<TransferRecord | null> {
    const [found] = await this.snapshot(async (client) =>
      this.withSteps(
        client,
        (await client.query(`SELECT ${TRANSFER_COLUMNS} FROM transfers WHERE id = $1`, [id])).rows,
      ),
    );
    return found ?? null;
  }

  async latestCheckpoint(workload: string): Promise<CheckpointMeta | null> {
    const { rows } = await this.pool.query(
      'SELECT * FROM checkpoints WHERE workload = $1 ORDER BY sequence DESC, taken_at DESC, id DESC LIMIT 1',
      [workload],
    );
    return rows[0] === undefined ? null : toCheckpoint(rows[0]);
  }

  async events(after: number, limit: number): Promise<AuditEvent[]> {
    if (!(limit >= 1) || Number.isNaN(after) || after >= Number.MAX_SAFE_INTEGER) return [];
    // seq is a whole number, so seq > after is seq > floor(after): compared as bigint, the index serves it.
    const { rows } = await this.pool.query('SELECT * FROM events WHERE seq > $1::bigint ORDER BY seq LIMIT $2', [
      Math.max(0, Math.floor(after)),
      Math.floor(Math.min(limit, Number.MAX_SAFE_INTEGER)),
    ]);
    return rows.map(toEvent);
  }

  async policy(): Promise<Policy | null> {
    const { rows } = await this.pool.query('SELECT body FROM policy WHERE id = 1');
    return rows[0] === undefined ? null : toPolicy(rows[0]);
  }

  // API tokens.
  async tokens(): Promise<TokenRecord[]> {
    return (await this.pool.query('SELECT * FROM tokens ORDER BY created_at, id')).rows.map(toToken);
  }

  async tokenByHash(hash: string): Promise<TokenRecord | null> {
    const { rows } = await this.pool.query('SELECT * FROM tokens WHERE hash = $1', [hash]);
    return rows[0] === undefined ? null : toToken(rows[0]);
  }

  async round(hash: string): Promise<RoundRecord | null> {
    const { rows } = await this.pool.query('SELECT hash, at, body FROM rounds WHERE hash = $1', [hash]);
    return rows[0] === undefined ? null : toRound(rows[0]);
  }

  async alarms(filter: { readonly open?: boolean } = {}): Promise<AlarmRecord[]> {
    return (await this.pool.query(filter.open === true ? OPEN_ALARMS_SQL : ALARMS_SQL)).rows.map(toAlarm);
  }

  async alarm(id: string): Promise<AlarmRecord | null> {
    const { rows } = await this.pool.query(`SELECT ${ALARM_COLUMNS} FROM alarms WHERE id = $1`, [id]);
    return rows[0] === undefined ? null : toAlarm(rows[0]);
  }

  // --- leases: the database's clock decides, whatever the clocks of the controllers' hosts say ---

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<Lease | null> {
    return this.leaseCall((client) => acquireLease(client, name, holder, ttlMs));
  }

  async renewLease(lease: Lease, ttlMs: number): Promise<Lease | null> {
    return this.leaseCall((client) => renewLease(client, lease, ttlMs));
  }

  async releaseLease(lease: Lease): Promise<boolean> {
    return this.leaseCall((client) => releaseLease(client, lease));
  }

  async lease(name: string): Promise<LeaseView | null> {
    return this.transaction('BEGIN READ ONLY', (client) => readLease(client, name));
  }

  /** A lease call waits for the row at most leaseLockTimeoutMs: a standby must not hang behind a frozen leader. */
  private leaseCall<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.transaction('BEGIN', async (client) => {
      await client.query("SELECT set_config('lock_timeout', $1, true)", [String(Math.floor(this.leaseLockTimeoutMs))]);
      return work(client);
    });
  }

  /** Reads that must agree with each other (transfers and their steps) come from one snapshot. */
  private snapshot<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', work);
  }

  private transaction<T>(begin: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, begin, work);
  }

  private async withSteps(client: PoolClient, rows: readonly unknown[]): Promise<TransferRecord[]> {
    const ids = rows.map((row) => (typeof row === 'object' && row !== null && 'id' in row ? String(row.id) : ''));
    if (ids.length === 0) return [];
    const steps = await client.query(
      `SELECT ${STEP_COLUMNS} FROM transfer_steps WHERE transfer = ANY($1) ORDER BY transfer, position`,
      [ids],
    );
    const byTransfer = new Map<string, unknown[]>();
    for (const step of steps.rows as { transfer: string }[]) {
      const list = byTransfer.get(step.transfer) ?? [];
      list.push(step);
      byTransfer.set(step.transfer, list);
    }
    return rows.map((row, i) => toTransfer(row, byTransfer.get(ids[i] ?? '') ?? []));
  }
}
