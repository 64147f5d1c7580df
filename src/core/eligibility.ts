// Which blades a round may place workloads on, each blade left out with a named reason, and the cooldown rule.
import type { Blade, Policy } from './model.js';
import type { Verdict } from './verdict.js';

/** What a driver last said about a blade's health; the planner needs no more of the hardware than this. */
export type BladeHealth = 'ok' | 'warning' | 'critical' | 'unreachable';

/** A blade as a round sees it: the model's blade, and its health when a driver reports one (the simulator's do not). */
export interface RoundBlade extends Blade {
  readonly health?: BladeHealth;
  /** The power a driver last read; `unknown` (never read, or the BMC did not say) is no target. */
  readonly power?: 'on' | 'off' | 'unknown';
  /** The failure detector's verdict (the controller's blades; the simulator's have none). */
  readonly verdict?: Verdict;
  /** When it was last repaired or added (ms); its burn-in (policy.repairBurnInSeconds) counts from here. */
  readonly burnInSince?: number | null;
  /** Redfish Status.State as last read (Enabled, StandbyOffline, Disabled...); absent when the driver reads none. */
  readonly systemState?: string;
  /** The power of the enclosure it sits in, as last read; absent when the driver cannot tell. */
  readonly chassisPower?: 'on' | 'off';
}

/** Status.State values of a blade that can take a workload now: StandbyOffline is powered on by the start step. */
export const READY_STATES: ReadonlySet<string> = new Set(['Enabled', 'StandbyOffline']);

/** What time-bound rules (burn-in) need to know; without it they do not apply (a plain list of blades). */
export interface EligibilityClock {
  readonly now: number;
  readonly policy: Pick<Policy, 'repairBurnInSeconds'>;
}

/**
 * Why a blade is not a target. `active`, `failed` and `maintenance` are its state; `critical` and `unreachable`
 * are a standby blade whose driver reports it unfit to host anything; `suspect`, `degraded` and `credentials` its
 * verdict (only a healthy blade takes a workload now); `power-unknown` a blade whose power was never read;
 * `not-enabled` a Status.State other than Enabled or StandbyOffline (Disabled, InTest, Updating, Starting...);
 * `chassis-unpowered` a blade whose enclosure reports its power off (it could never be powered on there).
 */
export type ExclusionReason =
  | 'active'
  | 'failed'
  | 'maintenance'
  | 'critical'
  | 'unreachable'
  | 'suspect'
  | 'degraded'
  | 'credentials'
  | 'power-unknown'
  | 'not-enabled'
  | 'chassis-unpowered'
  | 'burn-in';

/** Every reason, in the order the rule checks them (the order `cascade plan` counts them in). */
export const EXCLUSION_REASONS: readonly ExclusionReason[] = Object.freeze([
  'active',
  'failed',
  'maintenance',
  'critical',
  'unreachable',
  'suspect',
  'degraded',
  'credentials',
  'power-unknown',
  'not-enabled',
  'chassis-unpowered',
  'burn-in',
]);

export interface Excluded {
  readonly blade: string;
  readonly reason: ExclusionReason;
  /** What the reason needs to be read by people: the State (not-enabled) or the chassis (chassis-unpowered). */
  readonly detail?: string;
}

/**
 * The one eligibility rule: null when the blade may receive a workload, else why not. Checks run cheapest
 * first; a rule added later (a failure verdict, power known, chassis powered, burn-in) goes here and nowhere else.
 */
export function exclusionOf(blade: RoundBlade, clock?: EligibilityClock): ExclusionReason | null {
  if (blade.state !== 'standby') return blade.state;
  if (blade.health === 'critical' || blade.health === 'unreachable') return blade.health;
  if (blade.verdict === 'failed') return 'failed';
  if (blade.verdict !== undefined && blade.verdict !== 'healthy') return blade.verdict;
  if (blade.power === 'unknown') return 'power-unknown';
  if (blade.systemState !== undefined && !READY_STATES.has(blade.systemState)) return 'not-enabled';
  if (blade.chassisPower === 'off') return 'chassis-unpowered';
  if (clock !== undefined && burnInEnd(blade, clock) > clock.now) return 'burn-in';
  return null;
}

