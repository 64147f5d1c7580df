// Runs Stryker once per target (a folder or file with the tests that pin it down), each incremental, then prints the
// mutation score per folder from the JSON reports. `npm run mutation -- core transfer-machine` runs some targets only;
// `npm run mutation -- --changed REF` mutates only the files of the targets that differ from REF; `--summary` only
// prints the scores of the last reports; `--force` reruns every mutant (a static one is otherwise never rerun).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Each target's tests are the fast ones beside its code: a mutant they miss may still be killed by a slower suite,
// so the score printed is a lower bound for the whole suite's.
const TARGETS = {
  // src/core in three runs, so that each one's results are kept even if a later one is stopped.
  'core-planners': {
    mutate: ['src/core/{cascade,fit,assignment,requirements,decision,model,field-path,what-if}.ts'],
    tests: ['src/core/**/*.test.ts'],
  },
  'core-pool': {
    mutate: ['src/core/{placement,pool-offers,standby-index,shape,vector-heap,canonical-assignment,lex-cost}.ts'],
    tests: ['src/core/**/*.test.ts'],
  },
  'core-solvers': {
    mutate: ['src/core/{grouped-assignment,lex-flow,class-assignment}.ts'],
    tests: ['src/core/**/*.test.ts'],
  },
  'transfer-machine': {
    mutate: ['src/orchestrator/transfer-machine.ts'],
    tests: ['src/orchestrator/transfer-machine.test.ts', 'src/orchestrator/transfer-rules.test.ts'],
  },
  orchestrator: {
    mutate: [
      'src/orchestrator/**/*.ts',
      '!src/orchestrator/transfer-machine.ts',
      '!src/orchestrator/**/*.test.ts',
      '!src/orchestrator/testing/**',
    ],
    tests: ['src/orchestrator/**/*.test.ts'],
  },
  schemas: {
    // What validates input: the API's field rules and requests, the one policy schema and the id rule they share,
    // and the scenario file. The answers' schemas (view-schemas.ts) only describe replies for the OpenAPI document.
    mutate: [
      'src/api/field-schemas.ts',
      'src/api/request-schemas.ts',
      'src/wire/policy.ts',
      'src/wire/ids.ts',
      'src/sim/scenario-schema.ts',
    ],
    // The schemas' own tests only: a static mutant (most of a zod schema) reruns every test listed, and the API's
    // and the loader's suites would make that an hour here.
    tests: ['src/api/schemas.test.ts', 'src/sim/scenario-schema.test.ts', 'src/wire/ids.test.ts'],
  },
  config: {
    mutate: ['src/app/config.ts'],
    tests: ['src/app/config-bounds.test.ts', 'src/app/config.test.ts'],
  },
  sim: {
    mutate: ['src/sim/**/*.ts', '!src/sim/scenario-schema.ts', '!src/sim/**/*.test.ts'],
    tests: ['src/sim/**/*.test.ts'],
  },
};

const args = process.argv.slice(2);
const changedAt = args.indexOf('--changed');
const base = changedAt >= 0 ? args[changedAt + 1] : null;
const force = args.includes('--force');
const named = args.filter((a, i) => !a.startsWith('--') && !(changedAt >= 0 && i === changedAt + 1));
const unknown = named.filter((n) => !(n in TARGETS));
if (unknown.length > 0) {
  console.error(`unknown target ${unknown.join(', ')}; known: ${Object.keys(TARGETS).join(', ')}`);
  process.exit(2);
}
const chosen = args.includes('--summary') ? [] : named.length > 0 ? named : Object.keys(TARGETS);

/** Files under a target's globs that changed since `base`, or all of its globs without a base. */
function mutateList(target) {
  if (base === null) return target.mutate;
  const changed = execFileSync('git', ['diff', '--name-only', base, '--', 'src'], { encoding: 'utf8' })
    .split('\n')
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && existsSync(f));
  const include = target.mutate.filter((g) => !g.startsWith('!')).map((g) => globToRegExp(g.replace(/:\d+-\d+$/, '')));
  const exclude = target.mutate.filter((g) => g.startsWith('!')).map((g) => globToRegExp(g.slice(1)));
  return changed.filter((f) => include.some((r) => r.test(f)) && !exclude.some((r) => r.test(f)));
}

