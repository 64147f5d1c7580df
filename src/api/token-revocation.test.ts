// A revocation written by another process (the CLI on the same store) reaches this process's token cache.
import { afterEach, describe, expect, it } from 'vitest';
import { apiHarness, FOUR_SERVERS, type ApiHarness } from './testing/api-harness.js';

let t: ApiHarness | null = null;
afterEach(async () => {
  await t?.stop();
  t = null;
});

describe('token revocation from outside the API', () => {
  it('clears a cached token as soon as the tail of the log reads its revocation, long before the cache expires', async () => {
    // No commit feed: like `cascade token revoke` in another process, the write is seen only by the log's poll.
    t = await apiHarness(FOUR_SERVERS, { poll: true, tokenCacheMs: 10 * 60_000 });
    const blades = () => t!.request('GET', '/api/v1/blades?limit=1', { as: 'operator' });
    expect((await blades()).status).toBe(200); // cached for ten minutes from here
    const [operator] = (await t.h.store.tokens()).filter((token) => token.name === 'operator-1');
    const now = Date.now();
    const events = await t.h.store.commit({
      tokens: [{ ...operator!, revokedAt: now }],
      events: [
        { at: now, actor: 'operator:cli', type: 'token.revoked', subject: operator!.id, data: { name: 'operator-1' } },
      ],
    });
    const revokedAt = events.at(-1)!.seq;
    // The same tail wakes the event stream's readers: once it has moved past the revocation, the cache heard it.
    while (t.api.tail.head() < revokedAt) await t.api.tail.wait(t.api.tail.head(), 1_000);
    expect((await blades()).status).toBe(401);
  });
});
