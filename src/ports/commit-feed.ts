// Port: "something was committed" notices, so live readers (the event stream, metrics) wait instead of polling.
import type { AuditEvent } from './store.js';

export interface CommitFeed {
  /**
   * Calls `listener` after each commit, with the events it appended in seq order (none for a commit
   * of records only, e.g. a blade's power reading). A notice is a hint to read the store, not the
   * record: readers still page the log by seq. Returns the function that stops listening.
   */
  onCommit(listener: (events: readonly AuditEvent[]) => void): () => void;
}
