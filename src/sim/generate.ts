// Generates a realistic, deterministic scenario for a seed: chassis of mixed blades, their workloads, and a year of failures and churn.
import { DEFAULT_POLICY } from '../core/model.js';
import { bladeProfile, newWorkload, resourcesOf } from './profiles.js';
import { createRandom, type Random } from './random.js';
import { settle } from './settle.js';
import type { Scenario, ScenarioBlade, ScenarioEvent, ScenarioWorkload } from './scenario.js';

export {
  bladeProfile,
  newWorkload,
  type Profile,
  resourcesOf,
  variedProfile,
  variedWorkload,
} from './profiles.js';

export interface GenerateOptions {
  readonly blades: number;
  readonly seed: number;
  /** Hardware failures per blade per year. */
  readonly failureRate?: number;
  readonly years?: number;
  /**
   * Start from the placement a data center that already ran Cascade would have (default): no standby blade is a
   * worthwhile move for any workload. False keeps the raw draw, where most workloads start a size too large and
   * the first hours of the year are a backlog of cascades.
   */
  readonly settled?: boolean;
}

const HOUR = 3600;
const DAY = 24 * HOUR;
const YEAR = 365 * DAY;

const CHASSIS_SLOTS = 14;
/**
 * About 8% of servers see a hardware failure in a year: Vishwanath & Nagappan,
 * "Characterizing Cloud Computing Hardware Reliability", SoCC 2010.
 */
const DEFAULT_FAILURE_RATE = 0.08;
/** Whole-chassis power losses (PSU, midplane, PDU) are rare: about one per 100 chassis-years. */
const CHASSIS_POWER_LOSS_RATE = 0.01;
/** Churn per blade-year: new hardware arriving, workloads retired and new ones submitted. */
const ADD_RATE = 0.05;
const FINISH_RATE = 0.1;
const SUBMIT_RATE = 0.1;
const STANDBY_SHARE = 0.1;

export function generateScenario(options: GenerateOptions): Scenario {
  const random = createRandom(options.seed);
  const count = Math.max(0, Math.floor(options.blades));
  const horizon = Math.round((options.years ?? 1) * YEAR);
  const failureRate = options.failureRate ?? DEFAULT_FAILURE_RATE;
  const ids = { blade: 0, workload: 0 };
  const nextBladeId = (): string => `b${String(++ids.blade).padStart(4, '0')}`;
  const nextWorkloadId = (): string => `w${String(++ids.workload).padStart(4, '0')}`;
  const locationOf = (n: number) => ({
    chassis: `c${String(Math.floor(n / CHASSIS_SLOTS) + 1).padStart(3, '0')}`,
    slot: (n % CHASSIS_SLOTS) + 1,
  });

  // A single blade stays active: one standby and nothing to run would be a dull scenario.
  const standbyCount = count < 2 ? 0 : Math.max(1, Math.round(count * STANDBY_SHARE));
  const standby = new Set(random.shuffled([...Array(count).keys()]).slice(0, standbyCount));
  const drawn: ScenarioBlade[] = [];
  const drawnWorkloads: ScenarioWorkload[] = [];
  for (let n = 0; n < count; n++) {
    const profile = bladeProfile(random);
    const blade: ScenarioBlade = {
      id: nextBladeId(),
      resources: resourcesOf(profile),
      state: standby.has(n) ? 'standby' : 'active',
      location: locationOf(n),
    };
    drawn.push(blade);
    if (blade.state === 'active') drawnWorkloads.push(newWorkload(random, nextWorkloadId(), profile, blade.id));
  }
  const { blades, workloads } =
    options.settled === false
      ? { blades: drawn, workloads: drawnWorkloads }
      : settle(drawn, drawnWorkloads, DEFAULT_POLICY);

  const arrivals: Arrival[] = [];
  const poisson = (ratePerYear: number, from: number, make: (at: number) => Arrival): void => {
    if (ratePerYear <= 0) return;
    for (
      let t = from + random.exponential(ratePerYear / YEAR);
      t < horizon;
      t += random.exponential(ratePerYear / YEAR)
    ) {
      arrivals.push(make(Math.floor(t)));
    }
  };
  const added: ScenarioBlade[] = [];
  poisson(ADD_RATE * count, 0, (at) => {
    const blade: ScenarioBlade = {
      id: nextBladeId(),
      resources: resourcesOf(bladeProfile(random)),
      state: 'standby',
      location: locationOf(count + added.length),
    };
    added.push(blade);
    return { at, kind: 'add', blade };
  });
  for (const blade of blades) poisson(failureRate, 0, (at) => ({ at, kind: 'fail', blade: blade.id }));
  for (const arrival of [...arrivals]) {
    if (arrival.kind === 'add')
      poisson(failureRate, arrival.at, (at) => ({ at, kind: 'fail', blade: arrival.blade.id }));
  }
  const chassis = new Set([...blades, ...added].map((blade) => blade.location?.chassis ?? ''));
  for (const name of chassis) poisson(CHASSIS_POWER_LOSS_RATE, 0, (at) => ({ at, kind: 'power-loss', chassis: name }));
  poisson(SUBMIT_RATE * count, 0, (at) => ({
    at,
    kind: 'submit',
    workload: newWorkload(random, nextWorkloadId(), bladeProfile(random), null),
  }));
  poisson(FINISH_RATE * count, 0, (at) => ({ at, kind: 'finish' }));
  // Stable: arrivals of one second keep their generation order, so the output depends on the seed alone.
  arrivals.sort((a, b) => a.at - b.at);

  return {
    name: `generated-${count}-seed-${options.seed}`,
    policy: DEFAULT_POLICY,
    blades,
    workloads,
    events: unfold(arrivals, blades, workloads, horizon, random),
  };
}

