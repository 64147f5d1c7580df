// The scenario generator: deterministic per seed, realistic in shape, and always a file the loader accepts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planCascade } from '../core/cascade.js';
import { generateScenario } from './generate.js';
import { formatScenarioError, parseScenario } from './load-scenario.js';
import { createRandom } from './random.js';
import type { Scenario, ScenarioEvent } from './scenario.js';
import { scenarioToYaml } from './scenario-yaml.js';

const countOf = (scenario: Scenario, kind: string): number => scenario.events.filter((event) => kind in event).length;
const kindOf = (event: ScenarioEvent): string => Object.keys(event).find((key) => key !== 'at') ?? '';

describe('createRandom', () => {
  it('repeats for a seed and stays in [0, 1)', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const draws = Array.from({ length: 1000 }, () => a.next());
    expect(draws).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(createRandom(43).next()).not.toBe(draws[0]);
  });
});

describe('generateScenario', () => {
  it('gives the same scenario for the same seed and another for another seed', () => {
    expect(generateScenario({ blades: 100, seed: 5 })).toEqual(generateScenario({ blades: 100, seed: 5 }));
    expect(scenarioToYaml(generateScenario({ blades: 100, seed: 6 }))).not.toBe(
      scenarioToYaml(generateScenario({ blades: 100, seed: 5 })),
    );
  });

  it.each([1, 14, 100, 1000])('round-trips %i blades through YAML and the loader', (blades) => {
    const scenario = generateScenario({ blades, seed: 3 });
    expect(scenario.blades).toHaveLength(blades);
    const result = parseScenario(scenarioToYaml(scenario));
    if (!result.ok) throw new Error(formatScenarioError('generated', result.error));
    expect(result.scenario).toEqual(scenario);
  });

  it.each([false, true])(
    'keeps about 10%% of blades standby and gives every active blade one workload that fits within it (settled: %s)',
    (settled) => {
      const scenario = generateScenario({ blades: 1000, seed: 11, settled });
      const standby = scenario.blades.filter((blade) => blade.state === 'standby');
      expect(standby.length / 1000).toBeGreaterThan(0.07);
      expect(standby.length / 1000).toBeLessThan(0.13);
      const byId = new Map(scenario.blades.map((blade) => [blade.id, blade]));
      let exact = 0;
      for (const workload of scenario.workloads) {
        const blade = byId.get(workload.blade ?? '');
        expect(blade?.state).toBe('active');
        const resources = blade?.resources ?? {};
        for (const [key, need] of Object.entries(workload.requirements)) {
          if (typeof need === 'string') expect(resources[key]).toBe(need);
          else expect(need).toBeLessThanOrEqual(Number(resources[key]));
        }
        if (JSON.stringify(resources) === JSON.stringify(workload.requirements)) exact++;
      }
      expect(scenario.workloads).toHaveLength(1000 - standby.length);
      // The raw draw: 40% exact fits. Settling moves some of the rest onto exact blades of the pool.
      expect(exact / scenario.workloads.length).toBeGreaterThan(0.3);
      expect(exact / scenario.workloads.length).toBeLessThan(settled ? 0.75 : 0.55);
    },
  );

  it('starts settled: the cascade planner finds no worthwhile move at time 0, and the events are those of the raw draw', () => {
    for (const seed of [1, 2, 3]) {
      const scenario = generateScenario({ blades: 500, seed });
      const raw = generateScenario({ blades: 500, seed, settled: false });
      expect(scenario.events).toEqual(raw.events);
      const blades = scenario.blades.map((blade) => ({ ...blade }));
      const workloads = scenario.workloads.map((w) => ({ ...w, state: 'running' as const }));
      expect(planCascade({ blades, workloads, policy: scenario.policy, slots: Infinity }).moves).toEqual([]);
      expect(
        planCascade({
          blades: raw.blades,
          workloads: raw.workloads.map((w) => ({ ...w, state: 'running' as const })),
          policy: raw.policy,
          slots: Infinity,
        }).moves.length,
      ).toBeGreaterThan(0);
    }
  });

  it('fails blades at about the annual rate', () => {
    // Averaged over seeds: a chassis power loss fails 14 blades at once, which makes one year noisy.
    const seeds = [1, 2, 3, 4, 5];
    const failures = seeds.reduce((sum, seed) => sum + countOf(generateScenario({ blades: 1000, seed }), 'fail'), 0);
    const perBladeYear = failures / (1000 * seeds.length);
    expect(perBladeYear).toBeGreaterThan(0.07);
    expect(perBladeYear).toBeLessThan(0.12);
    const busy = countOf(generateScenario({ blades: 1000, seed: 1, failureRate: 0.5 }), 'fail');
    expect(busy).toBeGreaterThan(400);
    expect(busy).toBeLessThan(600);
  });

  it('keeps events consistent: a blade fails only while up and is repaired only while failed', () => {
    const scenario = generateScenario({ blades: 1000, seed: 2, years: 3 });
    const down = new Set<string>();
    const finished = new Set<string>();
    let last = 0;
    for (const event of scenario.events) {
      expect(event.at).toBeGreaterThanOrEqual(last);
      expect(event.at).toBeLessThan(3 * 365 * 86400);
      last = event.at;
      if ('fail' in event) {
        expect(down.has(event.fail)).toBe(false);
        down.add(event.fail);
      }
      if ('repair' in event) expect(down.delete(event.repair)).toBe(true);
      if ('finish' in event) {
        expect(finished.has(event.finish)).toBe(false);
        finished.add(event.finish);
      }
    }
    expect(new Set(scenario.events.map(kindOf))).toEqual(new Set(['fail', 'repair', 'add', 'submit', 'finish']));
  });

  it('lays blades out in chassis of 14', () => {
    const scenario = generateScenario({ blades: 30, seed: 1 });
    expect(scenario.blades.map((blade) => blade.location)).toContainEqual({ chassis: 'c003', slot: 2 });
    expect(scenario.blades[13]?.location).toEqual({ chassis: 'c001', slot: 14 });
    expect(scenario.blades[14]?.location).toEqual({ chassis: 'c002', slot: 1 });
  });
});

describe('examples/generated-1000.yaml', () => {
  const path = join(import.meta.dirname, '../../examples/generated-1000.yaml');
  const comment = [
    'Generated by generateScenario({ blades: 1000, seed: 1 }) (src/sim/generate.ts): do not edit by hand.',
    'Regenerate with: UPDATE_EXAMPLES=1 npx vitest run src/sim/generate.test.ts',
  ].join('\n');

  it('is the generator output for seed 1', () => {
    const text = scenarioToYaml(generateScenario({ blades: 1000, seed: 1 }), { comment });
    if (process.env.UPDATE_EXAMPLES) writeFileSync(path, text);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });
});
