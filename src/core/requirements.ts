// Where a workload's requirements come from (the patent's three sources): declared by its VM
// metadata, measured from utilization samples, or the resources of the blade it was first seen on.
import type { RequirementSource, Resources } from './model.js';

export interface MeasurePolicy {
  /** The percentile of the samples that counts as the need, e.g. 95. */
  readonly percentile: number;
  /** Multiplies the percentile: room to grow, e.g. 1.2. */
  readonly headroom: number;
  /** Fewer samples than this are not trusted. */
  readonly minSamples: number;
}

export const DEFAULT_MEASURE: MeasurePolicy = { percentile: 95, headroom: 1.2, minSamples: 12 };

export interface RequirementInputs {
  readonly declared: { readonly requirements: Resources; readonly source: 'declared' | 'vm-metadata' } | null;
  readonly samples: readonly Readonly<Record<string, number>>[];
  /** The blade it was first seen on; its attributes (cpuArch...) always carry over. */
  readonly host: Resources | null;
}

export interface DerivedRequirements {
  readonly requirements: Resources;
  readonly source: RequirementSource;
}

/**
 * Declared requirements win: an operator or the VM's metadata said so. Otherwise enough
 * samples give measured quantities (the host's attributes kept, since a VM cannot change its
 * CPU architecture by being busy). Otherwise the host's resources: the workload ran there.
 */
export function deriveRequirements(
  inputs: RequirementInputs,
  policy: MeasurePolicy = DEFAULT_MEASURE,
): DerivedRequirements | null {
  if (inputs.declared) return { requirements: inputs.declared.requirements, source: inputs.declared.source };
  if (inputs.samples.length >= policy.minSamples) {
    const measured: Record<string, number | string> = {};
    if (inputs.host) for (const [k, v] of Object.entries(inputs.host)) if (typeof v === 'string') measured[k] = v;
    const keys = new Set(inputs.samples.flatMap((s) => Object.keys(s)));
    for (const key of [...keys].sort()) {
      const values = inputs.samples
        .map((s) => s[key])
        .filter((v): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0);
      if (values.length === 0) continue;
      measured[key] = round3(percentile(values, policy.percentile) * policy.headroom);
    }
    return { requirements: measured, source: 'measured' };
  }
  if (inputs.host) return { requirements: inputs.host, source: 'host' };
  return null;
}

/** Nearest-rank percentile: the smallest value with at least p% of the samples at or below it. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
