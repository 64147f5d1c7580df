// Transactions on a pooled connection that survive a lost session: a connection that dies before COMMIT was
// sent is retried once on a fresh one (the server rolled it back); one that dies during COMMIT is not.
import type { Pool, PoolClient } from 'pg';

/**
 * A checked-out connection with an 'error' listener: pg emits 'error' on a client whose server session
 * ends between two statements (idle_in_transaction_session_timeout, a database failover, a restart);
 * with no listener that event would end the whole process instead of failing the next query.
 */
export async function checkout(
  pool: Pool,
): Promise<{ client: PoolClient; failed: () => Error | undefined; release: (broken?: Error) => void }> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (error: Error): void => {
    lost = error;
  };
  client.on('error', onError);
  return {
    client,
    failed: () => lost,
    release: (broken) => {
      client.removeListener('error', onError);
      // A connection that failed is discarded, never handed to the next caller.
      client.release(broken ?? lost);
    },
  };
}

/** SQLSTATEs and messages of a session that ended under us, as opposed to a statement the server refused. */
export function isConnectionLoss(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('08') || ['25P03', '57P01', '57P02', '57P03'].includes(code)))
    return true;
  return /Connection terminated|not queryable|ECONNRESET|EPIPE|ECONNREFUSED/.test(error.message);
}

/**
 * Runs `work` between `begin` and COMMIT. When the connection is lost before COMMIT was sent, nothing was
 * committed, so the whole transaction runs once more on a fresh connection: a controller frozen past its
 * session's idle timeout then gets a real answer on waking (for a leader's write: the fence's verdict).
 */
export async function inTransaction<T>(
  pool: Pool,
  begin: string,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const { client, failed, release } = await checkout(pool);
    let committing = false;
    let broken: Error | undefined;
    try {
      await client.query(begin);
      const result = await work(client);
      committing = true;
      await client.query('COMMIT');
      return result;
    } catch (error) {
      if (!committing) {
        await client.query('ROLLBACK').catch((rollbackError: unknown) => {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
      } else {
        broken = error instanceof Error ? error : new Error(String(error));
      }
      const lost = failed() !== undefined || isConnectionLoss(error);
      if (lost && !committing && attempt === 1) continue;
      throw error;
    } finally {
      release(broken);
    }
  }
}
