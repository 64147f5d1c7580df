import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// The suites Stryker may run against a mutant: the unit and property tests beside the mutated code. The
// end-to-end tests under test/ run dist/, which a mutant of src/ never reaches, so they would only cost time.
export default defineConfig({
  // Property tests run fewer cases per mutant (src/testing/fast-check-for-mutation.ts).
  resolve: {
    alias: [
      { find: /^fast-check$/, replacement: resolve(import.meta.dirname, 'src/testing/fast-check-for-mutation.ts') },
    ],
  },
  test: {
    // scripts/mutation.mjs names each target's tests; these are all of them.
    include: process.env.MUTATION_TESTS?.split(',') ?? [
      'src/core/**/*.test.ts',
      'src/orchestrator/**/*.test.ts',
      'src/sim/**/*.test.ts',
      'src/api/validation.test.ts',
      'src/api/schemas.test.ts',
      'src/app/config*.test.ts',
    ],
    testTimeout: 60_000,
  },
});
