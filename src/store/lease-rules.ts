// The lease rules both engines apply, so SQLite and PostgreSQL refuse exactly the same writes.
import { FencedError, type Fence } from '../ports/lease.js';

/** The fence must name the current epoch, and that lease must not have lapsed by the store's clock. */
export function fenceRefusal(
  fence: Fence,
  current: { readonly epoch: number; readonly expiresAt: number } | null,
  now: number,
): FencedError | null {
  if (current === null) return new FencedError(fence, 'unknown-lease', null);
  if (current.epoch > fence.epoch) return new FencedError(fence, 'superseded', current.epoch);
  // An epoch from the future was never granted here (another database, or a bug).
  if (current.epoch < fence.epoch) return new FencedError(fence, 'unknown-lease', current.epoch);
  if (current.expiresAt <= now) return new FencedError(fence, 'expired', current.epoch);
  return null;
}

export function checkLeaseName(name: string): string {
  if (name.length === 0 || name.length > 200)
    throw new RangeError(`lease name must be 1 to 200 characters, got ${JSON.stringify(name)}`);
  return name;
}

export function checkHolder(holder: string): string {
  if (holder.length === 0 || holder.length > 200)
    throw new RangeError(`lease holder must be 1 to 200 characters, got ${JSON.stringify(holder)}`);
  return holder;
}
