// `cascade plan` shows the blades left out as targets: counts per reason in the summary, each blade with --all.
import { describe, expect, it } from 'vitest';
import { exclusionsOf } from '../core/exclusion-report.js';
import type { RoundBlade } from '../core/eligibility.js';
import { policyWith, type Workload } from '../core/model.js';
import { planWhatIf } from '../core/what-if.js';
import { printPlan, type WhatIfReport } from './plan-output.js';

const blade = (id: string, memoryGiB: number, extra: Partial<RoundBlade> = {}): RoundBlade => ({
  id,
  resources: { memoryGiB },
  state: 'standby',
  location: { chassis: id === 'b0008' ? 'c01' : 'c02', slot: 1 },
  ...extra,
});

function report(): WhatIfReport {
  const blades = [
    blade('b0001', 64, { state: 'active' }),
    blade('b0002', 64, { state: 'active' }),
    // The exact fit, but its enclosure has no power: the failover must take b0010.
    blade('b0008', 64, { chassisPower: 'off' }),
    blade('b0009', 64, { systemState: 'Disabled' }),
    blade('b0010', 96),
  ];
  const workloads: Workload[] = [
    { id: 'W1', requirements: { memoryGiB: 64 }, source: 'declared', priority: 0, blade: 'b0001', state: 'running' },
    { id: 'W2', requirements: { memoryGiB: 64 }, source: 'declared', priority: 0, blade: 'b0002', state: 'running' },
  ];
  const r = planWhatIf({ blades, workloads, policy: policyWith({}), fail: ['b0001'] });
  return {
    scenario: 'dc',
    fail: ['b0001'],
    candidates: [],
    placements: r.placements,
    pending: r.pending,
    rounds: r.rounds,
    pool: [],
    placementsAfter: {},
    excluded: exclusionsOf(r.excluded),
  };
}

describe('cascade plan: the blades left out', () => {
  it('the failover skips a blade in an unpowered chassis; the summary counts each reason', () => {
    const r = report();
    expect(r.placements.map((p) => [p.workload, p.to])).toEqual([['W1', 'b0010']]);
    expect(printPlan(r)).toContain('Left out as targets: 1 active, 1 failed, 1 not-enabled, 1 chassis-unpowered');
  });

  it('--all lists each blade left out with the reason in words; the JSON has the same', () => {
    const r = report();
    const text = printPlan(r, { all: true });
    expect(text).toContain('  b0008: chassis c01 has no power');
    expect(text).toContain('  b0009: Status.State is Disabled, not Enabled or StandbyOffline');
    expect(text).toContain('  b0001: failed');
    expect(r.excluded?.blades).toEqual([
      { blade: 'b0001', reason: 'failed', text: 'failed' },
      { blade: 'b0008', reason: 'chassis-unpowered', text: 'chassis c01 has no power' },
      { blade: 'b0009', reason: 'not-enabled', text: 'Status.State is Disabled, not Enabled or StandbyOffline' },
    ]);
  });
});
