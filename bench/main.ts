// `npm run bench [-- --json] [--quick] [--report FILE]`: decision latency, cascade rounds, decision quality,
// simulator throughput and the peers, with medians of repeated runs and ratios against baselines of the same run.
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import type { PlanRow, StartRow } from './cli.js';
import { failoverLatency, type FailoverRow } from './failover.js';
import { Progress, sig } from './measure.js';
import { PEERS, peerFailovers, type PeerName, type PeerRow } from './peers.js';
import { cascadeQuality, failoverQuality, type QualityRow } from './quality.js';
import { renderReport } from './report.js';
import { targets } from './targets.js';
import { formatText } from './text.js';
import { ganetiN1, survivabilityAtScale, type GanetiN1Row, type SurvivabilityRow } from './survivability.js';
import { liveStart, liveTargets, type LiveRow } from './live.js';
import { cascadeRounds, simulatedYear, type CascadeRow, type SimulationRow } from './throughput.js';
import { wholeProcessCli } from './whole-process.js';

export interface BenchResults {
  readonly machine: {
    readonly cpu: string;
    readonly cores: number;
    readonly memoryGiB: number;
    readonly node: string;
    readonly platform: string;
  };
  readonly quick: boolean;
  readonly startedAt: string;
  readonly seconds: number;
  readonly failover: readonly FailoverRow[];
  readonly cascade: readonly CascadeRow[];
  readonly quality: readonly QualityRow[];
  readonly simulation: readonly SimulationRow[];
  readonly peers: readonly PeerRow[];
  readonly survivability: readonly SurvivabilityRow[];
  readonly survivabilityPeer: readonly GanetiN1Row[];
  /** A real `cascade serve` child on an emulated data center, one run per size (the quick run: 2,000 blades). */
  readonly live?: readonly LiveRow[];
  readonly cli: {
    readonly start: StartRow | null;
    readonly plans: readonly PlanRow[];
    readonly simulations: readonly PlanRow[];
  };
  /** The machine's load average (1, 5, 15 minutes) when the run started and when it ended: it is shared. */
  readonly load: { readonly start: readonly number[]; readonly end: readonly number[] };
  readonly targets: readonly { readonly target: string; readonly measured: string; readonly met: boolean | null }[];
}

interface Options {
  readonly json: boolean;
  readonly quick: boolean;
  readonly report: string | null;
}

function parseArgs(argv: readonly string[]): Options {
  let json = false;
  let quick = false;
  let report: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') json = true;
    else if (arg === '--quick') quick = true;
    else if (arg === '--report') report = argv[++i] ?? null;
    else if (arg.startsWith('--report=')) report = arg.slice('--report='.length);
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write('usage: npm run bench -- [--json] [--quick] [--report FILE.html]\n');
      process.exit(0);
    } else {
      process.stderr.write(`bench: unknown argument ${arg}\n`);
      process.exit(2);
    }
  }
  if (report === null && argv.includes('--report')) {
    process.stderr.write('bench: --report needs a file name\n');
    process.exit(2);
  }
  return { json, quick, report };
}

