// The simulator: the four-server example, cascades, maintenance, submit and finish, failures, indexes, properties.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { policyWith, type BladeState, type Policy } from '../core/model.js';
import { generateScenario } from './generate.js';
import { parseScenario } from './load-scenario.js';
import type { Scenario, ScenarioBlade, ScenarioEvent, ScenarioWorkload } from './scenario.js';
import { checkInvariants, simulate, type SimState, type SimulationReport, type TransferReport } from './simulator.js';

// --- builders: one line per blade, workload or event -------------------------------------------

const blade = (id: string, storageTB: number, state: BladeState = 'standby'): ScenarioBlade => ({
  id,
  resources: { storageTB },
  state,
});
const workload = (id: string, storageTB: number, on: string | null = null, priority = 0): ScenarioWorkload => ({
  id,
  requirements: { storageTB },
  blade: on,
  priority,
  source: 'declared',
});

function scenario(parts: {
  blades: ScenarioBlade[];
  workloads?: ScenarioWorkload[];
  events?: ScenarioEvent[];
  policy?: Partial<Policy>;
}): Scenario {
  const events = [...(parts.events ?? [])].sort((a, b) => a.at - b.at);
  return {
    name: 'test',
    policy: policyWith(parts.policy ?? {}),
    blades: parts.blades,
    workloads: parts.workloads ?? [],
    events,
  };
}

/**
 * Simulates and checks, after every step, the invariants and that each new transfer's target was standby
 * just before (so never failed, in maintenance, or someone else's).
 */
function run(input: Scenario, exhaustive = false): SimulationReport {
  let before = new Map<string, BladeState>(input.blades.map((b) => [b.id, b.state]));
  let seen = 0;
  const observe = (state: SimState, step: string): void => {
    const problems = checkInvariants(state);
    for (const record of state.transfers.slice(seen)) {
      const was = before.get(record.to);
      if (was !== 'standby') problems.push(`${record.workload} targets ${record.to}, which was ${was ?? 'unknown'}`);
    }
    if (problems.length > 0) throw new Error(`after ${step} at ${state.now}: ${problems.join('; ')}`);
    seen = state.transfers.length;
    before = new Map([...state.blades].map(([id, b]) => [id, b.state]));
  };
  return simulate(input, { observe, exhaustive });
}

const moves = (report: SimulationReport): string[] =>
  report.transfers.map(
    (t) =>
      `${t.at} ${t.kind} ${t.workload} ${t.from ?? '-'}->${t.to}${t.outcome === 'aborted' ? ` aborted@${t.end}` : ''}`,
  );

// --- DESIGN section 1 --------------------------------------------------------------------------

