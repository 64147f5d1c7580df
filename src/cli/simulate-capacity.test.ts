// A scenario larger than the heap can simulate is refused with the size it can take, before the run starts.
import { describe, expect, it } from 'vitest';
import { generateScenario } from '../sim/generate.js';
import { capacityProblem, HEAP_BYTES_PER_BLADE, simulateCapacity } from './simulate-capacity.js';

describe('simulate capacity', () => {
  const scenario = generateScenario({ blades: 300, seed: 1 });

  it('takes a scenario that fits the heap', () => {
    expect(capacityProblem(scenario, 4096 * 2 ** 20)).toBeNull();
    // Node's default heap on these machines (4 GiB) takes a 300,000-blade year.
    expect(simulateCapacity(4144 * 2 ** 20)).toBeGreaterThan(300_000);
  });

  it('refuses one that does not, naming what it can take and how to give it more', () => {
    const heap = 200 * HEAP_BYTES_PER_BLADE;
    const problem = capacityProblem(scenario, heap);
    expect(problem).toMatch(
      /^3\d\d blades is more than this process can simulate in its \d+ MiB heap \(about 0\); run it with NODE_OPTIONS=--max-old-space-size=1024$/,
    );
  });
});
