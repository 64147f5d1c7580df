// The alarms failure detection raises: a suspect blade, a whole endpoint that stopped answering, refused
// credentials. Each is raised once when its condition begins and cleared once when it ends (src/wire/alarms.ts).
import type { BladeObservation } from '../../core/verdict.js';
import type { BladeRecord, NewAuditEvent } from '../../ports/store.js';
import { alarmEvent, alarmId, type AlarmKind, type AlarmSeverity } from '../../wire/alarms.js';

/** What the last observation of a blade said about its management path. */
export type PathState = 'answers' | 'silent' | 'refused';

export class DetectionAlarms {
  /** alarm ids raised and not cleared by this controller. */
  readonly #raised = new Set<string>();
  /** blade -> its endpoint and its path's state at the last observation. */
  readonly #paths = new Map<string, { readonly endpoint: string; readonly path: PathState }>();

  isRaised(kind: AlarmKind, subject: string): boolean {
    return this.#raised.has(alarmId(kind, subject));
  }

  raise(kind: AlarmKind, subject: string, message: string, severity: AlarmSeverity, at: number): NewAuditEvent[] {
    const id = alarmId(kind, subject);
    if (this.#raised.has(id)) return [];
    this.#raised.add(id);
    return [alarmEvent('alarm.raised', at, 'controller', subject, { kind, message, severity })];
  }

  clear(kind: AlarmKind, subject: string, message: string, at: number): NewAuditEvent[] {
    if (!this.#raised.delete(alarmId(kind, subject))) return [];
    return [alarmEvent('alarm.cleared', at, 'controller', subject, { kind, message })];
  }

  /**
   * Records one blade's path state and returns the endpoint alarms it starts or ends: `endpoint.unreachable` when
   * every blade of the endpoint is silent, `credentials.refused` when one is refused after a fresh login.
   * `blades`: the ids of every blade of that endpoint the store knows.
   */
  path(
    blade: string,
    endpoint: string,
    path: PathState,
    blades: readonly string[],
    at: number,
    why: string,
  ): NewAuditEvent[] {
    this.#paths.set(blade, { endpoint, path });
    const events: NewAuditEvent[] = [];
    if (path === 'refused') {
      events.push(
        ...this.raise(
          'credentials.refused',
          endpoint,
          `endpoint ${endpoint}: ${why}; fix the credentials`,
          'critical',
          at,
        ),
      );
    } else if (path === 'answers') {
      events.push(...this.clear('credentials.refused', endpoint, `endpoint ${endpoint}: authentication accepted`, at));
      events.push(...this.clear('endpoint.unreachable', endpoint, `endpoint ${endpoint} answers again`, at));
    }
    if (path === 'silent') {
      const seen = blades.map((b) => this.#paths.get(b));
      const allSilent = seen.every((s) => s !== undefined && s.endpoint === endpoint && s.path === 'silent');
      if (allSilent && blades.length > 1) {
        const message = `endpoint ${endpoint}: none of its ${blades.length} blades answers (${why}); they are suspect, nothing moves`;
        events.push(...this.raise('endpoint.unreachable', endpoint, message, 'critical', at));
      }
    }
    return events;
  }

  forget(blade: string): void {
    this.#paths.delete(blade);
  }

  /**
   * The alarms one observation of a blade starts or ends: its endpoint's (see path()), its own suspect alarm once
   * `due` (never beside its whole endpoint's), and that alarm's clear once the blade is neither suspect nor failed.
   * `all`: every blade the store knows when the path is silent (is the whole endpoint silent?), else none.
   */
  forObservation(
    o: {
      readonly blade: BladeRecord;
      readonly seen: BladeObservation;
      readonly due: boolean;
      readonly verdict: string;
      readonly reason: string;
      readonly now: number;
    },
    all: readonly BladeRecord[],
    endpointOf: (b: BladeRecord) => string,
  ): NewAuditEvent[] {
    const { blade, seen, verdict, reason, now } = o;
    const endpoint = endpointOf(blade);
    const path = seen.kind === 'status' ? 'answers' : seen.code === 'auth' ? 'refused' : 'silent';
    const peers = all.filter((b) => endpointOf(b) === endpoint).map((b) => b.id);
    const message = seen.kind === 'error' ? seen.message : 'answers';
    const events = this.path(blade.id, endpoint, path, peers, now, message);
    // One alarm for a whole silent endpoint, not one per blade.
    if (o.due && !this.isRaised('endpoint.unreachable', endpoint)) {
      const text = `blade ${blade.id} is suspect: ${reason}; its workload is left alone`;
      events.push(...this.raise('blade.suspect', blade.id, text, 'warning', now));
    }
    if (verdict !== 'suspect' && verdict !== 'failed')
      events.push(...this.clear('blade.suspect', blade.id, `blade ${blade.id}: ${verdict}`, now));
    return events;
  }
}
