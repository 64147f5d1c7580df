// The management-path invariant (no healthy workload stopped, captured or moved by a failover) and the per-level
// failover counts, over hand-made emulator histories and transfer records.
import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../adapters/fake/world-state.js';
import type { StepRecord, TransferRecord } from '../ports/store.js';
import { failoversByLevel } from './fencing-actions.js';
import { FAULT_LOOKBACK_MS, healthyDisrupted, type BladeEvent } from './invariants-healthy.js';

const fit = { deficit: 0, surplus: 0, cost: 0, feasible: true, mismatches: [] };
const transfer = (
  kind: TransferRecord['kind'],
  createdAt: number,
  steps: StepRecord[] = [],
  status: TransferRecord['status'] = 'done',
): TransferRecord => ({
  id: `${kind}-1`,
  kind,
  workload: 'W1',
  from: 'A',
  to: 'B',
  before: null,
  after: fit,
  status,
  reason: null,
  drain: false,
  steps,
  createdAt,
  updatedAt: createdAt,
});
const fenceStep = (level: string): StepRecord => ({
  name: 'fence',
  status: 'succeeded',
  attempt: 1,
  startedAt: 0,
  endedAt: 0,
  error: null,
  output: JSON.stringify({ fence: { level, device: 'd', answer: 'ok', reading: 'off', at: 0 } }),
});

const start: HistoryEntry[] = [
  { at: 0, kind: 'blade-added', blade: 'A', resources: { memoryGiB: 64 }, power: 'on', health: 'ok' },
  { at: 1, kind: 'started', workload: 'W1', blade: 'A', sequence: 0, how: 'initial', checkpoint: null },
];
const captured = (at: number): HistoryEntry => ({
  at,
  kind: 'stopped',
  workload: 'W1',
  blade: 'A',
  sequence: 5,
  why: 'captured',
  stateKept: true,
});

