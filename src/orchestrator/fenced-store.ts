// A leader's view of the store: every commit carries the term's fence, and a refusal ends the term.
import { FencedError } from '../ports/lease.js';
import type { Store } from '../ports/store.js';
import type { Term } from './leadership.js';

/**
 * The same store with one method changed: commit() adds `{ fence }`, so the database refuses any write
 * of this term once a newer epoch exists or the lease lapsed. Reads pass through (a standby reads too).
 *
 * A Proxy rather than a class that forwards each method: the Store interface grows with other issues
 * (tokens, ...) and a forwarding class would silently miss the next method; the Proxy forwards them all.
 *
 * A holder that already knows it lost still sends its writes, after telling the store it gave up, so
 * the store stays the one authority that refuses them; only when it could not reach the store to say
 * so does it refuse a write itself (`decidedBy: 'holder'`).
 */
export function fencedStore<S extends Store>(store: S, term: Term, onRefused: (error: FencedError) => void): S {
  const commit: Store['commit'] = async (batch, options = {}) => {
    if (term.lost && !(await term.released)) {
      const error = new FencedError(term.fence, 'expired', null, 'holder');
      onRefused(error);
      throw error;
    }
    try {
      return await store.commit(batch, { ...options, fence: term.fence });
    } catch (error) {
      if (error instanceof FencedError) onRefused(error);
      throw error;
    }
  };
  return new Proxy(store, {
    get(target, property) {
      if (property === 'commit') return commit;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
