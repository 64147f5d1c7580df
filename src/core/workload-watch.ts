// Workload monitoring on a healthy blade: when a workload whose blade answers and looks well has lost its own sign of
// life long enough to be down, and whether to restart it in place or move it. Pure: the caller supplies the time.
//
// The rule, like vSphere HA's VM monitoring and Pacemaker's resource recovery: a workload not alive for
// `failAfterMs`, over at least `consecutive` observations (flap damping, as for blade verdicts), is down and is
// restarted where it is. After RESTART_LIMIT restarts within RESTART_WINDOW_MS (Pacemaker's migration-threshold and
// failure-timeout) the next failure moves it to another blade instead: the blade may be fine, the pairing is not.
import type { DetectionSettings } from './verdict.js';

/** Restarts in place within the window after which the next failure moves the workload (migration-threshold). */
export const RESTART_LIMIT = 3;
/** How long a restart counts against the limit (Pacemaker's failure-timeout). */
export const RESTART_WINDOW_MS = 10 * 60_000;

export interface RestartSettings {
  readonly limit: number;
  readonly windowMs: number;
}

export const DEFAULT_RESTARTS: RestartSettings = Object.freeze({ limit: RESTART_LIMIT, windowMs: RESTART_WINDOW_MS });

/** What the watcher remembers about one workload between observations. */
export interface WatchState {
  /** The blade it was watched on: a workload seen on another blade starts afresh. */
  readonly blade: string;
  /** The first observation of the current run of lost liveness, null while it is alive. */
  readonly lostSince: number | null;
  /** Observations in a row that found it not alive. */
  readonly streak: number;
  /** When it was restarted in place, within the window. */
  readonly restarts: readonly number[];
}

export type WatchAction =
  | { readonly kind: 'none' }
  | { readonly kind: 'restart'; readonly reason: string }
  | { readonly kind: 'move'; readonly reason: string };

export interface WatchStep {
  readonly state: WatchState;
  readonly action: WatchAction;
}

/**
 * Folds one liveness observation of a running workload, on a blade whose own verdict is healthy or degraded, into the
 * watcher's state. A live workload never leads to an action.
 */
export function watchWorkload(
  prev: WatchState | null,
  blade: string,
  seen: { readonly alive: boolean; readonly reason: string },
  now: number,
  detection: DetectionSettings,
  restarts: RestartSettings = DEFAULT_RESTARTS,
): WatchStep {
  const same = prev !== null && prev.blade === blade ? prev : null;
  const recent = (same?.restarts ?? []).filter((at) => now - at < restarts.windowMs);
  if (seen.alive) return { state: { blade, lostSince: null, streak: 0, restarts: recent }, action: { kind: 'none' } };
  const lostSince = same?.lostSince ?? now;
  const streak = (same?.streak ?? 0) + 1;
  const down = now - lostSince >= detection.failAfterMs && streak >= detection.consecutive;
  if (!down) return { state: { blade, lostSince, streak, restarts: recent }, action: { kind: 'none' } };
  // The next failure starts its own grace period, whatever is done about this one.
  const fresh = { blade, lostSince: null, streak: 0 };
  if (recent.length >= restarts.limit) {
    const reason = `${seen.reason}; down again after ${recent.length} restarts on ${blade} within ${restarts.windowMs / 1000} s`;
    return { state: { ...fresh, restarts: [] }, action: { kind: 'move', reason } };
  }
  const reason = `${seen.reason}; not alive for ${now - lostSince} ms on ${blade}`;
  return { state: { ...fresh, restarts: [...recent, now] }, action: { kind: 'restart', reason } };
}

/** How a running workload found down reads in the store until its restart ends: this prefix on its pendingReason. */
export const DOWN_PREFIX = 'down: ';

/** A workload recorded running that was found down on its blade and is being restarted there. */
export function isDown(w: { readonly state: string; readonly pendingReason: string | null }): boolean {
  return w.state === 'running' && w.pendingReason !== null && w.pendingReason.startsWith(DOWN_PREFIX);
}
