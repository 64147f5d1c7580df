// The scenario file's schema on its own: each bound and each message written for the person editing the YAML.
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  bladeSchema,
  eventSchemas,
  EVENT_KINDS,
  id,
  policySchema,
  scenarioSchema,
  workloadSchema,
} from './scenario-schema.js';

function problem(schema: z.ZodType, value: unknown): { path: string; message: string } | null {
  const result = schema.safeParse(value);
  if (result.success) return null;
  const issue = result.error.issues[0]!;
  return { path: issue.path.join('.'), message: issue.message };
}

describe('scenario schema', () => {
  it('asks for a quoted id when YAML read a number, and refuses an empty one', () => {
    expect(problem(id, 7)).toEqual({
      path: '',
      message: 'expected 1 to 256 letters, digits, or . _ : -; quote it: "7"',
    });
    expect(problem(id, '')).toEqual({ path: '', message: 'expected 1 to 256 letters, digits, or . _ : -' });
    expect(problem(id, null)).toEqual({ path: '', message: 'expected 1 to 256 letters, digits, or . _ : -' });
    expect(problem(id, 'A')).toBeNull();
    expect(problem(id, 'A\u001b[2J')).toEqual({ path: '', message: 'expected 1 to 256 letters, digits, or . _ : -' });
  });

  it('takes quantities of 0 or 0.001 to 1e15 and non-empty attributes', () => {
    expect(
      problem(bladeSchema, {
        id: 'A',
        resources: { memoryGiB: 0, storageTB: 0.001, cpuCount: 1e15, cpuArch: 'x86_64' },
      }),
    ).toBeNull();
    for (const bad of [5e-324, 0.0009, 1.1e15]) {
      expect(problem(bladeSchema, { id: 'A', resources: { memoryGiB: bad } })).toEqual({
        path: 'resources.memoryGiB',
        message: 'expected 0, or a number from 0.001 to 1e15',
      });
    }
    expect(problem(bladeSchema, { id: 'A', resources: { memoryGiB: -1 } })).toEqual({
      path: 'resources.memoryGiB',
      message: 'expected a number >= 0',
    });
    expect(problem(bladeSchema, { id: 'A', resources: { memoryGiB: true } })).toEqual({
      path: 'resources.memoryGiB',
      message: 'expected a number >= 0 or a non-empty string',
    });
    expect(problem(bladeSchema, { id: 'A', resources: { cpuArch: '' } })?.path).toBe('resources.cpuArch');
    expect(problem(bladeSchema, { id: 'A', resources: [] })).toEqual({
      path: 'resources',
      message: 'expected a mapping of resource names to values',
    });
  });

  it('checks a blade state and location, naming the field', () => {
    expect(
      problem(bladeSchema, { id: 'A', resources: {}, state: 'standby', location: { chassis: 'c1', slot: 1 } }),
    ).toBeNull();
    expect(problem(bladeSchema, { id: 'A', resources: {}, state: 'spare' })).toEqual({
      path: 'state',
      message: 'expected one of active, standby, failed, maintenance',
    });
    for (const slot of [0, 1.5, '1']) {
      expect(problem(bladeSchema, { id: 'A', resources: {}, location: { chassis: 'c1', slot } })).toEqual({
        path: 'location.slot',
        message: 'expected an integer >= 1',
      });
    }
    // Other location keys are failure-domain labels (rack, powerFeed): strings.
    expect(problem(bladeSchema, { id: 'A', resources: {}, location: { chassis: 'c1', slot: 1, rack: 2 } })).toEqual({
      path: 'location.rack',
      message: 'expected a string: a label such as powerFeed: A',
    });
  });

  it('names the allowed keys when one is misspelt, and says "expected a mapping" for a non-mapping', () => {
    expect(problem(bladeSchema, { id: 'A', resources: {}, stat: 'active' })).toEqual({
      path: '',
      message: 'unknown key; expected one of id, resources, state, location, fencing',
    });
    expect(problem(bladeSchema, 'A')).toEqual({ path: '', message: 'expected a mapping' });
  });

  it('checks a workload priority and source', () => {
    expect(
      problem(workloadSchema, { id: 'W', requirements: {}, blade: null, priority: 2, source: 'measured' }),
    ).toBeNull();
    expect(problem(workloadSchema, { id: 'W', requirements: {}, priority: 'high' })).toEqual({
      path: 'priority',
      message: 'expected a number',
    });
    expect(problem(workloadSchema, { id: 'W', requirements: {}, source: 'guess' })).toEqual({
      path: 'source',
      message: 'expected one of declared, vm-metadata, measured, host',
    });
  });

  it('bounds the policy: weights and times >= 0, at least one transfer, a replan interval above 0', () => {
    expect(
      problem(policySchema, {
        weights: { memoryGiB: 0 },
        minImprovement: 0,
        maxConcurrentTransfers: 1,
        cooldownSeconds: 0,
        replanSeconds: 1,
        transferSeconds: 0,
        requireApproval: true,
      }),
    ).toBeNull();
    const cases: [string, unknown, string][] = [
      ['minImprovement', -0.1, 'expected a number >= 0'],
      ['cooldownSeconds', -1, 'expected a number >= 0'],
      ['transferSeconds', -1, 'expected a number >= 0'],
      ['maxConcurrentTransfers', 0, 'expected an integer >= 1'],
      ['maxConcurrentTransfers', 1.5, 'expected an integer >= 1'],
      ['replanSeconds', 0, 'expected a number > 0'],
      ['requireApproval', 'no', 'expected true or false'],
      ['minImprovement', 'x', 'expected a number >= 0'],
      ['maxConcurrentTransfers', 'x', 'expected an integer >= 1'],
      ['replanSeconds', 'x', 'expected a number > 0'],
    ];
    for (const [key, value, message] of cases)
      expect(problem(policySchema, { [key]: value })).toEqual({ path: key, message });
    expect(problem(policySchema, { weights: { memoryGiB: -1 } })).toEqual({
      path: 'weights.memoryGiB',
      message: 'expected a number >= 0',
    });
    expect(problem(policySchema, { weights: 3 })).toEqual({
      path: 'weights',
      message: 'expected a mapping of resource names to weights',
    });
  });

  it('reads the top level, with lists or nothing for each section', () => {
    expect(problem(scenarioSchema, { name: 'x', policy: null, blades: null, workloads: [], events: [] })).toBeNull();
    expect(problem(scenarioSchema, { blades: {} })).toEqual({ path: 'blades', message: 'expected a list of blades' });
    expect(problem(scenarioSchema, { workloads: 'W1' })).toEqual({
      path: 'workloads',
      message: 'expected a list of workloads',
    });
    expect(problem(scenarioSchema, { events: 'fail A' })).toEqual({
      path: 'events',
      message: 'expected a list of events',
    });
    expect(problem(scenarioSchema, { blade: [] })?.message).toBe(
      'unknown key; expected one of name, policy, blades, workloads, events, detection',
    );
  });

  it('has one schema per event kind, each with a time >= 0', () => {
    expect(EVENT_KINDS).toEqual(['fail', 'repair', 'maintenance', 'add', 'submit', 'finish']);
    expect(problem(eventSchemas.fail, { at: 0, fail: 'A' })).toBeNull();
    expect(problem(eventSchemas.repair, { at: 1, repair: 'A' })).toBeNull();
    expect(problem(eventSchemas.maintenance, { at: 1, maintenance: 'A' })).toBeNull();
    expect(problem(eventSchemas.finish, { at: 1, finish: 'W' })).toBeNull();
    expect(problem(eventSchemas.add, { at: 1, add: { id: 'N', resources: { memoryGiB: 8 } } })).toBeNull();
    expect(problem(eventSchemas.submit, { at: 1, submit: { id: 'W', requirements: { memoryGiB: 8 } } })).toBeNull();
    expect(problem(eventSchemas.fail, { at: -1, fail: 'A' })).toEqual({
      path: 'at',
      message: 'expected a number >= 0',
    });
    expect(problem(eventSchemas.add, { at: 1, add: { id: 'N' } })?.path).toBe('add.resources');
    expect(problem(eventSchemas.fail, { at: 1, fail: 'A', why: 'x' })?.message).toBe(
      'unknown key; expected one of at, fail',
    );
  });
});
