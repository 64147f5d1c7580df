// Turns any Store into a CommitFeed: after each commit, listeners hear of it and of the events it appended.
import type { CommitFeed } from '../ports/commit-feed.js';
import type { AuditEvent, Store } from '../ports/store.js';

/**
 * Wraps `store.commit` on this one instance instead of wrapping the whole store in a decorator: the
 * Store interface grows with several issues (leases, tokens, ...) and a decorator would have to
 * forward every method, while this keeps the instance, its type and all its other methods as they are.
 * Call it once, in the composition root, before the controller and the API share the store.
 */
export function observeCommits<S extends Store>(store: S): CommitFeed {
  const listeners = new Set<(events: readonly AuditEvent[]) => void>();
  const commit = store.commit.bind(store);
  const observed: Store['commit'] = async (...args) => {
    const events = await commit(...args);
    for (const listener of listeners) {
      // A listener's bug must never turn a commit that landed into one the caller thinks failed.
      try {
        listener(events);
      } catch {
        /* the listener's own problem; the commit stands */
      }
    }
    return events;
  };
  Object.defineProperty(store, 'commit', { value: observed, configurable: true, writable: true });
  return {
    onCommit(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
