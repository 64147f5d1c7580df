// `npx tsx bench/operator-latency.ts`: how long operator actions take to answer while two BMCs hang (their status
// calls run to a 4 s deadline). A controller on fakes and in-memory SQLite; each action timed 20 times.
import { harness, TEST_TIMING } from '../src/orchestrator/testing/harness.js';

const h = await harness({
  blades: [
    { id: 'X', resources: { storageTB: 100 } },
    { id: 'Y', resources: { storageTB: 100 } },
    { id: 'M', resources: { storageTB: 200 } },
  ],
  timing: { ...TEST_TIMING, callMs: 4_000 },
  pollMs: 50,
});
await h.settle();
h.world.setReachable('X', false, { hang: true });
h.world.setReachable('Y', false, { hang: true });
await new Promise((resolve) => setTimeout(resolve, 100));
const timings: Record<string, number[]> = { 'repair (404)': [], 'maintenance on + repair': [] };
for (let i = 0; i < 20; i++) {
  let t0 = performance.now();
  await h.controller.repair('nope').catch(() => undefined);
  timings['repair (404)']!.push(performance.now() - t0);
  t0 = performance.now();
  await h.controller.maintenance('M', true);
  await h.controller.repair('M');
  timings['maintenance on + repair']!.push(performance.now() - t0);
}
const row = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: +s[Math.floor(s.length / 2)]!.toFixed(2), max: +s.at(-1)!.toFixed(2) };
};
process.stdout.write(`${JSON.stringify(Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, row(v)])))}\n`);
await h.stop();
process.exit(0);
