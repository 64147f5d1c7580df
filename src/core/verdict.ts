// Failure detection: what one observation of a blade says (a verdict with its reason), and how observations over
// time become the verdict the controller acts on. Pure: the caller supplies the time and the observations.
//
// The rule behind it: a fault on the management path (a BMC that times out, refuses connections, answers 5xx or
// garbage, or contradicts itself) says nothing about the blade, so it is `suspect`, never `failed` by itself. Only a
// definitive hardware signal fails a blade at once; a suspect blade fails only when its workload's own liveness
// signal is lost too, both for `failAfterMs`, over at least `consecutive` observations (vSphere HA's two
// heartbeats, and its isolation response of leaving the workload alone).

export const VERDICTS = ['healthy', 'degraded', 'suspect', 'failed', 'credentials'] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface VerdictWithReason {
  readonly verdict: Verdict;
  readonly reason: string;
}

/** What a driver said about a blade, or why it said nothing. */
export type BladeObservation =
  | {
      readonly kind: 'status';
      readonly power: 'on' | 'off' | 'unknown';
      readonly health: 'ok' | 'warning' | 'critical' | 'unreachable';
      /** Redfish Status.State (Enabled, Absent, StandbyOffline, ...) when the driver reads one. */
      readonly state?: string | null;
      /** The power of the blade's enclosure when the driver reads one: eligibility's, not the verdict's. */
      readonly chassisPower?: 'on' | 'off';
    }
  | {
      readonly kind: 'error';
      /** `auth`: refused after a fresh login; everything else is the management path. */
      readonly code: 'auth' | 'path';
      readonly message: string;
    };

/**
 * What a failed verdict rested on, kept with the blade so the failover need not guess from the reason text: whether
 * the blade's BMC answered, and what the workload's own path said (`unknown`: not asked, as for a definitive signal).
 */
export interface FailureEvidence {
  readonly bmc: 'answered' | 'silent';
  readonly workload: 'alive' | 'lost' | 'unknown';
}

/** The evidence of the observation that failed a blade, and the liveness weighed with it. */
export function failureEvidence(seen: BladeObservation, liveness: Liveness | null): FailureEvidence {
  const silent = seen.kind === 'error' ? seen.code === 'path' : seen.health === 'unreachable';
  return {
    bmc: silent ? 'silent' : 'answered',
    workload: liveness === null ? 'unknown' : liveness.alive ? 'alive' : 'lost',
  };
}

export interface DetectionSettings {
  /** How long suspect and liveness lost must both last before a blade is failed (ms). */
  readonly failAfterMs: number;
  /** How long a blade may stay suspect before its alarm is raised (ms). */
  readonly suspectAlarmMs: number;
  /** Observations in a row that a suspect blade must give before it is failed, or before it is healthy again. */
  readonly consecutive: number;
}

export const DEFAULT_DETECTION: DetectionSettings = Object.freeze({
  failAfterMs: 10_000,
  suspectAlarmMs: 30_000,
  consecutive: 2,
});

/** States a BMC reports for a blade that cannot run anything. */
const GONE_STATES = new Set(['Absent', 'UnavailableOffline']);

/**
 * One observation's verdict. `active`: the blade should be running a workload, so power off means it died
 * (the caller passes false while a transfer is switching the blade's power on purpose).
 */
export function verdictOf(seen: BladeObservation, active: boolean): VerdictWithReason {
  if (seen.kind === 'error') {
    if (seen.code === 'auth') return { verdict: 'credentials', reason: `authentication refused: ${seen.message}` };
    return { verdict: 'suspect', reason: `management path: ${seen.message}` };
  }
  const state = seen.state ?? null;
  if (state !== null && GONE_STATES.has(state)) {
    // A pulled blade has no power; one that says both is a confused BMC, not evidence.
    if (seen.power === 'on')
      return { verdict: 'suspect', reason: `contradictory reply: PowerState On and State ${state}` };
    return { verdict: 'failed', reason: `State ${state}` };
  }
  if (seen.health === 'unreachable')
    return { verdict: 'suspect', reason: 'management path: the controller did not answer' };
  if (seen.health === 'critical') return { verdict: 'failed', reason: 'Health Critical' };
  if (active && seen.power === 'off') return { verdict: 'failed', reason: 'powered off while active' };
  if (seen.health === 'warning') return { verdict: 'degraded', reason: 'Health Warning' };
  return {
    verdict: 'healthy',
    reason: seen.power === 'unknown' ? 'answers; power not reported' : 'answers; Health OK',
  };
}

/** What the detector remembers about one blade between observations. */
export interface DetectorState {
  /** The verdict acted on, and since when. */
  readonly verdict: Verdict;
  readonly reason: string;
  readonly since: number;
  /** The first observation of the current run of suspect (null when the last one was not suspect). */
  readonly suspectSince: number | null;
  /** The first observation of the current run of lost liveness (null while the workload answers or there is none). */
  readonly livenessLostSince: number | null;
  /** Observations in a row agreeing with `pending` (a verdict not acted on yet). */
  readonly pending: Verdict | null;
  readonly streak: number;
  /** The current suspect run's alarm was raised. */
  readonly alarmed: boolean;
}

