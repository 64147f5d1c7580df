// fast-check as the mutation runs see it (vitest.mutation.config.ts aliases it): every property runs at most
// MUTATION_RUNS cases. Stryker reruns the covering tests once per mutant, thousands of times; a mutant that a few
// dozen random cases cannot tell apart is then reported as surviving, so the score stays a lower bound.
import real from '../../node_modules/fast-check/lib/fast-check.js';

const cap = Number(process.env.MUTATION_RUNS ?? 40);

type Assert = typeof real.assert;
const assert = ((property: Parameters<Assert>[0], params?: Parameters<Assert>[1]) =>
  real.assert(property, { ...params, numRuns: Math.min(params?.numRuns ?? 100, cap) })) as Assert;

export default { ...real, assert };
