// `cascade survive` and `cascade plan --maintenance` as people read them: the verdict first, then the counts
// per domain and level, the weakest combinations and the workloads nothing protects.
import type { MaintenanceWhatIf } from '../core/survivability-what-if.js';
import { combinationText, reasonText } from '../core/survivability-verdict.js';
import type { SurvivabilityReport } from '../core/survivability.js';
import { table } from './table.js';

const count = (n: number): string => n.toLocaleString('en-US');

export function printSurvivability(name: string, report: SurvivabilityReport, seconds?: number): string {
  const ms = seconds === undefined ? 0 : Math.round(seconds * 1000);
  const spent = seconds === undefined ? '' : seconds < 1 ? `${ms} ms` : `${seconds.toFixed(1)} s`;
  const took = spent === '' ? '' : `, checked in ${spent}`;
  const head = `${name}: ${report.running} workloads running, ${report.standby} standby blades${took}`;
  const lines = [head, '', report.verdict, ''];
  const rows = report.kinds.flatMap((r) =>
    r.levels.map((l) => [
      r.kind,
      String(r.domains),
      String(l.k),
      count(l.combinations),
      l.complete ? count(l.checked) : '-',
      l.complete ? count(l.prunedBySymmetry + l.prunedByBound) : '-',
      l.complete ? count(l.failed) : '-',
      !l.complete ? 'not checked: too many' : l.failed === 0 ? 'survived' : `${count(l.failed)} fail`,
    ]),
  );
  lines.push(table(['domain', 'domains', 'K', 'combinations', 'checked', 'pruned', 'failed', 'result'], rows));
  const weakest = report.kinds.flatMap((r) => r.weakest).slice(0, 5);
  if (weakest.length > 0) {
    lines.push('', 'weakest combinations:');
    for (const w of weakest) {
      const same = w.represents > 1 ? ` (and ${count(w.represents - 1)} like it)` : '';
      const plural = w.left.length === 1 ? '' : 's';
      lines.push(`  ${combinationText(w)}${same}: ${w.left.length} workload${plural} left without a blade`);
      for (const left of w.left.slice(0, 3)) {
        lines.push(`    ${left.workload} (priority ${left.priority}) ${reasonText(left)}`);
      }
      if (w.left.length > 3) lines.push(`    ... and ${w.left.length - 3} more`);
      if (w.impaired.length > 0) {
        const shown = `${w.impaired.slice(0, 5).join(', ')}${w.impaired.length > 5 ? ', ...' : ''}`;
        lines.push(`    impaired (placed with a deficit): ${shown}`);
      }
    }
  }
  const none = report.unprotected.length === 0 ? 'none' : '';
  lines.push('', `unprotected workloads (no standby blade could ever take them): ${none}`);
  for (const u of report.unprotected.slice(0, 10)) {
    lines.push(`  ${u.workload} (priority ${u.priority}) on ${u.blade} needs ${u.needs}`);
  }
  if (report.unprotected.length > 10) lines.push(`  ... and ${report.unprotected.length - 10} more`);
  return `${lines.join('\n').replace(/: $/m, ':')}\n`;
}

export function printMaintenance(name: string, whatIf: MaintenanceWhatIf): string {
  const { drain } = whatIf;
  const plural = drain.blades.length === 1 ? '' : 's';
  const lines = [`${name}: maintenance on ${drain.blades.length} blade${plural} (${drain.blades.join(', ')})`];
  for (const m of drain.moves) lines.push(`  drain ${m.workload}: ${m.from} -> ${m.to}`);
  if (drain.stuck.length > 0) {
    lines.push(`  no standby blade for ${drain.stuck.join(', ')}: their blades stay active until one frees up`);
  }
  lines.push('', `now:   ${whatIf.before.verdict}`, `after: ${whatIf.after.verdict}`, '');
  return `${lines.join('\n')}\n${printSurvivability('after the drain', whatIf.after)}`;
}
