// The scenario loader: good files become Scenarios with defaults, bad ones one line naming the place and the problem.
import { readdirSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, policyWith } from '../core/model.js';
import { formatScenarioError, loadScenario, parseScenario } from './load-scenario.js';

/** The one line an operator sees for a file, or "ok". */
function lineFor(text: string): string {
  const result = parseScenario(text, 'f.yaml');
  return result.ok ? 'ok' : formatScenarioError('f.yaml', result.error);
}

const blades = `blades:
  - { id: A, resources: { storageTB: 200 }, state: active }
  - { id: B, resources: { storageTB: 500 } }
`;
const withW1 = `${blades}workloads:
  - { id: W1, requirements: { storageTB: 200 }, blade: A }
`;

describe('parseScenario: good files', () => {
  it('fills in the defaults', () => {
    const result = parseScenario(withW1, 'dir/four.yaml');
    expect(result).toEqual({
      ok: true,
      scenario: {
        name: 'four',
        policy: DEFAULT_POLICY,
        blades: [
          { id: 'A', resources: { storageTB: 200 }, state: 'active' },
          { id: 'B', resources: { storageTB: 500 }, state: 'standby' },
        ],
        workloads: [{ id: 'W1', requirements: { storageTB: 200 }, blade: 'A', priority: 0, source: 'declared' }],
        events: [],
      },
    });
  });

  it('reads the DESIGN section 9 example, with events sorted stably by time', () => {
    const full = `name: four-servers
policy: { minImprovement: 0.1, weights: { storageTB: 2 }, requireApproval: true }
${blades}workloads:
  - { id: W1, requirements: { storageTB: 200, cpuArch: ppc64le }, blade: A, priority: 2, source: vm-metadata }
  - { id: W0, requirements: { storageTB: 50 } }
events:
  - { at: 200, repair: A }
  - { at: 10, fail: A }
  - { at: 100, add: { id: C, resources: { storageTB: 300 }, location: { chassis: c1, slot: 3 } } }
  - { at: 100, submit: { id: W2, requirements: { storageTB: 100 } } }
  - { at: 100, finish: W2 }
  - { at: 10, maintenance: B }
`;
    const result = parseScenario(full);
    if (!result.ok) throw new Error(formatScenarioError('full', result.error));
    const { scenario } = result;
    expect(scenario.name).toBe('four-servers');
    expect(scenario.policy).toEqual(
      policyWith({ minImprovement: 0.1, weights: { storageTB: 2 }, requireApproval: true }),
    );
    expect(scenario.workloads[0]).toEqual({
      id: 'W1',
      requirements: { storageTB: 200, cpuArch: 'ppc64le' },
      blade: 'A',
      priority: 2,
      source: 'vm-metadata',
    });
    expect(scenario.workloads[1]?.blade).toBeNull();
    expect(scenario.events).toEqual([
      { at: 10, fail: 'A' },
      { at: 10, maintenance: 'B' },
      {
        at: 100,
        add: { id: 'C', resources: { storageTB: 300 }, state: 'standby', location: { chassis: 'c1', slot: 3 } },
      },
      { at: 100, submit: { id: 'W2', requirements: { storageTB: 100 }, blade: null, priority: 0, source: 'declared' } },
      { at: 100, finish: 'W2' },
      { at: 200, repair: 'A' },
    ]);
  });

  it('treats empty lists as none and names a nameless scenario after its file', () => {
    const result = parseScenario('blades:\nworkloads:\nevents:\n', '/x/y/empty-dc.yml');
    expect(result.ok && result.scenario).toMatchObject({ name: 'empty-dc', blades: [], workloads: [], events: [] });
    expect(parseScenario('name: x\n').ok).toBe(true);
  });

  it('reads detection.*, the defaults filling what is left out; none when the file has no detection', () => {
    const result = parseScenario('detection: { failAfterMs: 2000, consecutive: 3 }\n');
    expect(result.ok && result.scenario.detection).toEqual({
      failAfterMs: 2000,
      suspectAlarmMs: 30_000,
      consecutive: 3,
    });
    const none = parseScenario('name: x\n');
    expect(none.ok && none.scenario.detection).toBeUndefined();
  });
});

