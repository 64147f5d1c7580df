// Lists the mutants that survived (or that no test ran) in one target's last report: file:line:column, the mutator,
// and the code it put in. `node scripts/survivors.mjs core`.
import { readFileSync } from 'node:fs';

const target = process.argv[2] ?? 'core';
const report = JSON.parse(readFileSync(`reports/mutation/${target}/mutation.json`, 'utf8'));
for (const [path, file] of Object.entries(report.files)) {
  const lines = file.source.split('\n');
  for (const m of file.mutants) {
    if (m.status !== 'Survived' && m.status !== 'NoCoverage') continue;
    const { line, column } = m.location.start;
    const code = lines[line - 1].trim().slice(0, 110);
    console.log(
      `${path}:${line}:${column} ${m.status} ${m.mutatorName} -> ${(m.replacement ?? '').slice(0, 70)}\n    ${code}`,
    );
  }
}
