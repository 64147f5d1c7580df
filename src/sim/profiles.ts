// The generated hardware and its workloads: blade sizes drawn from tiers, workloads sized to their first blade.
import type { Resources } from '../core/model.js';
import type { Random } from './random.js';
import type { ScenarioWorkload } from './scenario.js';

const MEMORY_GIB = [128, 256, 384, 512, 768, 1024] as const;
const CPU_COUNT = [16, 24, 32, 48, 64, 96] as const;
const STORAGE_TB = [1, 2, 4, 8, 16] as const;
const SIZES = { memoryGiB: MEMORY_GIB, cpuCount: CPU_COUNT, storageTB: STORAGE_TB } as const;
type SizeKey = keyof typeof SIZES;
const SIZE_KEYS = Object.keys(SIZES) as SizeKey[];

const EXACT_FIT_SHARE = 0.4;

/** Most blades are mid-sized; the tier moves every size together, the jitter keeps them from being identical. */
const TIERS: readonly (readonly [number, number])[] = [
  [0, 10],
  [1, 25],
  [2, 25],
  [3, 20],
  [4, 12],
  [5, 8],
];
const JITTER: readonly (readonly [number, number])[] = [
  [-1, 20],
  [0, 60],
  [1, 20],
];
const ARCHES: readonly (readonly [string, number])[] = [
  ['x86_64', 85],
  ['aarch64', 10],
  ['ppc64le', 5],
];
const PRIORITIES: readonly (readonly [number, number])[] = [
  [0, 40],
  [1, 30],
  [2, 20],
  [3, 10],
];

/** Indices into SIZES, so a workload can be exactly one size step below its blade. */
export type Profile = Record<SizeKey, number> & { readonly cpuArch: string };

export function bladeProfile(random: Random): Profile {
  const tier = random.weighted(TIERS);
  const step = (base: number, top: number): number => Math.min(top, Math.max(0, base + random.weighted(JITTER)));
  return {
    memoryGiB: step(tier, MEMORY_GIB.length - 1),
    cpuCount: step(tier, CPU_COUNT.length - 1),
    // Five storage sizes against six tiers: scale the tier down.
    storageTB: step(Math.round((tier * (STORAGE_TB.length - 1)) / (MEMORY_GIB.length - 1)), STORAGE_TB.length - 1),
    cpuArch: random.weighted(ARCHES),
  };
}

/**
 * Varied hardware, as the peers' benchmarks draw it: every size from the tier weights on its own and the
 * architecture on its own, so a data center of 10,000 blades has a few hundred shapes instead of a few dozen.
 */
export function variedProfile(random: Random): Profile {
  const size = (top: number): number => Math.min(top, random.weighted(TIERS));
  return {
    memoryGiB: size(MEMORY_GIB.length - 1),
    cpuCount: size(CPU_COUNT.length - 1),
    storageTB: size(STORAGE_TB.length - 1),
    cpuArch: random.weighted(ARCHES),
  };
}

export function resourcesOf(profile: Profile): Resources {
  return {
    memoryGiB: MEMORY_GIB[profile.memoryGiB]!,
    cpuCount: CPU_COUNT[profile.cpuCount]!,
    storageTB: STORAGE_TB[profile.storageTB]!,
    cpuArch: profile.cpuArch,
  };
}

/** A workload on a blade of varied hardware: each size drawn on its own, anywhere up to the blade's. */
export function variedWorkload(random: Random, id: string, blade: Profile, bladeId: string | null): ScenarioWorkload {
  const needs = { ...blade };
  for (const key of SIZE_KEYS) needs[key] = random.int(blade[key] + 1);
  return {
    id,
    requirements: resourcesOf(needs),
    blade: bladeId,
    priority: random.weighted(PRIORITIES),
    source: 'declared',
  };
}

/** A workload sized to a blade: an exact fit, or one size step smaller in some keys (which leaves surplus to cascade away). */
export function newWorkload(random: Random, id: string, blade: Profile, bladeId: string | null): ScenarioWorkload {
  const needs = { ...blade };
  if (random.next() >= EXACT_FIT_SHARE) {
    const shrinkable = random.shuffled(SIZE_KEYS.filter((key) => blade[key] > 0));
    const howMany = shrinkable.length === 0 ? 0 : 1 + random.int(shrinkable.length);
    for (const key of shrinkable.slice(0, howMany)) needs[key] -= 1;
  }
  return {
    id,
    requirements: resourcesOf(needs),
    blade: bladeId,
    priority: random.weighted(PRIORITIES),
    source: 'declared',
  };
}
