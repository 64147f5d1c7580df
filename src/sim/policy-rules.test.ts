// The simulator obeys the policy rules through the core's code: hard floors, burn-in after repair, cascade
// windows and pinned workloads, both with the indexes and exhaustively.
import { describe, expect, it } from 'vitest';
import { parseScenario } from './load-scenario.js';
import { simulate, type SimulationReport } from './simulator.js';

function run(yaml: string, exhaustive = false): SimulationReport {
  const result = parseScenario(yaml, 'rules.yaml');
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return simulate(result.scenario, { exhaustive });
}

const moves = (report: SimulationReport): string[] =>
  report.transfers.map((t) => `${t.at} ${t.kind} ${t.workload} ${t.from ?? '-'}->${t.to}`);

describe('simulate: hard floors', () => {
  const yaml = (policy: string, minimum = ''): string => `
policy: { ${policy} }
blades:
  - { id: A, resources: { memoryGiB: 768 }, state: active }
  - { id: S64, resources: { memoryGiB: 64 } }
workloads:
  - { id: W, requirements: { memoryGiB: 768 }, blade: A${minimum} }
events:
  - { at: 10, fail: A }
  - { at: 100, add: { id: S1024, resources: { memoryGiB: 1024 } } }
`;

  it('places on a blade with a deficit when memoryGiB is soft', () => {
    for (const exhaustive of [false, true]) expect(moves(run(yaml(''), exhaustive))[0]).toBe('10 failover W A->S64');
  });

  it('leaves the workload pending with the floor as reason until a blade meets it (policy.hardKeys)', () => {
    for (const exhaustive of [false, true]) {
      const report = run(yaml('hardKeys: [memoryGiB]'), exhaustive);
      expect(moves(report)).toEqual(['100 failover W A->S1024']);
    }
  });

  it('takes a workload minimum as its floor: 64 is below 512, 1024 is not', () => {
    expect(moves(run(yaml('', ', minimum: { memoryGiB: 512 }')))).toEqual(['100 failover W A->S1024']);
    expect(moves(run(yaml('', ', minimum: { memoryGiB: 64 }')))[0]).toBe('10 failover W A->S64');
  });

  it('moves a workload off a blade of the wrong cpuArch even when staying costs less', () => {
    const report = run(`
blades:
  - { id: ARM, resources: { memoryGiB: 8, cpuArch: aarch64 }, state: active }
  - { id: X86, resources: { memoryGiB: 16, cpuArch: x86_64 } }
workloads:
  - { id: W, requirements: { memoryGiB: 8, cpuArch: x86_64 }, blade: ARM }
`);
    expect(moves(report)).toEqual(['0 cascade W ARM->X86']);
  });
});

describe('simulate: failback control', () => {
  const base = `
blades:
  - { id: A, resources: { storageTB: 200 }, state: active }
  - { id: B, resources: { storageTB: 500 } }
workloads:
  - { id: W1, requirements: { storageTB: 200 }, blade: A }
events:
  - { at: 10, fail: A }
  - { at: 100, repair: A }
`;

  it('cascades back to a repaired blade only after its burn-in (policy.repairBurnInSeconds)', () => {
    expect(moves(run(base))).toEqual(['10 failover W1 A->B', '100 cascade W1 B->A']);
    for (const exhaustive of [false, true]) {
      const report = run(`policy: { repairBurnInSeconds: 3600 }\n${base}`, exhaustive);
      expect(moves(report)).toEqual(['10 failover W1 A->B', '3700 cascade W1 B->A']);
    }
  });

  it('starts the burn-in over when the blade fails during it', () => {
    const report = run(
      `policy: { repairBurnInSeconds: 100 }\n${base}  - { at: 150, fail: A }\n  - { at: 160, repair: A }\n`,
    );
    expect(moves(report)).toEqual(['10 failover W1 A->B', '260 cascade W1 B->A']);
  });

  it('never cascades a pinned workload, but fails it over', () => {
    const report = run(base.replace('blade: A }', 'blade: A, pinned: true }'));
    expect(moves(report)).toEqual(['10 failover W1 A->B']);
  });

  it('runs cascades only inside the cascade windows; failovers never wait (1970-01-01 was a Thursday)', () => {
    // 100 s is Thursday 00:01:40 UTC; the window opens at 02:00 (7200 s).
    const report = run(`policy: { cascadeWindows: ["thu 02:00-04:00"] }\n${base}`);
    expect(moves(report)).toEqual(['10 failover W1 A->B', '7200 cascade W1 B->A']);
    const open = run(`policy: { cascadeWindows: ["* 00:00-01:00"] }\n${base}`);
    expect(moves(open)).toEqual(['10 failover W1 A->B', '100 cascade W1 B->A']);
  });
});