function expandBraces(glob) {
  const m = /\{([^}]*)\}/.exec(glob);
  if (!m) return [glob];
  return m[1]
    .split(',')
    .flatMap((alt) => expandBraces(glob.slice(0, m.index) + alt + glob.slice(m.index + m[0].length)));
}

function globToRegExp(glob) {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (glob.startsWith('**/', i)) {
      out += '(?:.*/)?';
      i += 2;
    } else if (c === '*') out += '[^/]*';
    else if (c === '{') out += '(?:';
    else if (c === '}') out += ')';
    else if (c === ',') out += '|';
    else out += c.replace(/[.+^$()|[\]\\?]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

let failed = false;
for (const name of chosen) {
  const target = TARGETS[name];
  // Stryker splits --mutate at commas, so brace lists are spelled out here.
  const mutate = mutateList(target).flatMap(expandBraces);
  if (mutate.length === 0) {
    console.log(`${name}: nothing to mutate`);
    continue;
  }
  const dir = join('reports', 'mutation', name);
  mkdirSync(dir, { recursive: true });
  const tests = target.tests.filter((t) => t.includes('*') || existsSync(t));
  console.log(`${name}: mutating ${mutate.join(' ')}`);
  const started = Date.now();
  const run = spawnSync(
    'npx',
    [
      'stryker',
      'run',
      '--mutate',
      mutate.join(','),
      // Stryker reuses a static mutant's old result even when new tests would kill it: --force runs every mutant.
      ...(force ? ['--force'] : []),
    ],
    // The tests go to vitest's include (vitest.mutation.config.ts), not to --testFiles: with --testFiles, Stryker 9.6
    // activates a static mutant (module-level code, e.g. every zod schema) only after its module loaded, so it survives.
    {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, MUTATION_REPORT_DIR: dir, MUTATION_TESTS: tests.join(',') },
    },
  );
  writeFileSync(join(dir, 'seconds.txt'), `${Math.round((Date.now() - started) / 1000)}\n`);
  if (run.status !== 0) {
    console.error(`${name}: stryker exited ${run.status}`);
    failed = true;
  }
}

summarise();
process.exit(failed ? 1 : 0);

/** Mutation score per folder (killed + timed out over all that ran), from every target's JSON report. */
function summarise() {
  const rows = new Map();
  for (const name of Object.keys(TARGETS)) {
    const file = join('reports', 'mutation', name, 'mutation.json');
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, 'utf8'));
    for (const [path, entry] of Object.entries(report.files)) {
      const folder = folderOf(path);
      const row = rows.get(folder) ?? { killed: 0, survived: 0, noCoverage: 0, ignored: 0, errors: 0, survivors: [] };
      for (const m of entry.mutants) {
        if (m.status === 'Killed' || m.status === 'Timeout') row.killed++;
        else if (m.status === 'Survived') {
          row.survived++;
          row.survivors.push(`${path}:${m.location.start.line} ${m.mutatorName} ${m.replacement ?? ''}`.trim());
        } else if (m.status === 'NoCoverage') {
          row.noCoverage++;
          row.survivors.push(`${path}:${m.location.start.line} ${m.mutatorName} (no test runs it)`);
        } else if (m.status === 'Ignored') row.ignored++;
        else row.errors++;
      }
      rows.set(folder, row);
    }
  }
  console.log('\nmutation score per folder (killed or timed out / all that ran):');
  for (const [folder, r] of [...rows].sort()) {
    const total = r.killed + r.survived + r.noCoverage;
    const score = total === 0 ? 100 : (100 * r.killed) / total;
    console.log(
      `  ${folder.padEnd(36)} ${score.toFixed(1).padStart(5)}%  ${r.killed}/${total} killed, ${r.survived} survived, ` +
        `${r.noCoverage} not covered${r.errors ? `, ${r.errors} compile or runtime errors` : ''}`,
    );
  }
  if (process.env.MUTATION_SURVIVORS) for (const [, r] of rows) for (const s of r.survivors) console.log(`    ${s}`);
}

function folderOf(path) {
  if (path === 'src/api/schemas.ts' || path === 'src/sim/scenario-schema.ts') return 'validation schemas';
  if (path === 'src/app/config.ts') return 'validation schemas (serve config)';
  if (path === 'src/orchestrator/transfer-machine.ts') return 'src/orchestrator (transfer machine)';
  return path.split('/').slice(0, 2).join('/');
}
