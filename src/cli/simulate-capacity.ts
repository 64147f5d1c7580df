// How large a scenario `cascade simulate` takes in this process's heap: a file beyond it is refused at once, with
// the size it can take, instead of running for minutes and dying out of memory.
import { getHeapStatistics } from 'node:v8';
import type { Scenario } from '../sim/scenario.js';

/**
 * Heap per blade of a simulated year, measured with margin: a year of 100,000 generated blades peaked at about
 * 615 MiB resident (docs/performance.md), and the report grows with the transfers.
 */
export const HEAP_BYTES_PER_BLADE = 8 * 1024;

/** Blades at the start plus blades the events add: what the simulator holds at its largest. */
export function scenarioBlades(scenario: Scenario): number {
  return scenario.blades.length + scenario.events.filter((event) => 'add' in event).length;
}

/** The most blades this process can simulate, from its heap limit (raised with --max-old-space-size). */
export function simulateCapacity(heapLimit = getHeapStatistics().heap_size_limit): number {
  return Math.floor(heapLimit / HEAP_BYTES_PER_BLADE / 1000) * 1000;
}

/** null when the scenario fits; else one line that says what it can take and how to give it more. */
export function capacityProblem(scenario: Scenario, heapLimit = getHeapStatistics().heap_size_limit): string | null {
  const blades = scenarioBlades(scenario);
  const capacity = simulateCapacity(heapLimit);
  if (blades <= capacity) return null;
  const neededMiB = Math.ceil((blades * HEAP_BYTES_PER_BLADE) / 2 ** 20 / 1024) * 1024;
  return (
    `${blades.toLocaleString('en-US')} blades is more than this process can simulate in its ${Math.round(heapLimit / 2 ** 20)} MiB heap ` +
    `(about ${capacity.toLocaleString('en-US')}); run it with NODE_OPTIONS=--max-old-space-size=${neededMiB}`
  );
}
