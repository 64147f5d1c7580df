// fitOf: surplus, deficit, attributes and weights, as DESIGN section 3 defines a fit.
import { describe, expect, it } from 'vitest';
import { bladeSize, fitOf, isExact, isWorthwhile } from './fit.js';

describe('fitOf (DESIGN section 3)', () => {
  it('is exact when every quantity matches', () => {
    const fit = fitOf({ storageTB: 200, cpuArch: 'x86_64' }, { storageTB: 200, cpuArch: 'x86_64' });
    expect(fit).toMatchObject({ deficit: 0, surplus: 0, cost: 0, feasible: true });
    expect(isExact(fit)).toBe(true);
  });

  it('counts surplus relative to the requirement', () => {
    expect(fitOf({ storageTB: 500 }, { storageTB: 200 })).toMatchObject({ deficit: 0, surplus: 1.5, cost: 1.5 });
  });

  it('counts deficit relative to the requirement and ranks it a million times heavier', () => {
    const fit = fitOf({ memoryGiB: 64 }, { memoryGiB: 128 });
    expect(fit).toMatchObject({ deficit: 0.5, surplus: 0, cost: 500_000, feasible: true });
    expect(fit.mismatches).toEqual([{ key: 'memoryGiB', kind: 'quantity', required: 128, offered: 64 }]);
  });

  it('makes a blade with an unequal attribute infeasible and says which key', () => {
    const fit = fitOf({ cpuArch: 'x86_64', memoryGiB: 10 }, { cpuArch: 'ppc64le', memoryGiB: 10 });
    expect(fit.feasible).toBe(false);
    expect(fit.mismatches).toEqual([{ key: 'cpuArch', kind: 'attribute', required: 'ppc64le', offered: 'x86_64' }]);
  });

  it('treats a missing key as zero and a missing attribute as infeasible', () => {
    expect(fitOf({}, { gpuCount: 1 })).toMatchObject({ deficit: 1, feasible: true });
    expect(fitOf({}, { cpuModel: 'POWER9' })).toMatchObject({ feasible: false });
    expect(fitOf({}, { cpuModel: 'POWER9' }).mismatches[0]).toMatchObject({ offered: null });
  });

  it('ignores keys only the blade has and requirements of zero', () => {
    expect(fitOf({ storageTB: 100, gpuCount: 8 }, { storageTB: 100, memoryGiB: 0 })).toMatchObject({
      deficit: 0,
      surplus: 0,
    });
  });

  it('applies weights per key', () => {
    const fit = fitOf(
      { memoryGiB: 20, storageTB: 300 },
      { memoryGiB: 10, storageTB: 200 },
      { memoryGiB: 2, storageTB: 0.5 },
    );
    expect(fit.surplus).toBeCloseTo(2 * 1 + 0.5 * 0.5);
  });

  it('sizes a blade by the sum of its numeric resources', () => {
    expect(bladeSize({ memoryGiB: 256, cpuCount: 32, cpuArch: 'x86_64' })).toBe(288);
  });
});

describe('isWorthwhile (the cascade margin)', () => {
  const f = (deficit: number, surplus: number) => ({
    deficit,
    surplus,
    cost: 1e6 * deficit + surplus,
    feasible: true,
    mismatches: [],
  });

  it('takes any lower deficit', () => {
    expect(isWorthwhile(f(0.5, 0), f(0.25, 3), 0.05)).toBe(true);
  });
  it('needs the surplus to drop by at least the margin when deficits are equal', () => {
    expect(isWorthwhile(f(0, 1.5), f(0, 0.5), 0.05)).toBe(true);
    expect(isWorthwhile(f(0, 0.5), f(0, 0.45), 0.05)).toBe(true);
    expect(isWorthwhile(f(0, 0.5), f(0, 0.46), 0.05)).toBe(false);
  });
  it('never accepts a higher deficit, however much surplus it saves', () => {
    expect(isWorthwhile(f(0, 9), f(0.1, 0), 0.05)).toBe(false);
  });
});
