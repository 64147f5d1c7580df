// A chassis slot holds one blade: a scenario that puts two in one slot is refused naming the second.
import { describe, expect, it } from 'vitest';
import { formatScenarioError, parseScenario } from './load-scenario.js';

function lineFor(text: string): string {
  const result = parseScenario(text, 'f.yaml');
  return result.ok ? 'ok' : formatScenarioError('f.yaml', result.error);
}

const blades = `blades:
  - { id: A, resources: { memoryGiB: 64 }, location: { chassis: c1, slot: 1 } }
  - { id: B, resources: { memoryGiB: 64 }, location: { chassis: c1, slot: 2 } }
`;

describe('scenario files: one blade per chassis slot', () => {
  it('refuses a second blade in a slot', () => {
    const text = `${blades}  - { id: C, resources: { memoryGiB: 64 }, location: { chassis: c1, slot: 2 } }\n`;
    expect(lineFor(text)).toBe('f.yaml: blades[2].location.slot: slot 2 of chassis "c1" already holds blade "B"');
  });

  it('refuses an added blade in a taken slot, and takes one in a free slot or another chassis', () => {
    const add = (chassis: string, slot: number) =>
      `${blades}events:\n  - { at: 5, add: { id: N, resources: { memoryGiB: 64 }, location: { chassis: ${chassis}, slot: ${slot} } } }\n`;
    expect(lineFor(add('c1', 1))).toBe(
      'f.yaml: events[0].add.location.slot: slot 1 of chassis "c1" already holds blade "A"',
    );
    expect(lineFor(add('c1', 3))).toBe('ok');
    expect(lineFor(add('c2', 1))).toBe('ok');
  });
});
