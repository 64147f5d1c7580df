// Which alarm events are news to a receiver: a fold of open alarms over the log, so a second raise of an alarm
// already open (two standbys raising leadership.lost at once) or a clear of one already cleared is not sent again.
import { alarmIdOf } from '../alarms/projection.js';
import type { AuditEvent } from '../ports/store.js';

export class AlarmNews {
  private readonly open: Set<string>;

  /** `open`: the ids of the alarms open at the point of the log the fold starts from. */
  constructor(open: Iterable<string>) {
    this.open = new Set(open);
  }

  /** Applies `e` and says whether a receiver learns something from it; events about no alarm always are news. */
  hear(e: AuditEvent): boolean {
    const id = alarmIdOf(e);
    if (id === null) return true;
    if (e.type === 'alarm.raised') {
      if (this.open.has(id)) return false;
      this.open.add(id);
      return true;
    }
    if (e.type === 'alarm.cleared') return this.open.delete(id);
    return this.open.has(id);
  }
}
