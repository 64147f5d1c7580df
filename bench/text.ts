// The benchmark results as plain tables for a terminal or a CI log.
import type { BenchResults } from './main.js';

function table(
  headers: readonly string[],
  rows: readonly (readonly (string | number | boolean | null | undefined)[])[],
): string {
  const cells = rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '-' : String(cell))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]!.length)));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

export function formatText(r: BenchResults): string {
  const out: string[] = [];
  out.push(
    `Cascade benchmarks${r.quick ? ' (--quick)' : ''}: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, node ${r.machine.node}; ${r.seconds} s`,
  );
  out.push(
    '',
    "Failover decision latency (ms per decision; median over runs of each run's median and p99; plain = every blade scanned, no index)",
  );
  out.push(
    table(
      [
        'blades',
        'standby',
        'failing',
        'median',
        'p99',
        'array',
        'plain median',
        'plain p99',
        'speedup',
        'same decisions',
      ],
      r.failover.map((f) => [
        f.blades,
        f.standby,
        f.failing,
        f.medianMs,
        f.p99Ms,
        f.arrayMedianMs,
        f.plainMedianMs,
        f.plainP99Ms,
        `${f.speedupVsPlain}x`,
        f.sameDecisions,
      ]),
    ),
  );
  out.push('', 'Cascade round after a pool change (candidates x standby blades; ms per round)');
  out.push(
    table(
      [
        'hardware',
        'candidates',
        'standby',
        'runs',
        'median ms',
        'min',
        'max',
        'round MiB',
        'peak RSS MiB',
        'moves',
        'deferred',
      ],
      r.cascade.map((c) => [
        c.family,
        c.candidates,
        c.standby,
        c.runs,
        c.medianMs,
        c.minMs,
        c.maxMs,
        c.roundMemoryMiB,
        c.peakRssMiB,
        c.moves,
        c.deferred,
      ]),
    ),
  );
  out.push('', 'Decision quality (total fit cost after the plan; lower is better)');
  out.push(
    table(
      [
        'kind',
        'blades',
        'seed',
        'rows',
        'blades offered',
        'cascade',
        'greedy',
        'optimum',
        '|cascade-opt|',
        'better than greedy',
      ],
      r.quality.map((q) => [
        q.kind,
        q.blades,
        q.seed,
        q.rows,
        q.columns,
        q.cascade,
        q.greedy,
        q.optimum,
        q.gapToOptimum === null ? null : q.gapToOptimum.toExponential(1),
        `${q.betterThanGreedy} (${(100 * q.betterThanGreedyShare).toFixed(2)}%)`,
      ]),
    ),
  );
  out.push('', 'Whole-process CLI (median ms of separate processes; peak RSS of the largest)');
  out.push(
    table(
      ['command', 'runs', 'median ms', 'peak RSS MiB'],
      [
        ...(r.cli.start === null
          ? []
          : [
              ['cascade --version', r.cli.start.runs, r.cli.start.versionMs, null],
              ['node -e 0 (the floor)', r.cli.start.runs, r.cli.start.nodeMs, null],
            ]),
        ...r.cli.plans.map((p) => [
          `cascade plan (${p.blades} blades, ${p.format}) --fail ID --json`,
          p.runs,
          p.medianMs,
          p.peakRssMiB,
        ]),
        ...r.cli.simulations.map((p) => [
          `cascade simulate (a year of ${p.blades} blades, ${p.format}) --json`,
          p.runs,
          p.medianMs,
          p.peakRssMiB,
        ]),
      ],
    ),
  );
  out.push('', 'Simulator: one generated year');
  out.push(
    table(
      ['blades', 'runs', 'events', 'transfers', 'wall s', 'events/s', 'peak RSS MiB'],
      r.simulation.map((s) => [
        s.blades,
        s.runs,
        s.events,
        s.transfers,
        (s.medianMs / 1000).toFixed(2),
        s.eventsPerSecond,
        s.peakRssMiB,
      ]),
    ),
  );
  out.push('', 'Peers: the same single-blade failovers (surplus of the chosen blade; 0 = exact fit)');
  out.push(
    table(
      [
        'peer',
        'blades',
        'runs',
        'status',
        'peer ms (process)',
        'cascade plan ms (process)',
        'peer / cascade (processes)',
        'cascade decision ms (in-process)',
        'peer surplus',
        'cascade surplus',
        'peer worse/same/better/failed',
        'same blade as whole-cluster CIB',
      ],
      r.peers.map((p) => [
        p.peer,
        p.blades,
        p.runs,
        p.status,
        p.peerMs,
        p.cascadeProcessMs,
        p.processRatio === undefined ? undefined : `${p.processRatio}x`,
        p.cascadeMs,
        p.peerSurplus,
        p.cascadeSurplus,
        p.status === 'ok' ? `${p.peerWorse}/${p.peerSame}/${p.peerBetter}/${p.peerFailed}` : undefined,
        p.sameAsCluster,
      ]),
    ),
  );
  out.push('', 'N+K survivability (ms per whole check; combinations checked and pruned per domain kind and level)');
  out.push(
    table(
      ['blades', 'check', 'runs', 'median ms', 'levels'],
      (r.survivability ?? []).map((s) => [s.blades, s.check, s.runs, s.medianMs, s.levels.join('; ')]),
    ),
  );
  out.push('', "Survivability beside Ganeti's hcheck (global N+1: single failures not survived)");
  out.push(
    table(
      [
        'blades',
        'status',
        'hcheck ms',
        'hcheck failures',
        'cascade failures',
        'cascade ms',
        'cascade as Ganeti reads it',
        'agree',
      ],
      (r.survivabilityPeer ?? []).map((g) => [
        g.blades,
        g.status,
        g.hcheckMs,
        g.ganetiFailures,
        g.cascadeFailures,
        g.cascadeMs,
        g.cascadeAsGaneti,
        g.agree,
      ]),
    ),
  );
  out.push('', 'Live: a cascade serve child on an emulated data center (default configuration, checkpoints on)');
  out.push(
    table(
      ['blades', 'ready ms', 'RSS MiB', 'peak RSS MiB', 'fault to decision ms', 'false verdicts', 'crashed', 'load'],
      (r.live ?? []).map((l) => [
        l.blades,
        l.readyMs === null ? 'not ready' : Math.round(l.readyMs),
        l.rssMiB === null ? '-' : Math.round(l.rssMiB),
        l.peakRssMiB === null ? '-' : Math.round(l.peakRssMiB),
        l.decisionMs === null ? '-' : Math.round(l.decisionMs),
        l.falseVerdicts,
        l.crashed ? 'yes' : 'no',
        l.load.map((x) => x.toFixed(1)).join(' '),
      ]),
    ),
  );
  out.push('', 'Targets');
  out.push(
    table(
      ['target', 'measured', 'met'],
      r.targets.map((t) => [t.target, t.measured, t.met === null ? 'n/a' : t.met ? 'yes' : 'NO']),
    ),
  );
  return `${out.join('\n')}\n`;
}
