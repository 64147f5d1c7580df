// Leases and the fence check in PostgreSQL: the database's clock is the one clock every controller shares.
import type { PoolClient } from 'pg';
import { z } from 'zod';
import { checkTtl, type Fence, type Lease, type LeaseView } from '../../ports/lease.js';
import { checkHolder, checkLeaseName, fenceRefusal } from '../lease-rules.js';

/** Whole ms since the epoch by the database's clock at the moment the statement runs (not the transaction's start). */
const NOW_MS = 'floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint';

// One statement decides and grants: concurrent requests for a missing row meet at the primary key,
// and the loser re-checks the WHERE against the winner's committed row (READ COMMITTED upsert rules).
const ACQUIRE = `
INSERT INTO leases AS l (name, holder, epoch, acquired_at, renewed_at, expires_at)
SELECT $1, $2, 1, n.ms, n.ms, n.ms + $3 FROM (SELECT ${NOW_MS} AS ms) n
ON CONFLICT (name) DO UPDATE SET
  holder = excluded.holder, epoch = l.epoch + 1, acquired_at = excluded.acquired_at,
  renewed_at = excluded.renewed_at, expires_at = excluded.expires_at
WHERE l.expires_at <= excluded.acquired_at OR l.holder = excluded.holder
RETURNING l.*`;

const RENEW = `
UPDATE leases AS l SET renewed_at = n.ms, expires_at = n.ms + $4
FROM (SELECT ${NOW_MS} AS ms) n
WHERE l.name = $1 AND l.holder = $2 AND l.epoch = $3 AND l.expires_at > n.ms
RETURNING l.*`;

const RELEASE = `
UPDATE leases AS l SET expires_at = n.ms
FROM (SELECT ${NOW_MS} AS ms) n
WHERE l.name = $1 AND l.holder = $2 AND l.epoch = $3 AND l.expires_at > n.ms`;

const READ = `SELECT l.*, n.ms AS now FROM leases l, (SELECT ${NOW_MS} AS ms) n WHERE l.name = $1`;

// FOR SHARE: a grant (an UPDATE of this row) waits until the writing transaction ends, so no newer
// epoch can be granted between this check and the commit of the batch it guards.
const FENCE = `SELECT l.epoch, l.expires_at, n.ms AS now FROM leases l, (SELECT ${NOW_MS} AS ms) n WHERE l.name = $1 FOR SHARE OF l`;

const leaseRow = z.object({
  name: z.string(),
  holder: z.string(),
  epoch: z.number(),
  acquired_at: z.number(),
  renewed_at: z.number(),
  expires_at: z.number(),
});

const fenceRow = z.object({ epoch: z.number(), expires_at: z.number(), now: z.number() });

function toLease(row: unknown): Lease {
  const r = leaseRow.parse(row);
  return {
    name: r.name,
    holder: r.holder,
    epoch: r.epoch,
    acquiredAt: r.acquired_at,
    renewedAt: r.renewed_at,
    expiresAt: r.expires_at,
  };
}

export async function acquireLease(
  client: PoolClient,
  name: string,
  holder: string,
  ttlMs: number,
): Promise<Lease | null> {
  const { rows } = await client.query(ACQUIRE, [checkLeaseName(name), checkHolder(holder), checkTtl(ttlMs)]);
  return rows[0] === undefined ? null : toLease(rows[0]);
}

export async function renewLease(client: PoolClient, lease: Lease, ttlMs: number): Promise<Lease | null> {
  const { rows } = await client.query(RENEW, [lease.name, lease.holder, lease.epoch, checkTtl(ttlMs)]);
  return rows[0] === undefined ? null : toLease(rows[0]);
}

export async function releaseLease(client: PoolClient, lease: Lease): Promise<boolean> {
  const result = await client.query(RELEASE, [lease.name, lease.holder, lease.epoch]);
  return (result.rowCount ?? 0) > 0;
}

export async function readLease(client: PoolClient, name: string): Promise<LeaseView | null> {
  const { rows } = await client.query(READ, [name]);
  const row: unknown = rows[0];
  if (row === undefined) return null;
  const now = z.object({ now: z.number() }).parse(row).now;
  const lease = toLease(row);
  return { ...lease, remainingMs: Math.max(0, lease.expiresAt - now) };
}

/** Inside the commit's transaction: throws FencedError (and the caller rolls back) unless `fence` is the live lease. */
export async function checkFence(client: PoolClient, fence: Fence): Promise<void> {
  const { rows } = await client.query(FENCE, [fence.lease]);
  const row = rows[0] === undefined ? null : fenceRow.parse(rows[0]);
  const refusal = fenceRefusal(
    fence,
    row === null ? null : { epoch: row.epoch, expiresAt: row.expires_at },
    row?.now ?? 0,
  );
  if (refusal !== null) throw refusal;
}