describe('simulate: the four-server example', () => {
  const parsed = parseScenario(`
name: four-servers
policy: { minImprovement: 0.05 }
blades:
  - { id: A, resources: { storageTB: 200 }, state: active }
  - { id: B, resources: { storageTB: 500 }, state: standby }
workloads:
  - { id: W1, requirements: { storageTB: 200 }, blade: A }
events:
  - { at: 10, fail: A }
  - { at: 100, add: { id: C, resources: { storageTB: 300 } } }
  - { at: 200, repair: A }
`);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const report = run(parsed.scenario);

  it('fails over A -> B, then cascades B -> C and C -> A', () => {
    expect(report.transfers).toEqual<TransferReport[]>([
      {
        at: 10,
        workload: 'W1',
        from: 'A',
        to: 'B',
        kind: 'failover',
        before: { deficit: 0, surplus: 0 },
        after: { deficit: 0, surplus: 1.5 },
        end: 40,
        outcome: 'completed',
      },
      {
        at: 100,
        workload: 'W1',
        from: 'B',
        to: 'C',
        kind: 'cascade',
        before: { deficit: 0, surplus: 1.5 },
        after: { deficit: 0, surplus: 0.5 },
        end: 130,
        outcome: 'completed',
      },
      {
        at: 200,
        workload: 'W1',
        from: 'C',
        to: 'A',
        kind: 'cascade',
        before: { deficit: 0, surplus: 0.5 },
        after: { deficit: 0, surplus: 0 },
        end: 230,
        outcome: 'completed',
      },
    ]);
  });

  it('ends with W1 on A and B, C back in the pool', () => {
    expect(report.placements).toEqual({ W1: 'A' });
    expect(report.blades).toEqual({ A: 'active', B: 'standby', C: 'standby' });
    expect(report.pending).toEqual([]);
  });

  it('measures the run', () => {
    // Surplus 1.5 on B from 40 to 130 (it keeps running there while cascading), 0.5 on C from 130 to 230.
    expect(report.metrics).toEqual({
      failovers: 1,
      cascades: 2,
      drains: 0,
      placements: 0,
      aborted: 0,
      pendingWorkloads: 0,
      timeWeightedSurplus: Math.round(((90 * 1.5 + 100 * 0.5) / 230) * 1e6) / 1e6,
      timeWeightedDeficit: 0,
      duration: 230,
      events: 3,
    });
  });

  it('is deterministic and JSON-clean', () => {
    const again = run(parsed.scenario);
    expect(JSON.stringify(again)).toBe(JSON.stringify(report));
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});

// --- cascades ----------------------------------------------------------------------------------

describe('simulate: cascades', () => {
  it('chains: W1 B -> C frees B, which W2 takes in a later round', () => {
    const report = run(
      scenario({
        blades: [blade('B', 200, 'active'), blade('C', 100), blade('D', 400, 'active')],
        workloads: [workload('W1', 100, 'B'), workload('W2', 200, 'D')],
      }),
    );
    expect(moves(report)).toEqual(['0 cascade W1 B->C', '30 cascade W2 D->B']);
    expect(report.blades).toEqual({ B: 'active', C: 'active', D: 'standby' });
    expect(report.metrics.duration).toBe(60);
  });

  it('finishes a chain in one instant when transfers take no time', () => {
    const report = run(
      scenario({
        blades: [blade('B', 200, 'active'), blade('C', 100), blade('D', 400, 'active')],
        workloads: [workload('W1', 100, 'B'), workload('W2', 200, 'D')],
        policy: { transferSeconds: 0 },
      }),
    );
    expect(moves(report)).toEqual(['0 cascade W1 B->C', '0 cascade W2 D->B']);
    expect(report.transfers.every((t) => t.end === 0 && t.outcome === 'completed')).toBe(true);
    expect(report.metrics.duration).toBe(1);
  });

  it('starts the largest savings first within maxConcurrentTransfers; failovers never wait', () => {
    const report = run(
      scenario({
        blades: [
          ...['S1', 'S2', 'S3'].map((id) => blade(id, 100)),
          blade('X1', 200, 'active'), // W1: surplus 1
          blade('X2', 400, 'active'), // W2: surplus 3
          blade('X3', 300, 'active'), // W3: surplus 2
          blade('F', 100, 'active'),
          blade('G', 150),
        ],
        workloads: [
          workload('W1', 100, 'X1'),
          workload('W2', 100, 'X2'),
          workload('W3', 100, 'X3'),
          workload('W4', 100, 'F'),
        ],
        events: [{ at: 10, fail: 'F' }],
        policy: { maxConcurrentTransfers: 2 },
      }),
    );
    expect(moves(report)).toEqual([
      // The optimum gives S1..S3 to W1..W3 in id order; the two largest savings start, W1's move waits.
      '0 cascade W2 X2->S2',
      '0 cascade W3 X3->S3',
      // Two cascades in flight fill the limit; the failover starts anyway, on the blade W1 was waiting for.
      '10 failover W4 F->S1',
      // At 30 the failover still holds one of the two slots.
      '30 cascade W1 X1->G',
    ]);
  });

  it('cascades a workload the instant its cooldown ends, not at the next replan tick', () => {
    const report = run(
      scenario({
        blades: [blade('A', 100, 'active'), blade('B', 300)],
        workloads: [workload('W1', 100, 'A')],
        events: [
          { at: 0, fail: 'A' },
          { at: 50, add: blade('C', 100) },
        ],
        policy: { cooldownSeconds: 100, replanSeconds: 300 },
      }),
    );
    // Lands on B at 30, frozen until 130: the cooldown's end wakes the planner, 170 s before the replan timer.
    expect(moves(report)).toEqual(['0 failover W1 A->B', '130 cascade W1 B->C']);
    expect(report.metrics.duration).toBe(160);
  });
});

// --- maintenance -------------------------------------------------------------------------------

describe('simulate: maintenance', () => {
  it('takes a standby blade out of the pool: never a target until repaired', () => {
    const report = run(
      scenario({
        blades: [blade('A', 100, 'active'), blade('B', 100), blade('C', 300)],
        workloads: [workload('W1', 100, 'A')],
        events: [
          { at: 5, maintenance: 'B' },
          { at: 10, fail: 'A' },
          { at: 100, repair: 'B' },
        ],
      }),
    );
    expect(moves(report)).toEqual(['10 failover W1 A->C', '100 cascade W1 C->B']);
    expect(report.blades).toEqual({ A: 'failed', B: 'active', C: 'standby' });
  });

  it('drains an active blade to the best standby, even to a worse fit, and then puts it in maintenance', () => {
    const report = run(
      scenario({
        blades: [blade('A', 100, 'active'), blade('B', 300)],
        workloads: [workload('W1', 100, 'A')],
        events: [
          { at: 10, maintenance: 'A' },
          { at: 100, repair: 'A' },
        ],
      }),
    );
    expect(report.transfers.map((t) => [t.at, t.kind, t.from, t.to, t.drain ?? false])).toEqual([
      [10, 'cascade', 'A', 'B', true],
      [100, 'cascade', 'B', 'A', false],
    ]);
    expect(report.transfers[0]!.after).toEqual({ deficit: 0, surplus: 2 });
    expect(report.metrics.drains).toBe(1);
    expect(report.blades).toEqual({ A: 'active', B: 'standby' });
  });

  it('keeps a drain waiting until a blade enters the pool', () => {
    const input = scenario({
      blades: [blade('A', 100, 'active')],
      workloads: [workload('W1', 100, 'A')],
      events: [{ at: 10, maintenance: 'A' }],
    });
    const stuck = run(input);
    expect(stuck.transfers).toEqual([]);
    expect(stuck.blades).toEqual({ A: 'active' });
    expect(stuck.maintenancePending).toEqual(['A']);

    const later = run({ ...input, events: [...input.events, { at: 50, add: blade('B', 200) }] });
    expect(moves(later)).toEqual(['50 cascade W1 A->B']);
    expect(later.blades).toEqual({ A: 'maintenance', B: 'active' });
    expect(later.maintenancePending).toEqual([]);
  });

  it('drains a blade put into maintenance while a workload is heading to it, once it lands', () => {
    const report = run(
      scenario({
        blades: [blade('A', 100, 'active'), blade('B', 100), blade('C', 200)],
        workloads: [workload('W1', 100, 'A')],
        events: [
          { at: 0, fail: 'A' },
          { at: 10, maintenance: 'B' },
        ],
      }),
    );
    expect(moves(report)).toEqual(['0 failover W1 A->B', '30 cascade W1 B->C']);
    expect(report.blades).toEqual({ A: 'failed', B: 'maintenance', C: 'active' });
  });
});

// --- workloads come and go ---------------------------------------------------------------------

describe('simulate: submit and finish', () => {
  it('places a submitted workload and frees the blade of a finished one', () => {
    const report = run(
      scenario({
        blades: [blade('A', 100, 'active'), blade('B', 200), blade('C', 400)],
        workloads: [workload('W1', 100, 'A')],
        events: [
          { at: 50, submit: workload('W2', 200) },
          { at: 100, finish: 'W1' },
        ],
      }),
    );
    expect(report.transfers).toEqual([
      {
        at: 50,
        workload: 'W2',
        from: null,
        to: 'B',
        kind: 'place',
        before: null,
        after: { deficit: 0, surplus: 0 },
        end: 80,
        outcome: 'completed',
      },
    ]);
    expect(report.placements).toEqual({ W2: 'B' });
    expect(report.blades).toEqual({ A: 'standby', B: 'active', C: 'standby' });
    expect(report.metrics.placements).toBe(1);
  });

  it('places workloads that start without a blade at time 0', () => {
    const report = run(scenario({ blades: [blade('A', 100)], workloads: [workload('W1', 100)] }));
    expect(moves(report)).toEqual(['0 place W1 -->A']);
  });

  it('calls off the transfer of a workload that finishes, and returns both blades to the pool', () => {
    const report = run(
      scenario({
        blades: [blade('B', 300, 'active'), blade('C', 100)],
        workloads: [workload('W1', 100, 'B')],
        events: [{ at: 10, finish: 'W1' }],
      }),
    );
    expect(moves(report)).toEqual(['0 cascade W1 B->C aborted@10']);
    expect(report.placements).toEqual({});
    expect(report.blades).toEqual({ B: 'standby', C: 'standby' });
    expect(report.metrics.aborted).toBe(1);
  });
});

// --- failures ----------------------------------------------------------------------------------

describe('simulate: failures', () => {
  it('keeps workloads pending without a standby blade and places them by priority as blades return', () => {
    const input = scenario({
      blades: [blade('A', 100, 'active'), blade('B', 100, 'active')],
      workloads: [workload('W1', 100, 'A', 1), workload('W2', 100, 'B', 5)],
      events: [
        { at: 10, fail: 'A' },
        { at: 10, fail: 'B' },
        { at: 50, repair: 'A' },
      ],
    });
    const half = run(input);
    expect(moves(half)).toEqual(['50 failover W2 B->A']);
    expect(half.placements).toEqual({ W1: null, W2: 'A' });
    expect(half.pending).toEqual([expect.objectContaining({ workload: 'W1', from: 'A', reason: 'lower-priority' })]);
    expect(half.metrics.pendingWorkloads).toBe(1);

    const full = run({ ...input, events: [...input.events, { at: 80, repair: 'B' }] });
    expect(moves(full)).toEqual(['50 failover W2 B->A', '80 failover W1 A->B']);
    expect(full.pending).toEqual([]);
  });

  it('re-places a workload whose failover target fails mid-transfer', () => {
    const report = run(
      scenario({
        blades: [blade('A', 100, 'active'), blade('B', 100), blade('C', 200)],
        workloads: [workload('W1', 100, 'A')],
        events: [
          { at: 10, fail: 'A' },
          { at: 20, fail: 'B' },
        ],
      }),
    );
    expect(moves(report)).toEqual(['10 failover W1 A->B aborted@20', '20 failover W1 A->C']);
    expect(report.transfers[1]!.before).toEqual({ deficit: 0, surplus: 0 });
    expect(report.blades).toEqual({ A: 'failed', B: 'failed', C: 'active' });
  });

  it('keeps a workload on its source when the target of its cascade fails', () => {
    const report = run(
      scenario({
        blades: [blade('B', 300, 'active'), blade('C', 100)],
        workloads: [workload('W1', 100, 'B')],
        events: [{ at: 10, fail: 'C' }],
      }),
    );
    expect(moves(report)).toEqual(['0 cascade W1 B->C aborted@10']);
    expect(report.placements).toEqual({ W1: 'B' });
    expect(report.blades).toEqual({ B: 'active', C: 'failed' });
  });

  it('fails over a workload whose source fails mid-cascade, the target back in the pool', () => {
    const report = run(
      scenario({
        blades: [blade('B', 300, 'active'), blade('C', 100), blade('D', 400)],
        workloads: [workload('W1', 100, 'B')],
        events: [{ at: 10, fail: 'B' }],
      }),
    );
    expect(moves(report)).toEqual(['0 cascade W1 B->C aborted@10', '10 failover W1 B->C']);
    expect(report.transfers[1]!.before).toEqual({ deficit: 0, surplus: 2 });
    expect(report.blades).toEqual({ B: 'failed', C: 'active', D: 'standby' });
  });

  it('places the workloads of a failing chassis jointly, not greedily', () => {
    // Greedy in id order gives W1 the 200 TB blade and leaves W2 short on X (deficit 0.25);
    // the optimum gives W2 the 200 TB blade and W1 the smaller shortfall (40/190).
    const report = run(
      scenario({
        blades: [blade('A1', 190, 'active'), blade('A2', 200, 'active'), blade('X', 150), blade('Y', 200)],
        workloads: [workload('W1', 190, 'A1'), workload('W2', 200, 'A2')],
        events: [
          { at: 10, fail: 'A1' },
          { at: 10, fail: 'A2' },
        ],
      }),
    );
    expect(moves(report)).toEqual(['10 failover W1 A1->X', '10 failover W2 A2->Y']);
  });
});

// --- the indexes change nothing ----------------------------------------------------------------

describe('simulate: indexes', () => {
  it('gives the same report as handing the planners the whole data center', () => {
    for (const seed of [1, 2]) {
      const input = generateScenario({ blades: 150, seed });
      expect(JSON.stringify(run(input))).toBe(JSON.stringify(run(input, true)));
    }
  });

  it('reports progress once per percent or so, and at the end', () => {
    const input = generateScenario({ blades: 100, seed: 3 });
    const calls: [number, number][] = [];
    simulate(input, { onProgress: (done, total) => calls.push([done, total]) });
    expect(calls.at(-1)).toEqual([input.events.length, input.events.length]);
    expect(calls.length).toBeLessThanOrEqual(102);
  });
});

// --- properties --------------------------------------------------------------------------------

const SIZES = [100, 200, 300, 400];

const randomScenario = fc
  .record({
    blades: fc.array(
      fc.record({
        size: fc.constantFrom(...SIZES),
        arm: fc.boolean(),
        state: fc.constantFrom<BladeState>('active', 'standby', 'standby', 'failed', 'maintenance'),
      }),
      { minLength: 3, maxLength: 12 },
    ),
    pendingAtStart: fc.array(
      fc.record({ size: fc.constantFrom(...SIZES), arm: fc.boolean(), priority: fc.integer({ min: 0, max: 2 }) }),
      { maxLength: 3 },
    ),
    events: fc.array(
      fc.record({
        at: fc.integer({ min: 0, max: 20 }).map((n) => n * 10),
        kind: fc.constantFrom('fail', 'repair', 'maintenance', 'add', 'finish', 'submit'),
        target: fc.nat(20),
        size: fc.constantFrom(...SIZES),
        arm: fc.boolean(),
      }),
      { maxLength: 25 },
    ),
    policy: fc.record({
      transferSeconds: fc.constantFrom(0, 10, 30),
      maxConcurrentTransfers: fc.integer({ min: 1, max: 4 }),
      cooldownSeconds: fc.constantFrom(0, 0, 45),
      replanSeconds: fc.constantFrom(60, 300),
    }),
  })
  .map(({ blades: shapes, pendingAtStart, events: raw, policy }): Scenario => {
    const resources = (size: number, arm: boolean) => ({ storageTB: size, cpuArch: arm ? 'arm' : 'x86' });
    const blades = shapes.map((b, i) => ({ id: `B${i}`, resources: resources(b.size, b.arm), state: b.state }));
    const workloads: ScenarioWorkload[] = blades
      .filter((b) => b.state === 'active')
      .map((b, i) => ({
        id: `W${i}`,
        requirements: resources(Math.max(100, b.resources.storageTB - (i % 2) * 100), b.resources.cpuArch === 'arm'),
        blade: b.id,
        priority: i % 3,
        source: 'declared',
      }));
    pendingAtStart.forEach((w, i) => {
      workloads.push({
        id: `P${i}`,
        requirements: resources(w.size, w.arm),
        blade: null,
        priority: w.priority,
        source: 'declared',
      });
    });
    const bladeIds = blades.map((b) => b.id);
    const workloadIds = workloads.map((w) => w.id);
    const events: ScenarioEvent[] = raw.map((e, i) => {
      const pick = (ids: string[]) => ids[e.target % ids.length] ?? 'nobody';
      switch (e.kind) {
        case 'fail':
          return { at: e.at, fail: pick(bladeIds) };
        case 'repair':
          return { at: e.at, repair: pick(bladeIds) };
        case 'maintenance':
          return { at: e.at, maintenance: pick(bladeIds) };
        case 'add':
          bladeIds.push(`N${i}`);
          return { at: e.at, add: { id: `N${i}`, resources: resources(e.size, e.arm), state: 'standby' } };
        case 'finish':
          return { at: e.at, finish: pick(workloadIds) };
        default:
          workloadIds.push(`S${i}`);
          return {
            at: e.at,
            submit: {
              id: `S${i}`,
              requirements: resources(e.size, e.arm),
              blade: null,
              priority: e.target % 3,
              source: 'declared',
            },
          };
      }
    });
    return scenario({ blades, workloads, events, policy });
  });

describe('simulate: properties', () => {
  it('never puts a workload on two blades or two workloads on a blade, never targets a blade out of the pool, and ends', () => {
    fc.assert(
      fc.property(randomScenario, (input) => {
        const report = run(input);
        const hosts = Object.values(report.placements).filter((b): b is string => b !== null);
        expect(new Set(hosts).size).toBe(hosts.length);
        for (const host of hosts) expect(report.blades[host]).toBe('active');
        for (const transfer of report.transfers) expect(transfer.end).toBeGreaterThanOrEqual(transfer.at);
        const lastEvent = input.events.at(-1)?.at ?? 0;
        expect(report.metrics.duration).toBeGreaterThanOrEqual(lastEvent);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same report with and without the indexes', () => {
    fc.assert(
      fc.property(randomScenario, (input) => {
        expect(JSON.stringify(run(input))).toBe(JSON.stringify(run(input, true)));
      }),
      { numRuns: 150 },
    );
  });
});
