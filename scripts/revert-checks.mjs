#!/usr/bin/env node
// Proof that each fix has a test that notices its absence: every check puts one fix back to the behaviour that was
// seen before it, runs the tests named for it, and expects them to fail. The fix is restored after each check,
// whatever happens. `node scripts/revert-checks.mjs [--json] [NAME_SUBSTRING]`.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CHECKS } from './revert-checks/redfish.mjs';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const json = args.includes('--json');
const only = args.find((a) => !a.startsWith('--'));
const results = [];

for (const check of CHECKS.filter((c) => !only || c.name.includes(only))) {
  const files = check.edits.map((e) => join(root, e.file));
  const originals = files.map((f) => readFileSync(f, 'utf8'));
  let outcome;
  try {
    check.edits.forEach((edit, i) => {
      const text = readFileSync(files[i], 'utf8');
      const count = text.split(edit.find).length - 1;
      if (count !== 1)
        throw new Error(`${edit.file}: expected the fix's text once, found it ${count} times: ${edit.find}`);
      writeFileSync(files[i], text.replace(edit.find, edit.revert));
    });
    const started = Date.now();
    // The JSON report tells a failing test from a run that failed for another reason (no test files, a crash).
    const report = join(mkdtempSync(join(tmpdir(), 'cascade-revert-')), 'report.json');
    spawnSync('npx', ['vitest', 'run', '--reporter=json', `--outputFile=${report}`, ...check.tests], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
    });
    const counts = existsSync(report)
      ? JSON.parse(readFileSync(report, 'utf8'))
      : { numFailedTests: 0, numTotalTests: 0 };
    outcome = {
      name: check.name,
      bullet: check.bullet,
      tests: check.tests,
      seconds: Math.round((Date.now() - started) / 100) / 10,
      caught: counts.numFailedTests > 0,
      failedTests: counts.numFailedTests,
      ranTests: counts.numTotalTests,
    };
  } catch (error) {
    outcome = { name: check.name, bullet: check.bullet, tests: check.tests, caught: false, error: String(error) };
  } finally {
    files.forEach((f, i) => {
      writeFileSync(f, originals[i]);
    });
  }
  results.push(outcome);
  if (!json) {
    const what = outcome.error
      ? `ERROR ${outcome.error}`
      : outcome.caught
        ? `caught (${outcome.failedTests} of ${outcome.ranTests} tests failed)`
        : 'NOT CAUGHT';
    process.stdout.write(`${outcome.caught ? 'ok  ' : 'FAIL'} ${check.name}: ${what}\n`);
  }
}

if (json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
else
  process.stdout.write(
    `${results.filter((r) => r.caught).length} of ${results.length} reverted fixes caught by their tests\n`,
  );
process.exit(results.every((r) => r.caught) ? 0 : 1);