describe('parseScenario: each malformed kind gives one line with the right path', () => {
  const cases: [string, string, string][] = [
    ['bad YAML', 'blades:\n  - { id: A, resources: [1, 2\n', 'f.yaml: bad YAML at line 3: '],
    ['duplicate YAML key', 'name: a\nname: b\n', 'f.yaml: bad YAML at line 2: Map keys must be unique'],
    [
      'empty file',
      '# nothing here\n',
      'f.yaml: empty scenario file; expected a mapping with name, policy, blades, workloads and events',
    ],
    [
      'a list at the top',
      '- 1\n',
      'f.yaml: expected a mapping with name, policy, blades, workloads and events, got a list',
    ],
    ['missing id', 'blades:\n  - { resources: {} }\n', 'f.yaml: blades[0].id: required'],
    [
      'empty id',
      'blades:\n  - { id: "", resources: {} }\n',
      'f.yaml: blades[0].id: expected 1 to 256 letters, digits, or . _ : -',
    ],
    [
      'numeric id',
      'blades:\n  - { id: 7, resources: {} }\n',
      'f.yaml: blades[0].id: expected 1 to 256 letters, digits, or . _ : -; quote it: "7"',
    ],
    ['missing resources', 'blades:\n  - { id: A }\n', 'f.yaml: blades[0].resources: required'],
    [
      'negative quantity',
      `${blades}  - { id: C, resources: {} }\n  - { id: D, resources: { memoryGiB: -1 } }\n`,
      'f.yaml: blades[3].resources.memoryGiB: expected a number >= 0',
    ],
    [
      'vanishing quantity',
      'workloads:\n  - { id: W, requirements: { memoryGiB: 5e-324 } }\n',
      'f.yaml: workloads[0].requirements.memoryGiB: expected 0, or a number from 0.001 to 1e15',
    ],
    [
      'infinite quantity',
      'blades:\n  - { id: A, resources: { memoryGiB: .inf } }\n',
      'f.yaml: blades[0].resources.memoryGiB: expected a number >= 0 or a non-empty string',
    ],
    [
      'boolean resource',
      'blades:\n  - { id: A, resources: { gpu: true } }\n',
      'f.yaml: blades[0].resources.gpu: expected a number >= 0 or a non-empty string',
    ],
    [
      'empty attribute',
      'workloads:\n  - { id: W, requirements: { cpuArch: "" } }\n',
      'f.yaml: workloads[0].requirements.cpuArch: expected a non-empty string',
    ],
    [
      'bad state',
      'blades:\n  - { id: A, resources: {}, state: broken }\n',
      'f.yaml: blades[0].state: expected one of active, standby, failed, maintenance',
    ],
    [
      'bad slot',
      'blades:\n  - { id: A, resources: {}, location: { chassis: c1, slot: 0 } }\n',
      'f.yaml: blades[0].location.slot: expected an integer >= 1',
    ],
    [
      'bad source',
      'workloads:\n  - { id: W, requirements: {}, source: guess }\n',
      'f.yaml: workloads[0].source: expected one of declared, vm-metadata, measured, host',
    ],
    [
      'unknown key',
      'blades:\n  - { id: A, resources: {}, colour: red }\n',
      'f.yaml: blades[0].colour: unknown key; expected one of id, resources, state, location, fencing',
    ],
    [
      'unknown top-level key',
      'blade: []\n',
      'f.yaml: blade: unknown key; expected one of name, policy, blades, workloads, events, detection',
    ],
    ['not a list', 'blades: { id: A }\n', 'f.yaml: blades: expected a list of blades'],
    [
      'a detection time below zero',
      'detection: { failAfterMs: -5 }\n',
      'f.yaml: detection.failAfterMs: expected an integer of milliseconds from 0 to 3600000',
    ],
    [
      'a detection count that is not whole',
      'detection: { consecutive: 1.5 }\n',
      'f.yaml: detection.consecutive: expected an integer from 1 to 100',
    ],
    [
      'an unknown detection key',
      'detection: { failAfter: 5 }\n',
      'f.yaml: detection.failAfter: unknown key; expected one of failAfterMs, suspectAlarmMs, consecutive',
    ],
    [
      'unknown event',
      'events:\n  - { at: 1, explode: A }\n',
      'f.yaml: events[0]: unknown event: expected exactly one of fail, repair, maintenance, add, submit, finish',
    ],
    [
      'two kinds in one event',
      `${blades}events:\n  - { at: 1, fail: A }\n  - { at: 2, fail: A, repair: A }\n`,
      'f.yaml: events[1]: unknown event: expected exactly one of fail, repair, maintenance, add, submit, finish',
    ],
    ['event without time', `${blades}events:\n  - { fail: A }\n`, 'f.yaml: events[0].at: required'],
    ['negative time', `${blades}events:\n  - { at: -5, fail: A }\n`, 'f.yaml: events[0].at: expected a number >= 0'],
    ['event not a mapping', 'events:\n  - fail A\n', 'f.yaml: events[0]: expected a mapping like { at: 10, fail: A }'],
    [
      'bad added blade',
      'events:\n  - { at: 1, add: { id: C, resources: { storageTB: -3 } } }\n',
      'f.yaml: events[0].add.resources.storageTB: expected a number >= 0',
    ],
    [
      'bad policy value',
      'policy: { maxConcurrentTransfers: 0 }\n',
      'f.yaml: policy.maxConcurrentTransfers: expected an integer >= 1',
    ],
    [
      'fractional transfer limit',
      'policy: { maxConcurrentTransfers: 1.5 }\n',
      'f.yaml: policy.maxConcurrentTransfers: expected an integer >= 1',
    ],
    ['zero replan period', 'policy: { replanSeconds: 0 }\n', 'f.yaml: policy.replanSeconds: expected a number > 0'],
    [
      'negative weight',
      'policy: { weights: { storageTB: -1 } }\n',
      'f.yaml: policy.weights.storageTB: expected a number >= 0',
    ],
    ['negative margin', 'policy: { minImprovement: -0.1 }\n', 'f.yaml: policy.minImprovement: expected a number >= 0'],
    [
      'approval not boolean',
      'policy: { requireApproval: yes }\n',
      'f.yaml: policy.requireApproval: expected true or false',
    ],
    [
      'unknown policy key',
      'policy: { minImprovment: 0.1 }\n',
      'f.yaml: policy.minImprovment: unknown key; expected one of weights, minImprovement, maxConcurrentTransfers, cooldownSeconds, replanSeconds, transferSeconds, requireApproval, survivability, admission, hardKeys, repairBurnInSeconds, cascadeWindows',
    ],
    [
      'duplicate blade id',
      `${blades}  - { id: C, resources: {} }\n  - { id: D, resources: {} }\n  - { id: B, resources: {} }\n`,
      'f.yaml: blades[4].id: duplicate blade id "B"',
    ],
    [
      'duplicate workload id',
      `${withW1}  - { id: W1, requirements: {} }\n`,
      'f.yaml: workloads[1].id: duplicate workload id "W1"',
    ],
    [
      'workload on unknown blade',
      `${blades}workloads:\n  - { id: W1, requirements: {}, blade: Z }\n`,
      'f.yaml: workloads[0].blade: unknown blade "Z"',
    ],
    [
      'workload on a standby blade',
      `${withW1}  - { id: W2, requirements: {}, blade: B }\n`,
      'f.yaml: workloads[1].blade: blade "B" is standby; a workload runs only on an active blade',
    ],
    [
      'two workloads on one blade',
      `${withW1}  - { id: W2, requirements: {}, blade: A }\n`,
      'f.yaml: workloads[1].blade: blade "A" already hosts workload "W1"',
    ],
    [
      'active blade without workload',
      blades,
      'f.yaml: blades[0].state: active blade hosts no workload; make it standby',
    ],
    [
      'event on unknown blade',
      `${withW1}events:\n  - { at: 1, fail: Z }\n`,
      'f.yaml: events[0].fail: unknown blade "Z"',
    ],
    [
      'event on a blade added later',
      `${withW1}events:\n  - { at: 50, add: { id: C, resources: {} } }\n  - { at: 10, maintenance: C }\n`,
      'f.yaml: events[1].maintenance: unknown blade "C" (it is added only at 50)',
    ],
    [
      'repair of unknown blade',
      `${withW1}events:\n  - { at: 1, repair: Q }\n`,
      'f.yaml: events[0].repair: unknown blade "Q"',
    ],
    [
      'add of an existing blade',
      `${withW1}events:\n  - { at: 1, add: { id: B, resources: {} } }\n`,
      'f.yaml: events[0].add.id: blade "B" already exists',
    ],
    [
      'add of an active blade',
      `${withW1}events:\n  - { at: 1, add: { id: C, resources: {}, state: active } }\n`,
      'f.yaml: events[0].add.state: an added blade enters the standby pool; leave state out or make it standby',
    ],
    [
      'submit of an existing workload',
      `${withW1}events:\n  - { at: 1, submit: { id: W1, requirements: {} } }\n`,
      'f.yaml: events[0].submit.id: workload "W1" already exists',
    ],
    [
      'submit onto a blade',
      `${withW1}events:\n  - { at: 1, submit: { id: W2, requirements: {}, blade: B } }\n`,
      'f.yaml: events[0].submit.blade: a submitted workload is placed by the planner; leave blade out',
    ],
    [
      'finish of unknown workload',
      `${withW1}events:\n  - { at: 1, finish: W9 }\n`,
      'f.yaml: events[0].finish: unknown workload "W9"',
    ],
    [
      'finish before submit',
      `${withW1}events:\n  - { at: 1, finish: W2 }\n  - { at: 5, submit: { id: W2, requirements: {} } }\n`,
      'f.yaml: events[0].finish: unknown workload "W2" (it is submitted only at 5)',
    ],
    [
      'finish twice',
      `${withW1}events:\n  - { at: 1, finish: W1 }\n  - { at: 2, finish: W1 }\n`,
      'f.yaml: events[1].finish: workload "W1" already finished at 1',
    ],
  ];

  it.each(cases)('%s', (_kind, text, expected) => {
    const line = lineFor(text);
    if (expected.endsWith(': ')) expect(line.startsWith(expected)).toBe(true);
    else expect(line).toBe(expected);
    expect(line).not.toContain('\n');
    expect(line).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });
});

