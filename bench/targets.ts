// The benchmark's targets: each figure the issues ask for, what was measured against it, and whether it was met.
import type { CascadeRow, SimulationRow } from './throughput.js';
import type { FailoverRow } from './failover.js';
import type { BenchResults } from './main.js';
import type { PeerRow } from './peers.js';
import type { QualityRow } from './quality.js';

export function targets(
  failover: readonly FailoverRow[],
  cascade: readonly CascadeRow[],
  quality: readonly QualityRow[],
  simulation: readonly SimulationRow[],
  peers: readonly PeerRow[],
  cli: BenchResults['cli'],
): BenchResults['targets'] {
  const out: { target: string; measured: string; met: boolean | null }[] = [];
  const start = cli.start;
  out.push({
    target: 'cascade --version < 80 ms (whole process)',
    measured: start ? `${start.versionMs} ms (node -e 0: ${start.nodeMs} ms)` : 'not run',
    met: start ? start.versionMs < 80 : null,
  });
  for (const [size, limit, text] of [
    [100, 2, 'within 2x of'],
    [1000, 1, 'no slower than'],
    [10_000, 0.01, 'at least 100x faster than'],
  ] as const) {
    const row = peers.find((r) => r.peer === 'ganeti' && r.blades === size && r.processRatio !== undefined);
    out.push({
      target: `cascade plan --fail --json ${text} hail at ${size.toLocaleString('en-US')} blades (both whole processes)`,
      measured: row
        ? `${row.cascadeProcessMs} ms against ${row.peerMs} ms (hail / cascade ${row.processRatio}x)`
        : 'not run',
      met: row ? row.cascadeProcessMs! <= limit * row.peerMs! : null,
    });
  }
  for (const format of ['json', 'yaml'] as const) {
    const row = cli.plans.find((r) => r.blades === 100_000 && r.format === format);
    out.push({
      target: `cascade plan at 100,000 blades (${format}) < 2 s and < 600 MiB`,
      measured: row ? `${(row.medianMs / 1000).toFixed(2)} s, ${row.peakRssMiB ?? '?'} MiB` : 'not run',
      met: row ? row.medianMs < 2000 && (row.peakRssMiB ?? 0) < 600 : null,
    });
  }
  for (const standby of [2500, 10_000]) {
    const row = cascade.find((r) => r.family === 'varied' && r.candidates === 10_000 && r.standby === standby);
    out.push({
      target: `cascade round on varied hardware, 10,000 x ${standby.toLocaleString('en-US')} < 1 s`,
      measured: row ? `${row.medianMs} ms` : 'not run',
      met: row ? row.medianMs < 1000 : null,
    });
  }
  const wholeYear = cli.simulations.find((r) => r.blades === 100_000);
  out.push({
    target: 'cascade simulate of a year of 100,000 blades from a file < 20 s and < 1.5 GiB',
    measured: wholeYear ? `${(wholeYear.medianMs / 1000).toFixed(1)} s, ${wholeYear.peakRssMiB ?? '?'} MiB` : 'not run',
    met: wholeYear ? wholeYear.medianMs < 20_000 && (wholeYear.peakRssMiB ?? 0) < 1536 : null,
  });
  const single = failover.find((r) => r.blades === 100_000 && r.failing === 1);
  out.push({
    target: 'failover p99 < 1 ms at 100,000 blades (one failure)',
    measured: single ? `${single.p99Ms} ms` : 'not run',
    met: single ? single.p99Ms < 1 : null,
  });
  for (const [size, limit] of [
    [1000, 100],
    [10_000, 10_000],
  ] as const) {
    const row = cascade.find((r) => r.family === 'generated' && r.candidates === size);
    out.push({
      target: `cascade round ${size} x ${size} < ${limit} ms`,
      measured: row ? `${row.medianMs} ms` : 'not run',
      met: row ? row.medianMs < limit : null,
    });
  }
  const gaps = quality.filter((q) => q.gapToOptimum !== null).map((q) => q.gapToOptimum!);
  const placedOk = quality.every(
    (q) => q.placed === undefined || q.placed.optimum === null || q.placed.cascade === q.placed.optimum,
  );
  out.push({
    target: 'total cost equal to the optimum within 1e-6 on every instance',
    measured:
      gaps.length === 0
        ? 'no optimum (HiGHS unavailable)'
        : `max gap ${Math.max(...gaps).toExponential(2)} over ${gaps.length} instances`,
    met: gaps.length === 0 ? null : Math.max(...gaps) <= 1e-6 && placedOk,
  });
  const year = simulation.find((s) => s.blades === 100_000);
  out.push({
    target: 'simulated year of 100,000 blades < 30 s and < 2 GiB',
    measured: year ? `${(year.medianMs / 1000).toFixed(1)} s, ${year.peakRssMiB} MiB` : 'not run',
    met: year ? year.medianMs < 30_000 && year.peakRssMiB < 2048 : null,
  });
  return out;
}
