// Leases and the fence check on SQLite: the same rules as PostgreSQL, for controllers that share one file.
import { z } from 'zod';
import { checkTtl, type Fence, type Lease, type LeaseView } from '../../ports/lease.js';
import { checkHolder, checkLeaseName, fenceRefusal } from '../lease-rules.js';
import type { Prepare } from './write-batch.js';

const leaseRow = z.object({
  name: z.string(),
  holder: z.string(),
  epoch: z.number(),
  acquired_at: z.number(),
  renewed_at: z.number(),
  expires_at: z.number(),
});

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

// One statement, so the decision and the grant cannot be split: the row is taken when absent, lapsed,
// or already ours, and the epoch grows by one on every grant.
const ACQUIRE = `
INSERT INTO leases (name, holder, epoch, acquired_at, renewed_at, expires_at)
VALUES (@name, @holder, 1, @now, @now, @now + @ttl)
ON CONFLICT (name) DO UPDATE SET
  holder = excluded.holder, epoch = leases.epoch + 1, acquired_at = excluded.acquired_at,
  renewed_at = excluded.renewed_at, expires_at = excluded.expires_at
WHERE leases.expires_at <= @now OR leases.holder = @holder
RETURNING *`;

const RENEW = `
UPDATE leases SET renewed_at = @now, expires_at = @now + @ttl
WHERE name = @name AND holder = @holder AND epoch = @epoch AND expires_at > @now
RETURNING *`;

const RELEASE = `
UPDATE leases SET expires_at = @now
WHERE name = @name AND holder = @holder AND epoch = @epoch AND expires_at > @now`;

const READ = 'SELECT * FROM leases WHERE name = ?';

/** Each function runs inside the caller's IMMEDIATE transaction. */
export function acquireLease(prepare: Prepare, name: string, holder: string, ttlMs: number, now: number): Lease | null {
  const row = prepare(ACQUIRE).get({
    name: checkLeaseName(name),
    holder: checkHolder(holder),
    now,
    ttl: checkTtl(ttlMs),
  });
  return row === undefined ? null : toLease(row);
}

export function renewLease(prepare: Prepare, lease: Lease, ttlMs: number, now: number): Lease | null {
  const row = prepare(RENEW).get({
    name: lease.name,
    holder: lease.holder,
    epoch: lease.epoch,
    now,
    ttl: checkTtl(ttlMs),
  });
  return row === undefined ? null : toLease(row);
}

export function releaseLease(prepare: Prepare, lease: Lease, now: number): boolean {
  return prepare(RELEASE).run({ name: lease.name, holder: lease.holder, epoch: lease.epoch, now }).changes > 0;
}

export function readLease(prepare: Prepare, name: string, now: number): LeaseView | null {
  const row = prepare(READ).get(name);
  if (row === undefined) return null;
  const lease = toLease(row);
  return { ...lease, remainingMs: Math.max(0, lease.expiresAt - now) };
}

/** Throws FencedError unless `fence` is the live lease; the caller's transaction then rolls back. */
export function checkFence(prepare: Prepare, fence: Fence, now: number): void {
  const refusal = fenceRefusal(fence, readLease(prepare, fence.lease, now), now);
  if (refusal !== null) throw refusal;
}
