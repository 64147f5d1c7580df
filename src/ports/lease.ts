// Port: leadership among several controllers on one store: a lease with an epoch, and fenced commits.
// One controller leads a partition (the whole site, or one zone) while it holds the lease; every write
// it makes carries the lease's epoch, and the store refuses it once that epoch is no longer current.

/** A lease as the store granted it. Times are the store's clock (ms since the epoch). */
export interface Lease {
  /** The partition it guards: "controller" for a whole site, or e.g. "zone:eu-1". */
  readonly name: string;
  /** Who holds it: unique per controller process, e.g. "host-a:4711:3f9c". */
  readonly holder: string;
  /** 1, 2, 3, ...: one more for every grant, never reused; the fencing token. */
  readonly epoch: number;
  readonly acquiredAt: number;
  readonly renewedAt: number;
  readonly expiresAt: number;
}

/** What a reader sees: the lease, and how long it still runs by the store's clock (0 once lapsed). */
export interface LeaseView extends Lease {
  readonly remainingMs: number;
}

/** Carried by every write of a leader: the store commits only while this is the live lease. */
export interface Fence {
  readonly lease: string;
  readonly epoch: number;
}

export interface CommitOptions {
  /** Refuse the whole batch (FencedError, nothing written) unless `fence` names the live lease. */
  readonly fence?: Fence;
}

export type FencedReason =
  /** A newer epoch exists: another controller took over. */
  | 'superseded'
  /** No newer leader yet, but the lease lapsed (or its holder gave it up). */
  | 'expired'
  /** The lease was never granted in this store. */
  | 'unknown-lease';

/** A write refused because its fence is stale. The writer must stop acting as leader. */
export class FencedError extends Error {
  readonly code = 'fenced';

  constructor(
    readonly fence: Fence,
    readonly reason: FencedReason,
    /** The epoch the store holds now, or null when unknown (no such lease, or the store was not asked). */
    readonly currentEpoch: number | null,
    /**
     * `store`: the database refused it inside the commit's transaction (the authority). `holder`: the
     * controller refused it before sending, because it could not tell the store it had given up.
     */
    readonly decidedBy: 'store' | 'holder' = 'store',
  ) {
    super(
      `write refused: lease "${fence.lease}" epoch ${fence.epoch} is ${reason}${currentEpoch === null ? '' : ` (current epoch ${currentEpoch})`}`,
    );
    this.name = 'FencedError';
  }
}

export function isFencedError(error: unknown): error is FencedError {
  return error instanceof FencedError;
}

/**
 * Leases live in the same database as the records they guard, so a fenced commit checks the
 * lease inside its own transaction: no write can land after a newer leader was granted.
 */
export interface LeaseStore {
  /**
   * Grants the lease to `holder` with a new epoch when nobody holds it, it lapsed, or `holder`
   * already holds it (a restarted process with the same name starts a new term). Null while
   * another holder's lease runs.
   */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<Lease | null>;
  /** Extends a live lease of the same holder and epoch; null once it lapsed or was taken over. */
  renewLease(lease: Lease, ttlMs: number): Promise<Lease | null>;
  /** Ends the lease now if it is still this one, so a standby takes over without waiting. */
  releaseLease(lease: Lease): Promise<boolean>;
  /** The lease as it stands, lapsed or not; null when it was never granted. */
  lease(name: string): Promise<LeaseView | null>;
}

/** Lease time-to-live bounds the stores accept (ms): a lease shorter than a round trip is useless. */
export const MIN_LEASE_TTL_MS = 1;
export const MAX_LEASE_TTL_MS = 24 * 3600 * 1000;

export function checkTtl(ttlMs: number): number {
  if (!Number.isSafeInteger(ttlMs) || ttlMs < MIN_LEASE_TTL_MS || ttlMs > MAX_LEASE_TTL_MS) {
    throw new RangeError(
      `lease ttlMs must be a whole number of ms in [${MIN_LEASE_TTL_MS}, ${MAX_LEASE_TTL_MS}], got ${ttlMs}`,
    );
  }
  return ttlMs;
}
