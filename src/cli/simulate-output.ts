// `cascade simulate` for people: the transfers as a table, then where everything ended, then the metrics.
import type { SimulationReport } from '../sim/simulator.js';
import { duration, shortFit, table } from './table.js';

export function printSimulation(report: SimulationReport): string {
  const m = report.metrics;
  const out: string[] = [];
  out.push(`${report.name}: ${report.transfers.length} transfers over ${duration(m.duration)} of simulated time`, '');
  out.push(
    table(
      ['at', 'workload', 'kind', 'from', 'to', 'before', 'after', 'outcome'],
      report.transfers.map((t) => [
        duration(t.at),
        t.workload,
        t.drain ? 'drain' : t.kind,
        t.from ?? '-',
        t.to,
        shortFit(t.before),
        shortFit(t.after),
        t.outcome,
      ]),
    ),
    '',
  );
  if (report.pending.length > 0) {
    out.push('Pending at the end:');
    for (const p of report.pending)
      out.push(`  ${p.workload}${p.from ? ` (from ${p.from})` : ''}: ${p.reason}: ${p.detail}`);
    out.push('');
  }
  const byState = new Map<string, string[]>();
  for (const [id, state] of Object.entries(report.blades)) byState.set(state, [...(byState.get(state) ?? []), id]);
  out.push('Blades at the end:');
  for (const [state, ids] of [...byState].sort()) out.push(`  ${state} (${ids.length}): ${abbreviate(ids)}`);
  if (report.ignoredEvents.length > 0) out.push(`Ignored events: ${report.ignoredEvents.length} (see --json)`);
  out.push(
    '',
    'Metrics:',
    `  failovers ${m.failovers}, cascades ${m.cascades} (drains ${m.drains}), placements ${m.placements}, aborted ${m.aborted}, pending ${m.pendingWorkloads}`,
    `  time-weighted surplus ${m.timeWeightedSurplus.toFixed(4)}, deficit ${m.timeWeightedDeficit.toFixed(4)}, events ${m.events}`,
    '',
  );
  return out.join('\n');
}

function abbreviate(ids: readonly string[], max = 12): string {
  return ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')}, ... and ${ids.length - max} more`;
}