/** Why a blade is left out, for people: `b0008: chassis c01 has no power` is `${blade}: ${exclusionText(e)}`. */
export function exclusionText({ reason, detail }: Pick<Excluded, 'reason' | 'detail'>): string {
  switch (reason) {
    case 'active':
      return 'runs a workload';
    case 'failed':
      return 'failed';
    case 'maintenance':
      return 'in maintenance';
    case 'critical':
      return 'its controller reports Health Critical';
    case 'unreachable':
      return 'its controller does not answer';
    case 'suspect':
      return 'suspect: its management path is lost';
    case 'degraded':
      return 'degraded: Health Warning';
    case 'credentials':
      return 'its controller refuses the credentials';
    case 'power-unknown':
      return 'its power state is not known';
    case 'not-enabled':
      return `Status.State is ${detail ?? 'not Enabled'}, not Enabled or StandbyOffline`;
    case 'chassis-unpowered':
      return `chassis ${detail ?? '(its enclosure)'} has no power`;
    case 'burn-in':
      return 'in burn-in after a repair';
  }
}

/** The exclusion with the detail its text needs (only the reasons that read one carry it). */
export function excludedWith(blade: RoundBlade, reason: ExclusionReason): Excluded {
  const detail =
    reason === 'not-enabled' ? blade.systemState : reason === 'chassis-unpowered' ? blade.location?.chassis : undefined;
  return detail === undefined ? { blade: blade.id, reason } : { blade: blade.id, reason, detail };
}

/** How many blades each reason left out, in EXCLUSION_REASONS order, only the reasons that occur. */
export function exclusionCounts(excluded: readonly Excluded[]): { readonly reason: ExclusionReason; count: number }[] {
  const counts = new Map<ExclusionReason, number>();
  for (const e of excluded) counts.set(e.reason, (counts.get(e.reason) ?? 0) + 1);
  return EXCLUSION_REASONS.flatMap((reason) => {
    const count = counts.get(reason);
    return count === undefined ? [] : [{ reason, count }];
  });
}

/** When a repaired or added blade's burn-in ends (ms); -Infinity when it has none. */
export function burnInEnd(blade: RoundBlade, clock: EligibilityClock): number {
  const seconds = clock.policy.repairBurnInSeconds ?? 0;
  if (seconds <= 0 || blade.burnInSince === undefined || blade.burnInSince === null) return -Infinity;
  return blade.burnInSince + seconds * 1000;
}

export function isEligible(blade: RoundBlade, clock?: EligibilityClock): boolean {
  return exclusionOf(blade, clock) === null;
}

/** Splits blades into the targets and the excluded, both in input order. */
export function eligibility<B extends RoundBlade>(
  blades: Iterable<B>,
  clock?: EligibilityClock,
): { readonly targets: B[]; readonly excluded: Excluded[] } {
  const targets: B[] = [];
  const excluded: Excluded[] = [];
  for (const blade of blades) {
    const reason = exclusionOf(blade, clock);
    if (reason === null) targets.push(blade);
    else excluded.push(excludedWith(blade, reason));
  }
  return { targets, excluded };
}

/**
 * The cooldown rule: a workload that moved at `movedAt` is not cascaded again before the returned time.
 * `unitsPerSecond` is the caller's clock (1000 for the controller's milliseconds, 1 for the simulator's seconds),
 * so each compares in its own unit without a rounding step.
 */
export function cooldownEnd(movedAt: number, policy: Policy, unitsPerSecond = 1000): number {
  return movedAt + policy.cooldownSeconds * unitsPerSecond;
}

export function coolingDown(movedAt: number | null, policy: Policy, now: number, unitsPerSecond = 1000): boolean {
  return movedAt !== null && cooldownEnd(movedAt, policy, unitsPerSecond) > now;
}