describe('healthyDisrupted', () => {
  it('flags a failover that captured a workload from a blade that was powered and without a fault', () => {
    // What a lost BMC (an outage, a hang, a changed password) looks like in the emulator: nothing at all.
    const history = [
      ...start,
      { at: 9_000, kind: 'reachable', blade: 'A', reachable: 'hang' } as const,
      captured(20_000),
    ];
    const found = healthyDisrupted(history, [transfer('failover', 19_000)]);
    expect(found.map((v) => v.rule)).toEqual(['healthy-disrupted']);
    expect(found[0]?.message).toContain('W1 was stopped (captured) on A');
  });

  it('flags a fence that powered a healthy blade off under its running workload', () => {
    const history: HistoryEntry[] = [
      ...start,
      { at: 20_000, kind: 'power-requested', blade: 'A', power: 'off' },
      { at: 20_000, kind: 'stopped', workload: 'W1', blade: 'A', sequence: 5, why: 'power-off', stateKept: false },
      { at: 20_000, kind: 'power-effective', blade: 'A', power: 'off' },
    ];
    expect(healthyDisrupted(history, [transfer('failover', 19_000)])).toHaveLength(1);
  });

  it('accepts a failover after a hardware fault, even one that had cleared by the time of the capture', () => {
    const flap: HistoryEntry[] = [
      ...start,
      { at: 18_000, kind: 'health', blade: 'A', health: 'critical' },
      { at: 18_100, kind: 'health', blade: 'A', health: 'ok' },
      captured(20_000),
    ];
    expect(healthyDisrupted(flap, [transfer('failover', 19_000)])).toEqual([]);
    // A fault long before the failover does not excuse it.
    const late = 18_100 + FAULT_LOOKBACK_MS + 1;
    expect(healthyDisrupted([...flap, captured(late + 500)], [transfer('failover', late)])).toHaveLength(1);
  });

  // A flap at 9.5 s, and the workload captured at 16.6 s by a failover created at 16.5 s.
  const waitedFlap: HistoryEntry[] = [
    ...start,
    { at: 9_500, kind: 'health', blade: 'A', health: 'critical' },
    { at: 9_700, kind: 'health', blade: 'A', health: 'ok' },
    captured(16_600),
  ];

  it('looks back from when the controller failed the source, for a failover that waited for a standby', () => {
    // A flap fails the blade at 10 s; the pool is empty, so the failover is created only at 16.5 s, long after the
    // blade's health was ok again: the fault still explains it.
    const failed: BladeEvent[] = [{ at: 10_000, type: 'blade.failed', subject: 'A' }];
    expect(healthyDisrupted(waitedFlap, [transfer('failover', 16_500)])).toHaveLength(1);
    expect(healthyDisrupted(waitedFlap, [transfer('failover', 16_500)], failed)).toEqual([]);
    // Another blade's failure, or one after the failover, says nothing about A.
    const elsewhere: BladeEvent[] = [
      { at: 10_000, type: 'blade.failed', subject: 'B' },
      { at: 16_550, type: 'blade.failed', subject: 'A' },
    ];
    expect(healthyDisrupted(waitedFlap, [transfer('failover', 16_500)], elsewhere)).toHaveLength(1);
  });

  it('still flags a failover whose source the controller failed while the emulator had it healthy', () => {
    // The controller's word that the blade failed is when to look from, never proof that it was ill.
    const healthy: HistoryEntry[] = [...start, captured(16_600)];
    const failed: BladeEvent[] = [{ at: 10_000, type: 'blade.failed', subject: 'A' }];
    expect(healthyDisrupted(healthy, [transfer('failover', 16_500)], failed)).toHaveLength(1);
    // A fault older than the look-back before that failure does not excuse it either.
    const old: HistoryEntry[] = [
      ...start,
      { at: 5_000, kind: 'health', blade: 'A', health: 'critical' },
      { at: 5_100, kind: 'health', blade: 'A', health: 'ok' },
      captured(16_600),
    ];
    expect(healthyDisrupted(old, [transfer('failover', 16_500)], failed)).toHaveLength(1);
    // A failure the operator repaired (or cleared) before the failover no longer explains it.
    for (const undo of ['blade.repaired', 'blade.cleared'])
      expect(
        healthyDisrupted(
          waitedFlap,
          [transfer('failover', 16_500)],
          [...failed, { at: 12_000, type: undo, subject: 'A' }],
        ),
      ).toHaveLength(1);
  });

  it('accepts a failover of a blade that failed, lost power, or stayed critical', () => {
    for (const fault of [
      { at: 19_500, kind: 'fault', blade: 'A', fault: 'fail' },
      { at: 19_500, kind: 'power-effective', blade: 'A', power: 'off' },
      { at: 10_000, kind: 'health', blade: 'A', health: 'critical' },
    ] as const)
      expect(healthyDisrupted([...start, fault, captured(20_000)], [transfer('failover', 19_000)])).toEqual([]);
  });

  it('leaves cascades (planned moves of healthy workloads) and failovers that disrupted nothing alone', () => {
    const moved: HistoryEntry[] = [
      ...start,
      { at: 20_000, kind: 'migrated', workload: 'W1', from: 'A', to: 'B', sequence: 3 },
    ];
    expect(healthyDisrupted(moved, [transfer('cascade', 19_000)])).toEqual([]);
    expect(healthyDisrupted(moved, [transfer('failover', 19_000)])).toHaveLength(1);
    // The workload had crashed (its run ended by itself): a failover takes nothing from it.
    const crashed: HistoryEntry[] = [
      ...start,
      { at: 18_000, kind: 'stopped', workload: 'W1', blade: 'A', sequence: 4, why: 'blade-failed', stateKept: false },
    ];
    expect(healthyDisrupted(crashed, [transfer('failover', 19_000)])).toEqual([]);
  });

  it("leaves a later transfer's disruption of the same workload on the same blade to that transfer", () => {
    // W1 died with A's hung BMC and failed over to B (nothing to disrupt); A was repaired, a cascade brought W1
    // back to A at 30 s, and another moved it away at 40 s, capturing it there: that capture is the cascade's.
    const back: HistoryEntry[] = [
      ...start,
      { at: 18_000, kind: 'stopped', workload: 'W1', blade: 'A', sequence: 4, why: 'blade-failed', stateKept: false },
      { at: 30_500, kind: 'started', workload: 'W1', blade: 'A', sequence: 9, how: 'restore', checkpoint: 'cp-1' },
      captured(40_100),
    ];
    const later = (kind: TransferRecord['kind'], createdAt: number) => ({
      ...transfer(kind, createdAt),
      id: `${kind}-${createdAt}`,
    });
    const failover = transfer('failover', 19_000);
    expect(healthyDisrupted(back, [failover, later('cascade', 30_000), later('cascade', 40_000)])).toEqual([]);
    // Without a later transfer to account for it, the capture is the failover's, as before.
    expect(healthyDisrupted(back, [failover])).toHaveLength(1);
    // A later failover of it judges its own disruption: this one captured W1 on a healthy A.
    expect(healthyDisrupted(back, [failover, later('failover', 40_000)]).map((v) => v.message)).toEqual([
      expect.stringContaining('failover failover-40000: W1 was stopped (captured) on A at 40100'),
    ]);
  });
});

describe('failoversByLevel', () => {
  it('counts completed failovers by the level whose fence confirmed', () => {
    const counts = failoversByLevel([
      transfer('failover', 0, [fenceStep('bmc')]),
      transfer('failover', 0, [fenceStep('pdu')]),
      transfer('failover', 0, [fenceStep('operator')]),
      transfer('failover', 0, [fenceStep('storage')], 'aborted'),
      transfer('cascade', 0, [fenceStep('enclosure')]),
    ]);
    expect(counts).toEqual({ bmc: 1, enclosure: 0, pdu: 1, storage: 0, operator: 1 });
  });
});