export interface Step {
  readonly state: DetectorState;
  /** The verdict acted on changed with this observation. */
  readonly changed: boolean;
  /** The blade has been suspect for suspectAlarmMs: raise its alarm (true at most once per suspect run). */
  readonly alarm: boolean;
}

/** Whether the blade's workload answers by its own path (null: no workload on the blade to ask about). */
export interface Liveness {
  readonly alive: boolean;
  readonly reason: string;
}

/** When an observation's reads were asked, and what else the caller knows of the silence they met. */
export interface ObservedAt {
  /** When the observation's reads were asked (default: now). */
  readonly askedAt?: number;
  /**
   * When the blade was last heard from (the observation before this one, which met no such silence), if the caller
   * knows: a silence begins after it, not at the first read that met it, which the poll asks up to a period later.
   * The caller bounds it (no earlier than a poll period before askedAt); default askedAt.
   */
  readonly heardAt?: number | null;
  /**
   * The latest sign of life the workload gave on this blade by another path (a checkpoint its hypervisor took), or
   * null. A liveness read that timed out while the workload answered another call is the read's failure, not the
   * workload's: a sign at or after the read was asked outweighs it, and an earlier one moves the loss's start past it.
   */
  readonly lifeAt?: number | null;
  /**
   * How many observations in a row this one stands for (default 1): a read that went unanswered for several poll
   * periods missed that many polls, as a heartbeat missed for several intervals.
   */
  readonly polls?: number;
}

/**
 * Folds one observation into the detector's state. Definitive signals (failed, credentials) act at once;
 * suspect acts at once too, because it only takes the blade out of the pool. A suspect blade becomes failed
 * when its workload's liveness has been lost for failAfterMs as well, and back to healthy or degraded after
 * `consecutive` observations that say so.
 */
export function observe(
  prev: DetectorState | null,
  seen: VerdictWithReason,
  liveness: Liveness | null,
  now: number,
  settings: DetectionSettings,
  at: ObservedAt = {},
): Step {
  const askedAt = at.askedAt ?? now;
  const lifeAt = at.lifeAt ?? null;
  const from = at.heardAt ?? askedAt;
  const polls = Math.max(1, Math.floor(at.polls ?? 1));
  const suspectSince = seen.verdict === 'suspect' ? (prev?.suspectSince ?? from) : null;
  const lost = liveness !== null && !liveness.alive && !(lifeAt !== null && lifeAt >= askedAt);
  const livenessLostSince =
    seen.verdict === 'suspect' && lost
      ? Math.max(prev?.livenessLostSince ?? from, lifeAt ?? Number.NEGATIVE_INFINITY)
      : null;
  const streak = prev && prev.pending === seen.verdict ? prev.streak + polls : polls;
  const alarmed = suspectSince !== null && now - suspectSince >= settings.suspectAlarmMs;
  const base = {
    suspectSince,
    livenessLostSince,
    pending: seen.verdict,
    streak,
    alarmed: alarmed || (suspectSince !== null && prev?.alarmed === true),
  };
  const to = (verdict: Verdict, reason: string): DetectorState => ({ ...base, verdict, reason, since: now });
  const keep = (): DetectorState => (prev ? { ...prev, ...base } : to(seen.verdict, seen.reason));
  let next: DetectorState;
  if (prev === null) next = to(seen.verdict, seen.reason);
  else if (prev.verdict === 'failed')
    next = keep(); // only an operator (repair, clear) ends a failure
  else if (seen.verdict === 'failed' || seen.verdict === 'credentials') next = to(seen.verdict, seen.reason);
  else if (seen.verdict === 'suspect') {
    const both =
      suspectSince !== null &&
      livenessLostSince !== null &&
      now - Math.max(suspectSince, livenessLostSince) >= settings.failAfterMs;
    if (both && streak >= settings.consecutive) next = to('failed', `${seen.reason}; and ${liveness!.reason}`);
    else if (prev.verdict === 'suspect') next = { ...keep(), reason: seen.reason };
    else next = to('suspect', seen.reason);
  } else if (prev.verdict === 'suspect' && streak < settings.consecutive) next = keep();
  else if (prev.verdict === seen.verdict) next = { ...keep(), reason: seen.reason };
  else next = to(seen.verdict, seen.reason);
  const changed = prev === null || next.verdict !== prev.verdict;
  const alarm = next.verdict === 'suspect' && next.alarmed && prev?.alarmed !== true;
  return { state: next, changed, alarm };
}

/**
 * When a suspect blade whose workload's liveness is lost is to be failed on the observations already made: once both
 * have lasted failAfterMs, over `consecutive` observations. Null when it is not on that way. The caller looks again
 * then, so that a verdict the evidence already supports does not wait for the next read to run out its deadline.
 */
export function failDueAt(state: DetectorState, settings: DetectionSettings): number | null {
  if (state.verdict !== 'suspect' || state.pending !== 'suspect' || state.streak < settings.consecutive) return null;
  if (state.suspectSince === null || state.livenessLostSince === null) return null;
  return Math.max(state.suspectSince, state.livenessLostSince) + settings.failAfterMs;
}