type Arrival =
  | { readonly at: number; readonly kind: 'fail'; readonly blade: string }
  | { readonly at: number; readonly kind: 'power-loss'; readonly chassis: string }
  | { readonly at: number; readonly kind: 'add'; readonly blade: ScenarioBlade }
  | { readonly at: number; readonly kind: 'submit'; readonly workload: ScenarioWorkload }
  | { readonly at: number; readonly kind: 'finish' };

/**
 * Turns raw arrivals into events that are consistent with the state they create: a blade that is down
 * does not fail again (the arrival is dropped), every failure schedules its repair, and a workload
 * finishes once, only after it exists.
 */
function unfold(
  arrivals: readonly Arrival[],
  blades: readonly ScenarioBlade[],
  workloads: readonly ScenarioWorkload[],
  horizon: number,
  random: Random,
): ScenarioEvent[] {
  const events: ScenarioEvent[] = [];
  const addedAt = new Map<string, number>(blades.map((blade) => [blade.id, -1]));
  const chassisOf = new Map<string, string[]>();
  const joinChassis = (blade: ScenarioBlade): void => {
    const name = blade.location?.chassis ?? '';
    chassisOf.set(name, [...(chassisOf.get(name) ?? []), blade.id]);
  };
  blades.forEach(joinChassis);
  /** When each blade that failed comes back; Infinity once past the horizon. */
  const downUntil = new Map<string, number>();
  const isUp = (id: string, at: number): boolean =>
    (addedAt.get(id) ?? Infinity) < at && (downUntil.get(id) ?? -1) < at;
  const fail = (id: string, at: number, outage: number): void => {
    const repairAt = at + Math.max(1, Math.round(outage));
    events.push({ at, fail: id });
    if (repairAt < horizon) events.push({ at: repairAt, repair: id });
    downUntil.set(id, repairAt < horizon ? repairAt : Infinity);
  };
  const live = workloads.map((workload) => ({ id: workload.id, since: -1 }));

  for (const arrival of arrivals) {
    switch (arrival.kind) {
      case 'fail':
        // Hardware repairs take a day or so, with a long tail up to the two weeks a part can take to arrive.
        if (isUp(arrival.blade, arrival.at))
          fail(arrival.blade, arrival.at, Math.min(random.lognormal(DAY, 1), 14 * DAY));
        break;
      case 'power-loss': {
        // The whole chassis comes back together once power is restored, a few hours later.
        const outage = random.lognormal(4 * HOUR, 0.3);
        for (const id of chassisOf.get(arrival.chassis) ?? []) if (isUp(id, arrival.at)) fail(id, arrival.at, outage);
        break;
      }
      case 'add':
        events.push({ at: arrival.at, add: arrival.blade });
        addedAt.set(arrival.blade.id, arrival.at);
        joinChassis(arrival.blade);
        break;
      case 'submit':
        events.push({ at: arrival.at, submit: arrival.workload });
        live.push({ id: arrival.workload.id, since: arrival.at });
        break;
      case 'finish': {
        // `live` is in order of `since` (arrivals come in time order), so the ready ones are a prefix:
        // a binary search instead of a filter keeps a 100,000-blade year linear.
        const ready = readyPrefix(live, arrival.at);
        if (ready === 0) break;
        const index = random.int(ready);
        events.push({ at: arrival.at, finish: live[index]!.id });
        live.splice(index, 1);
        break;
      }
    }
  }
  return events.sort((a, b) => a.at - b.at);
}

/** How many entries at the start of `live` (ascending `since`) started before `at`. */
function readyPrefix(live: readonly { readonly since: number }[], at: number): number {
  let low = 0;
  let high = live.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (live[middle]!.since < at) low = middle + 1;
    else high = middle;
  }
  return low;
}
