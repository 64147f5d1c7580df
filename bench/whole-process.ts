// The whole-process CLI figures: `cascade --version`, then `plan` and `simulate` run as a user runs them, from files.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateScenario } from '../src/sim/generate.js';
import { scenarioToJson, scenarioToYaml } from '../src/sim/scenario-yaml.js';
import { cliPlan, cliStart, cascadeProcess, type PlanRow } from './cli.js';
import { dataCenter } from './instances.js';
import type { BenchResults } from './main.js';
import { median, picks, type Progress, sig } from './measure.js';

/** `cascade --version`, then `plan` and `simulate` at the sizes given, from JSON and YAML files as generate writes them. */
export async function wholeProcessCli(
  planSizes: readonly number[],
  simulateSizes: readonly number[],
  startRuns: number,
  runs: number,
  progress: Progress,
): Promise<BenchResults['cli']> {
  const start = await cliStart(startRuns);
  const plans: PlanRow[] = [];
  const simulations: PlanRow[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'cascade-bench-cli-'));
  try {
    for (const size of planSizes) {
      progress.step(`whole-process CLI: cascade plan at ${size} blades, JSON and YAML, ${runs} runs each`);
      const scenario = generateScenario({ blades: size, seed: 1, years: 0 });
      const dc = dataCenter(size, 1);
      const failing = picks(runs, dc.active.length, 77 + size).map((i) => dc.active[i]!.id);
      for (const format of ['json', 'yaml'] as const) {
        const file = join(dir, `plan-${size}.${format}`);
        await writeFile(file, format === 'json' ? scenarioToJson(scenario) : scenarioToYaml(scenario));
        plans.push(await cliPlan(file, size, format, failing));
      }
    }
    for (const size of simulateSizes) {
      progress.step(`whole-process CLI: cascade simulate of a year of ${size} blades, ${runs} runs`);
      const file = join(dir, `year-${size}.json`);
      await writeFile(file, scenarioToJson(generateScenario({ blades: size, seed: 1 })));
      const ms: number[] = [];
      let peak = 0;
      for (let run = 0; run < runs; run++) {
        const r = await cascadeProcess(['simulate', file, '--json']);
        ms.push(r.ms);
        peak = Math.max(peak, r.peakRssMiB ?? 0);
      }
      simulations.push({
        blades: size,
        format: 'json',
        runs,
        medianMs: sig(median(ms), 3),
        peakRssMiB: peak === 0 ? null : peak,
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { start, plans, simulations };
}