/** The full plan fits the 10 minutes on a 2-core machine; --quick is about a minute. */
function plan(quick: boolean) {
  return quick
    ? {
        runs: 5,
        failoverSizes: [1000, 10_000, 100_000],
        decisions: 100,
        plainDecisions: 5,
        cascadeSizes: [100, 1000],
        varied: [[1000, 250]],
        cliPlanSizes: [],
        cliSimulate: [],
        quality: [200, 500],
        seeds: [1, 2, 3],
        simulation: [10_000],
        simRuns: 3,
        peerSizes: { pacemaker: [100], 'pacemaker-pool': [100, 1000], ganeti: [100, 1000] },
      }
    : {
        runs: 5,
        failoverSizes: [1000, 10_000, 100_000],
        decisions: 200,
        plainDecisions: 20,
        cascadeSizes: [100, 1000, 10_000],
        // Varied hardware, candidates x standby: the scarce pool and the full one.
        varied: [
          [1000, 250],
          [10_000, 2500],
          [10_000, 10_000],
        ],
        cliPlanSizes: [100_000],
        cliSimulate: [100_000],
        quality: [200, 500, 1000],
        seeds: [1, 2, 3, 4, 5],
        simulation: [10_000, 100_000],
        simRuns: 5,
        // The whole-cluster CIB stops at 300 blades and the pool-only one at 10,000: one decision takes about 100 s
        // beyond (1,000 blades whole, 100,000 blades pool-only; docs/performance.md), so 5 runs would take most of
        // the 10 minutes, and the smaller sizes underestimate that growth.
        peerSizes: {
          pacemaker: [100, 300],
          'pacemaker-pool': [100, 300, 1000, 10_000],
          ganeti: [100, 1000, 10_000, 100_000],
        },
      };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const p = plan(options.quick);
  const progress = new Progress();
  const started = Date.now();
  const loadAtStart = loadavg().map((x) => sig(x, 3));

  const failover: FailoverRow[] = [];
  for (const size of p.failoverSizes) {
    for (const chassis of [false, true]) {
      progress.step(`failover latency: ${size} blades, ${chassis ? 'a chassis of 14' : 'one blade'} failing`);
      failover.push(
        failoverLatency(size, chassis, chassis ? Math.ceil(p.decisions / 4) : p.decisions, p.runs, p.plainDecisions),
      );
    }
  }
  const cascade: CascadeRow[] = [];
  for (const size of p.cascadeSizes) {
    progress.step(`cascade round: ${size} candidates x ${size} standby blades, ${p.runs} runs`);
    cascade.push(await cascadeRounds(size, p.runs));
  }
  for (const [size, standby] of p.varied as [number, number][]) {
    progress.step(`cascade round, varied hardware: ${size} candidates x ${standby} standby blades, ${p.runs} runs`);
    cascade.push(await cascadeRounds(size, p.runs, 'varied', standby));
  }
  progress.step(`whole-process CLI: cascade --version, ${p.runs * 2} runs`);
  const cli = await wholeProcessCli(p.cliPlanSizes, p.cliSimulate, options.quick ? 5 : 10, p.runs, progress);
  const quality: QualityRow[] = [];
  for (const size of p.quality) {
    for (const seed of p.seeds) {
      progress.step(`decision quality: ${size} blades, seed ${seed} (HiGHS for the optimum)`);
      quality.push(await cascadeQuality(size, seed));
      quality.push(await failoverQuality(size, seed));
    }
  }
  const simulation: SimulationRow[] = [];
  for (const size of p.simulation) {
    progress.step(`simulator: a year of ${size} blades, ${p.simRuns} run(s)`);
    simulation.push(await simulatedYear(size, p.simRuns));
  }
  const peers: PeerRow[] = [];
  for (const peer of Object.keys(PEERS) as PeerName[]) {
    for (const size of p.peerSizes[peer]) {
      const previous = peers.filter((r) => r.peer === peer).at(-1);
      if (previous !== undefined && previous.status !== 'ok') {
        const why = previous.status.startsWith('skipped')
          ? previous.status
          : `skipped: ${previous.status} at ${previous.blades} blades`;
        peers.push({ peer, blades: size, runs: 0, status: why });
        continue;
      }
      // Peers are run only where they can finish: the time per decision at this size is estimated from the sizes
      // measured so far (quadratic until two sizes give an exponent), and larger ones get fewer runs or none.
      const estimate = estimatePeerMs(
        peers.filter((r) => r.peer === peer && r.peerMs !== undefined),
        size,
      );
      if (estimate > 120_000) {
        peers.push({
          peer,
          blades: size,
          runs: 0,
          status: `skipped: about ${Math.round(estimate / 1000)} s per decision expected from the smaller sizes, over the 2-minute limit`,
        });
        continue;
      }
      // Every reported figure is a median of p.runs runs: a size whose runs would take more than 3 minutes together
      // is skipped rather than run fewer times.
      if (estimate * p.runs > 180_000) {
        peers.push({
          peer,
          blades: size,
          runs: 0,
          status: `skipped: ${p.runs} runs of about ${Math.round(estimate / 1000)} s each (expected from the smaller sizes) would take over 3 minutes`,
        });
        continue;
      }
      progress.step(`peer ${peer}: ${size} blades, ${p.runs} failovers`);
      peers.push(await peerFailovers(peer, size, p.runs));
    }
  }
  for (const [i, row] of peers.entries()) {
    const cluster = peers.find((r) => r.peer === 'pacemaker' && r.blades === row.blades && r.choices !== undefined);
    if (row.peer !== 'pacemaker-pool' || row.choices === undefined || cluster === undefined) continue;
    const same = row.choices.filter((c, run) => c === cluster.choices![run]).length;
    peers[i] = { ...row, sameAsCluster: `${same} of ${row.choices.length}` };
  }
  // N+K survivability at 10,000 blades, and hcheck's global N+1 beside it: hcheck takes 16 s at 200 blades and
  // more than 20 minutes at 1,000 on these machines, so it stops at 200.
  progress.step('survivability: 10,000 blades, N+1 and N+2');
  const survivability = survivabilityAtScale(10_000, p.runs);
  const survivabilityPeer: GanetiN1Row[] = [];
  for (const size of options.quick ? [50, 100] : [50, 100, 200]) {
    progress.step(`survivability peer hcheck: ${size} blades, global N+1`);
    survivabilityPeer.push(await ganetiN1(size));
  }
  // One serve at a time: each child is stopped (its process group) before the next starts.
  const live: LiveRow[] = [];
  for (const size of options.quick ? [2_000] : [2_000, 5_000, 10_000]) {
    progress.step(`live: cascade serve on ${size.toLocaleString('en-US')} emulated blades`);
    live.push(await liveStart(size));
  }
  progress.step('done');
  progress.done();

  const results: BenchResults = {
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
    },
    quick: options.quick,
    startedAt: new Date(started).toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
    failover,
    cascade,
    quality,
    simulation,
    peers,
    survivability,
    survivabilityPeer,
    live,
    cli,
    load: { start: loadAtStart, end: loadavg().map((x) => sig(x, 3)) },
    targets: [
      ...targets(failover, cascade, quality, simulation, peers, cli),
      // Not in the quick run: a 2,000-blade start there is proof that it runs, not a timing.
      ...(options.quick ? [] : liveTargets(live)),
      ...survivability.map((r) => ({
        target: `${r.check} at ${r.blades.toLocaleString('en-US')} blades < ${r.limitMs} ms`,
        measured: `${r.medianMs} ms`,
        met: r.medianMs < r.limitMs,
      })),
    ],
  };
  if (options.report !== null) {
    await writeFile(options.report, renderReport(results));
    process.stderr.write(`bench: wrote ${options.report}\n`);
  }
  process.stdout.write(options.json ? `${JSON.stringify(results, null, 2)}\n` : formatText(results));
}

function estimatePeerMs(measured: readonly PeerRow[], size: number): number {
  const last = measured.at(-1);
  if (last === undefined) return 0;
  const before = measured.at(-2);
  const exponent =
    before === undefined
      ? 2
      : Math.max(1, Math.log(last.peerMs! / before.peerMs!) / Math.log(last.blades / before.blades));
  return last.peerMs! * (size / last.blades) ** exponent;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
