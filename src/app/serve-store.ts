// Opens the store of `cascade serve`, with PostgreSQL's lock timeouts fitted to the HA lease when HA is on.
import type { LeasedStore } from '../ports/store.js';
import { openStore, redactUrl, StoreUrlError } from '../store/open-store.js';
import { ConfigError } from './config.js';

/** openStore, its refusal of the value turned into a one-line configuration error (no password in it). */
export function openServeStore(db: string, field: string, leaseTtlMs: number | null): LeasedStore {
  // With HA on PostgreSQL, a frozen leader must not hold the lease row for longer than a fraction of the lease.
  const postgres =
    leaseTtlMs === null
      ? {}
      : {
          postgres: {
            idleInTransactionMs: Math.min(5_000, Math.floor(leaseTtlMs / 2)),
            leaseLockTimeoutMs: Math.min(2_000, Math.floor(leaseTtlMs / 3)),
          },
        };
  try {
    return openStore(db, postgres, field);
  } catch (error) {
    if (error instanceof StoreUrlError) throw new ConfigError(error.message);
    throw new ConfigError(
      `${field}: cannot open the store ${JSON.stringify(redactUrl(db))} (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
    );
  }
}