describe('loadScenario', () => {
  it('reports an unreadable file without a stack trace', async () => {
    const result = await loadScenario('/nonexistent/scenario.yaml');
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(formatScenarioError('/nonexistent/scenario.yaml', result.error)).toBe(
        '/nonexistent/scenario.yaml: cannot read the file (ENOENT)',
      );
  });

  it('reads a file from disk and names the scenario after it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cascade-scenario-'));
    const path = join(dir, 'tiny.yaml');
    await writeFile(path, withW1);
    const result = await loadScenario(path);
    expect(result.ok && result.scenario.name).toBe('tiny');
  });

  const examples = join(import.meta.dirname, '../../examples');
  const files = readdirSync(examples).filter((file) => /\.ya?ml$/.test(file));

  it('finds the examples', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'four-servers.yaml',
        'patent-tables.yaml',
        'chassis-power-loss.yaml',
        'generated-1000.yaml',
      ]),
    );
  });

  it.each(files)('loads examples/%s without errors', async (file) => {
    const result = await loadScenario(join(examples, file));
    if (!result.ok) throw new Error(formatScenarioError(file, result.error));
    expect(result.scenario.blades.length).toBeGreaterThan(0);
  });

  it('reads four-servers.yaml as DESIGN section 1 tells it', async () => {
    const result = await loadScenario(join(examples, 'four-servers.yaml'));
    expect(result.ok && result.scenario).toEqual({
      name: 'four-servers',
      policy: policyWith({ minImprovement: 0.05 }),
      blades: [
        { id: 'A', resources: { storageTB: 200 }, state: 'active' },
        { id: 'B', resources: { storageTB: 500 }, state: 'standby' },
      ],
      workloads: [{ id: 'W1', requirements: { storageTB: 200 }, blade: 'A', priority: 0, source: 'declared' }],
      events: [
        { at: 10, fail: 'A' },
        { at: 100, add: { id: 'C', resources: { storageTB: 300 }, state: 'standby' } },
        { at: 200, repair: 'A' },
      ],
    });
  });
});
