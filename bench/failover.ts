// Failover decision latency: one blade, and a chassis of 14, failing in data centers of 1,000 to 100,000 blades (10% standby).
import { fitOf } from '../src/core/fit.js';
import { DEFAULT_POLICY, type Blade, type Workload } from '../src/core/model.js';
import { planPlacements, StandbyIndex, type PlacementRequest } from '../src/core/placement.js';
import { plainPlanPlacements } from '../src/core/testing/plain-placement.js';
import { dataCenter, type DataCenter } from './instances.js';
import { median, now, percentile, picks, sig, time } from './measure.js';

export interface FailoverRow {
  readonly blades: number;
  readonly standby: number;
  readonly failing: number;
  readonly decisions: number;
  readonly runs: number;
  /** Per decision with the standby index kept by the caller (the live controller and the simulator do). */
  readonly medianMs: number;
  readonly p99Ms: number;
  /** The same planner handed a plain array (it builds a throwaway index per call). */
  readonly arrayMedianMs: number;
  /** The planner as first written: every request against every standby blade, no index (the baseline). */
  readonly plainMedianMs: number;
  readonly plainP99Ms: number;
  readonly speedupVsPlain: number;
  readonly indexBuildMs: number;
  readonly sameDecisions: boolean;
}

function requestsFor(dc: DataCenter, hosts: readonly number[]): PlacementRequest[] {
  return hosts.map((i) => {
    const blade = dc.active[i]!;
    const workload: Workload = dc.hosted[i]!;
    return {
      workload,
      kind: 'failover',
      from: blade.id,
      before: fitOf(blade.resources, workload.requirements, DEFAULT_POLICY.weights),
    };
  });
}

/** Groups of active-blade indices that fail together: single blades, or whole chassis. */
function failures(dc: DataCenter, chassis: boolean, count: number, seed: number): number[][] {
  if (!chassis) return picks(count, dc.active.length, seed).map((i) => [i]);
  const byChassis = new Map<string, number[]>();
  dc.active.forEach((blade, i) => {
    const name = blade.location?.chassis ?? '';
    byChassis.set(name, [...(byChassis.get(name) ?? []), i]);
  });
  const names = [...byChassis.keys()].sort();
  return picks(count, names.length, seed).map((n) => byChassis.get(names[n]!)!);
}

function standbyIn(dc: DataCenter, hosts: readonly number[]): Blade[] {
  const chassis = dc.active[hosts[0]!]!.location?.chassis;
  return dc.standby.filter((blade) => blade.location?.chassis === chassis);
}

export function failoverLatency(
  size: number,
  chassis: boolean,
  decisions: number,
  runs: number,
  plainDecisions: number,
): FailoverRow {
  const dc = dataCenter(size, 1);
  const build = time(() => StandbyIndex.of(dc.standby));
  const index = build.value;
  const medians: number[] = [];
  const p99s: number[] = [];
  const arrayMedians: number[] = [];
  const plainMedians: number[] = [];
  const plainP99s: number[] = [];
  let same = true;
  // Warm-up, untimed: the figures are for a controller that has been deciding for a while (JIT, fit memo).
  for (const hosts of failures(dc, chassis, 100, 7)) planPlacements(requestsFor(dc, hosts), index, DEFAULT_POLICY);
  for (let run = 0; run < runs; run++) {
    const groups = failures(dc, chassis, decisions, 1000 * run + size);
    const samples: number[] = [];
    for (const hosts of groups) {
      const requests = requestsFor(dc, hosts);
      // A chassis takes its standby blades down with it: out of the pool for this decision (not timed).
      const down = chassis ? standbyIn(dc, hosts) : [];
      for (const blade of down) index.remove(blade.id);
      const start = now();
      planPlacements(requests, index, DEFAULT_POLICY);
      samples.push(now() - start);
      for (const blade of down) index.add(blade);
    }
    medians.push(median(samples));
    p99s.push(percentile(samples, 99));
    // Baselines on a prefix of the same failures: the plain planner is slow at 100,000 blades.
    const arraySamples: number[] = [];
    const plainSamples: number[] = [];
    for (const hosts of groups.slice(0, plainDecisions)) {
      const requests = requestsFor(dc, hosts);
      const down = new Set(chassis ? standbyIn(dc, hosts) : []);
      const pool = down.size === 0 ? dc.standby : dc.standby.filter((blade) => !down.has(blade));
      const viaArray = time(() => planPlacements(requests, pool, DEFAULT_POLICY));
      const plain = time(() => plainPlanPlacements(requests, pool, DEFAULT_POLICY));
      arraySamples.push(viaArray.ms);
      plainSamples.push(plain.ms);
      if (JSON.stringify(viaArray.value) !== JSON.stringify(plain.value)) same = false;
    }
    arrayMedians.push(median(arraySamples));
    plainMedians.push(median(plainSamples));
    plainP99s.push(percentile(plainSamples, 99));
  }
  const medianMs = median(medians);
  return {
    blades: size,
    standby: dc.standby.length,
    failing: chassis ? 14 : 1,
    decisions,
    runs,
    medianMs: sig(medianMs),
    p99Ms: sig(median(p99s)),
    arrayMedianMs: sig(median(arrayMedians)),
    plainMedianMs: sig(median(plainMedians)),
    plainP99Ms: sig(median(plainP99s)),
    speedupVsPlain: sig(median(plainMedians) / medianMs, 3),
    indexBuildMs: sig(build.ms),
    sameDecisions: same,
  };
}
