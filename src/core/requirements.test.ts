// deriveRequirements: declared metadata first, else measured samples with headroom, else the host blade.
import { describe, expect, it } from 'vitest';
import { deriveRequirements, percentile } from './requirements.js';

const host = { memoryGiB: 256, cpuCount: 32, cpuArch: 'x86_64' };
const samples = Array.from({ length: 20 }, (_, i) => ({ memoryGiB: 10 + i, cpuCount: 1 + (i % 4) }));

describe('deriveRequirements', () => {
  it('takes declared VM metadata first', () => {
    expect(
      deriveRequirements({ declared: { requirements: { memoryGiB: 20 }, source: 'vm-metadata' }, samples, host }),
    ).toEqual({
      requirements: { memoryGiB: 20 },
      source: 'vm-metadata',
    });
  });

  it('measures a high percentile times the headroom, keeping the host attributes', () => {
    const derived = deriveRequirements(
      { declared: null, samples, host },
      { percentile: 95, headroom: 1.5, minSamples: 10 },
    );
    // 95th percentile of 10..29 (nearest rank 19) is 28; of the cpu samples 1..4 it is 4.
    expect(derived).toEqual({ requirements: { cpuArch: 'x86_64', cpuCount: 6, memoryGiB: 42 }, source: 'measured' });
  });

  it('falls back to the host blade when there are too few samples', () => {
    expect(deriveRequirements({ declared: null, samples: samples.slice(0, 3), host })).toEqual({
      requirements: host,
      source: 'host',
    });
  });

  it('knows nothing without any source', () => {
    expect(deriveRequirements({ declared: null, samples: [], host: null })).toBeNull();
  });

  it('uses the nearest-rank percentile', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 100)).toBe(5);
    expect(percentile([7], 1)).toBe(7);
  });
});
