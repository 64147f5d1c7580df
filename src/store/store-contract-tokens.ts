// Store contract, part three: API tokens round-trip, are found by hash, revoke, and keep names unique.
import { describe, expect, it } from 'vitest';
import type { TokenRecord } from '../ports/store.js';
import type { ContractContext } from './store-contract.js';
import { T0, blade, event } from './store-contract-records.js';

export function token(id: string, overrides: Partial<TokenRecord> = {}): TokenRecord {
  // A distinct 64-hex-digit hash per id, as sha256 would give.
  const hex = Buffer.from(id).toString('hex');
  return {
    id,
    name: `name-${id}`,
    role: 'viewer',
    hash: hex.padEnd(64, '0').slice(0, 64),
    createdAt: T0,
    revokedAt: null,
    ...overrides,
  };
}

export function tokenContract(context: ContractContext): void {
  describe('tokens', () => {
    it('start empty, round-trip exactly, sorted by createdAt then id', async () => {
      const store = context.store();
      expect(await store.tokens()).toStrictEqual([]);
      const records = [
        token('t3', { role: 'admin', createdAt: T0 + 10 }),
        token('t2', { role: 'operator' }),
        token('t10', { name: 'ops-Ω', revokedAt: T0 + 5 }),
      ];
      await store.commit({ tokens: records });
      expect((await store.tokens()).map((t) => t.id)).toStrictEqual(['t10', 't2', 't3']);
      for (const record of records) expect(await store.tokenByHash(record.hash)).toStrictEqual(record);
      expect(await store.tokenByHash('f'.repeat(64))).toBeNull();
    });

    it('are replaced by an upsert: revocation sticks', async () => {
      const store = context.store();
      await store.commit({ tokens: [token('t1')] });
      const revoked = token('t1', { revokedAt: T0 + 99 });
      await store.commit({ tokens: [revoked] });
      expect(await store.tokens()).toStrictEqual([revoked]);
      expect(await store.tokenByHash(revoked.hash)).toStrictEqual(revoked);
    });

    it('refuse a second token with a name or hash already taken, atomically', async () => {
      const store = context.store();
      await store.commit({ tokens: [token('t1', { name: 'ci' })] });
      await expect(
        store.commit({ blades: [blade('A')], events: [event(1)], tokens: [token('t2', { name: 'ci' })] }),
      ).rejects.toThrow();
      await expect(store.commit({ tokens: [token('t3', { hash: token('t1').hash })] })).rejects.toThrow();
      expect((await store.tokens()).map((t) => t.id)).toStrictEqual(['t1']);
      expect(await store.blades()).toStrictEqual([]);
      expect(await store.events(0, 10)).toStrictEqual([]);
    });

    it('refuse a role outside viewer, operator, admin', async () => {
      const store = context.store();
      await expect(store.commit({ tokens: [token('t1', { role: 'root' as TokenRecord['role'] })] })).rejects.toThrow();
      expect(await store.tokens()).toStrictEqual([]);
    });
  });
}
