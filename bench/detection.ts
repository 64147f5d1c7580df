// `npm run bench:detection [-- --runs N] [--json]`: how long the controller takes to fail a blade whose BMC hangs and
// whose workload died with it, from the fault to the failed verdict, over the fakes. Timings are the serve defaults'
// ratios scaled down tenfold so a run takes a second: poll 200 ms, controller.callMs 1 s, detection.failAfterMs 1 s,
// consecutive 2. The verdict is due failAfterMs after the blade was last heard; a detector that waited for
// `consecutive` hung reads to run out callMs each would take about twice as long.
import { cpus } from 'node:os';
import type { FakePorts } from '../src/adapters/fake/index.js';
import { harness, TEST_TIMING } from '../src/orchestrator/testing/harness.js';
import { median, percentile } from './measure.js';

const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(name);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};
const RUNS = arg('--runs', 7);
const POLL_MS = 200;
const CALL_MS = 1_000;
const FAIL_AFTER_MS = 1_000;

/** One run: A's BMC hangs (every status read held open) at a random point of the poll period, W1 dies with A. */
async function once(): Promise<number> {
  let hung = false;
  const h = await harness({
    blades: [
      { id: 'A', resources: { memoryGiB: 64 } },
      { id: 'B', resources: { memoryGiB: 64 }, power: 'off' },
    ],
    workloads: [{ id: 'W1', requirements: { memoryGiB: 64 }, blade: 'A' }],
    pollMs: POLL_MS,
    timing: { ...TEST_TIMING, callMs: CALL_MS },
    detection: { failAfterMs: FAIL_AFTER_MS, suspectAlarmMs: 30_000, consecutive: 2 },
    prepare: (_world, ports: FakePorts) => {
      const status = ports.hardware.status.bind(ports.hardware);
      ports.hardware.status = (blade) => (blade === 'A' && hung ? new Promise(() => {}) : status(blade));
    },
  });
  try {
    await h.settle();
    await new Promise((resolve) => setTimeout(resolve, Math.random() * POLL_MS));
    const fault = Date.now();
    hung = true;
    h.world.losePower('A');
    while ((await h.store.blade('A'))?.state !== 'failed') await new Promise((resolve) => setTimeout(resolve, 2));
    return Date.now() - fault;
  } finally {
    await h.stop();
  }
}

const times: number[] = [];
for (let i = 0; i < RUNS; i++) {
  times.push(await once());
  process.stderr.write(`detection: run ${i + 1}/${RUNS}: ${times.at(-1)} ms\n`);
}
const result = {
  runs: RUNS,
  settings: { pollMs: POLL_MS, callMs: CALL_MS, failAfterMs: FAIL_AFTER_MS, consecutive: 2 },
  faultToFailedMs: {
    median: median(times),
    p90: percentile(times, 90),
    min: Math.min(...times),
    max: Math.max(...times),
  },
  overFailAfterMs: median(times) - FAIL_AFTER_MS,
  machine: { cpus: cpus().length, node: process.version },
};
if (process.argv.includes('--json')) console.log(JSON.stringify(result, null, 2));
else
  console.log(
    `a hung BMC with its workload dead, failed after ${result.faultToFailedMs.median} ms (median of ${RUNS}; ` +
      `min ${result.faultToFailedMs.min}, max ${result.faultToFailedMs.max}); failAfterMs ${FAIL_AFTER_MS}, ` +
      `callMs ${CALL_MS}, poll ${POLL_MS} ms, consecutive 2`,
  );
process.exit(0);
