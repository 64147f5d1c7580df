// Mutation testing: Stryker changes one thing at a time in the code below and runs the tests that cover it; a
// change no test notices is a behaviour the suite does not pin down. `npm run mutation` runs it per folder.
// scripts/mutation.mjs runs one target at a time, each with its own reports and incremental file.
const dir = process.env.MUTATION_REPORT_DIR ?? 'reports/mutation/all';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  coverageAnalysis: 'perTest',
  // Static mutants (module-level code: the zod schemas, the step sequences) need every test of their files rerun in a
  // fresh environment; they count, as every other mutant does.
  ignoreStatic: false,
  mutate: [
    'src/core/**/*.ts',
    'src/orchestrator/**/*.ts',
    'src/sim/**/*.ts',
    'src/api/schemas.ts',
    'src/sim/scenario-schema.ts',
    'src/app/config.ts',
    '!src/**/*.test.ts',
    '!src/**/testing/**',
    '!src/**/*.contract.ts',
  ],
  // Two cores shared with other work: one or two test processes, and a generous timeout for a loaded machine.
  concurrency: 2,
  timeoutMS: 20_000,
  timeoutFactor: 3,
  dryRunTimeoutMinutes: 15,
  // The incremental file lives with the reports (gitignored): it is keyed by file contents and test names, so one
  // committed copy would conflict on every merge of parallel branches and be stale after each of them.
  incremental: true,
  incrementalFile: `${dir}/incremental.json`,
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: `${dir}/index.html` },
  jsonReporter: { fileName: `${dir}/mutation.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['dist', 'bench', 'test', 'reports', 'test-results', 'data', 'docs'],
  cleanTempDir: 'always',
};
