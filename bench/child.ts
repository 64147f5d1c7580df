// One measurement in a fresh process, so its peak memory is its own: `tsx bench/child.ts cascade N RUNS [generated|varied STANDBY]` or `simulate N`.
// Prints one JSON line on stdout.
import { planCascade } from '../src/core/cascade.js';
import { DEFAULT_POLICY } from '../src/core/model.js';
import { generateScenario } from '../src/sim/generate.js';
import { simulate } from '../src/sim/simulator.js';
import { cascadeInstance, type HardwareFamily } from './instances.js';
import { time } from './measure.js';

const MiB = 2 ** 20;
/** Peak resident set of this process so far (maxRSS is in KiB). */
const peakRss = (): number => (process.resourceUsage().maxRSS * 1024) / MiB;
const rss = (): number => process.memoryUsage().rss / MiB;

function cascade(candidates: number, runs: number, family: HardwareFamily, standby: number): object {
  const input = cascadeInstance(candidates, 1, family, standby);
  const before = rss();
  // Three rounds first, untimed: the figures are for a warm planner (JIT-compiled), as in a controller that has been
  // running; the first rounds of a fresh process take two to four times as long.
  for (let warm = 0; warm < 3; warm++)
    planCascade({ ...input, policy: DEFAULT_POLICY, slots: DEFAULT_POLICY.maxConcurrentTransfers });
  const ms: number[] = [];
  let moves = 0;
  let deferred = 0;
  for (let run = 0; run < runs; run++) {
    const round = time(() =>
      planCascade({ ...input, policy: DEFAULT_POLICY, slots: DEFAULT_POLICY.maxConcurrentTransfers }),
    );
    ms.push(round.ms);
    moves = round.value.moves.length;
    deferred = round.value.deferred.length;
  }
  return { ms, moves, deferred, baseRssMiB: before, peakRssMiB: peakRss() };
}

function simulateYear(blades: number): object {
  const generated = time(() => generateScenario({ blades, seed: 1 }));
  const scenario = generated.value;
  const before = rss();
  const run = time(() => simulate(scenario));
  const m = run.value.metrics;
  return {
    generateMs: generated.ms,
    ms: run.ms,
    events: scenario.events.length,
    // Drains are cascades too (a subset), so they are not added again.
    transfers: m.failovers + m.cascades + m.placements,
    failovers: m.failovers,
    cascades: m.cascades,
    placements: m.placements,
    pending: m.pendingWorkloads,
    baseRssMiB: before,
    peakRssMiB: peakRss(),
  };
}

const [kind, size, runs, family, standby] = process.argv.slice(2);
const result =
  kind === 'cascade'
    ? cascade(Number(size), Number(runs ?? 1), family === 'varied' ? 'varied' : 'generated', Number(standby ?? size))
    : simulateYear(Number(size));
process.stdout.write(`${JSON.stringify(result)}\n`);
