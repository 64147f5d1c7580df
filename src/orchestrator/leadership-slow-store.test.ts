// A leader on a slow store keeps its lease: renewals are due from the last grant and have their own deadline,
// so a slow or failed renewal is tried again, and only a lease that truly ran out (or was taken) is given up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from './testing/harness.js';
import type { Lease, LeaseStore, LeaseView } from '../ports/lease.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { Leadership } from './leadership.js';

const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** The store's leases behind a delay on every renewal, and a renewal that fails at once (a reset connection) when told to. */
class SlowLeases implements LeaseStore {
  renewals = 0;
  failNext = false;

  constructor(
    private readonly inner: LeaseStore,
    private readonly renewDelayMs: number,
  ) {}

  acquireLease(name: string, holder: string, ttlMs: number): Promise<Lease | null> {
    return this.inner.acquireLease(name, holder, ttlMs);
  }

  async renewLease(lease: Lease, ttlMs: number): Promise<Lease | null> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('connection reset by the store');
    }
    await new Promise((resolve) => setTimeout(resolve, this.renewDelayMs));
    const renewed = await this.inner.renewLease(lease, ttlMs);
    this.renewals += 1;
    return renewed;
  }

  releaseLease(lease: Lease): Promise<boolean> {
    return this.inner.releaseLease(lease);
  }

  lease(name: string): Promise<LeaseView | null> {
    return this.inner.lease(name);
  }
}

async function sqlite(): Promise<SqliteStore> {
  const dir = mkdtempSync(join(tmpdir(), 'cascade-lease-'));
  const store = SqliteStore.open(join(dir, 'cascade.db'));
  await store.migrate();
  stops.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => store.close(),
  );
  return store;
}

describe('leadership on a slow store', () => {
  it('keeps one term through renewals that each take 30% of the lease, and through a failed one', async () => {
    const ttlMs = 1_500;
    const leases = new SlowLeases(await sqlite(), ttlMs * 0.3);
    const events: string[] = [];
    const leader = new Leadership({
      store: leases,
      holder: 'a',
      ttlMs,
      onGained: (t) => void events.push(`gained ${t.lease.epoch}`),
      onLost: (_t, why) => void events.push(`lost: ${why}`),
    });
    leader.start();
    stops.push(() => leader.stop());
    await eventually(() => leases.renewals >= 4, 20_000, 'four slow renewals');
    leases.failNext = true;
    await eventually(() => leases.renewals >= 7, 20_000, 'renewals after the failed one');
    expect(events).toStrictEqual(['gained 1']);
    expect(leader.current()?.lease.epoch).toBe(1);
  });

  it('still gives the lease up when the store says it was taken over', async () => {
    const store = await sqlite();
    const events: string[] = [];
    const leader = new Leadership({
      store,
      holder: 'a',
      ttlMs: 1_500,
      onGained: () => {},
      onLost: (_t, why) => void events.push(why),
    });
    leader.start();
    stops.push(() => leader.stop());
    await eventually(() => leader.current() !== null, 10_000, 'a to lead');
    const held = await store.lease('controller');
    await store.releaseLease(held!);
    expect(await store.acquireLease('controller', 'b', 60_000)).toMatchObject({ holder: 'b' });
    await eventually(() => events.length > 0, 10_000, 'a to step down');
    expect(events).toStrictEqual(['the store no longer grants it (lapsed or taken over)']);
    expect(leader.current()).toBeNull();
  });
});
