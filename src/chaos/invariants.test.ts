// The chaos checks must be able to fail: each is fed a crafted history or store that breaks its invariant (and a
// sound one that does not). A checker that cannot fail is a defect.
import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../adapters/fake/world-state.js';
import { DEFAULT_POLICY } from '../core/model.js';
import type { AuditEvent, BladeRecord, StepRecord, TransferRecord, WorkloadRecord } from '../ports/store.js';
import { cascadesLeft, checkRun, placementViolations, twoBladeRuns, type RunRecords } from './invariants.js';
import { auditViolations } from './invariants-audit.js';
import { committedCheckpoints, counterViolations } from './invariants-counter.js';
import { fenceOrder, fenceRule } from './invariants-fencing.js';

const blade = (id: string, state: BladeRecord['state'], memoryGiB = 64): BladeRecord => ({
  id,
  resources: { memoryGiB },
  state,
  power: 'on',
  health: 'ok',
  endpoint: 'e',
});
const workload = (
  id: string,
  state: WorkloadRecord['state'],
  on: string | null,
  extra: Partial<WorkloadRecord> = {},
): WorkloadRecord => ({
  id,
  requirements: { memoryGiB: 64 },
  source: 'declared',
  priority: 0,
  blade: on,
  state,
  movedAt: null,
  pendingReason: null,
  ...extra,
});
const fit = { deficit: 0, surplus: 0, cost: 0, feasible: true, mismatches: [] };
const step = (name: StepRecord['name'], status: StepRecord['status'], output: string | null = null): StepRecord => ({
  name,
  status,
  attempt: 1,
  startedAt: 0,
  endedAt: 0,
  error: null,
  output,
});
const transfer = (
  id: string,
  kind: TransferRecord['kind'],
  w: string,
  from: string | null,
  to: string,
  status: TransferRecord['status'],
  steps: StepRecord[] = [],
): TransferRecord => ({
  id,
  kind,
  workload: w,
  from,
  to,
  before: null,
  after: fit,
  status,
  reason: null,
  drain: false,
  steps,
  createdAt: 0,
  updatedAt: 0,
});
let seq = 0;
const event = (type: string, subject: string, at = 0, data: Record<string, unknown> = {}): AuditEvent => ({
  seq: ++seq,
  at,
  actor: 'controller',
  type,
  subject,
  data,
});

// History entries, one per line, at increasing times.
const added = (b: string, at = 0): HistoryEntry => ({
  at,
  kind: 'blade-added',
  blade: b,
  resources: { memoryGiB: 64 },
  power: 'on',
  health: 'ok',
});
const started = (
  w: string,
  b: string,
  at: number,
  sequence = 0,
  how: 'initial' | 'restore' | 'resume' = 'restore',
): HistoryEntry => ({ at, kind: 'started', workload: w, blade: b, sequence, how, checkpoint: null });
const stopped = (
  w: string,
  b: string,
  at: number,
  sequence: number,
  why: 'captured' | 'power-off' | 'blade-failed' = 'blade-failed',
): HistoryEntry => ({ at, kind: 'stopped', workload: w, blade: b, sequence, why, stateKept: why === 'captured' });
const checkpoint = (w: string, b: string, at: number, sequence: number): HistoryEntry => ({
  at,
  kind: 'checkpoint',
  workload: w,
  blade: b,
  sequence,
  checkpoint: `cp-${sequence}`,
  by: 'snapshot',
});

describe('placement', () => {
  const blades = [blade('A', 'active'), blade('B', 'standby'), blade('C', 'failed')];
  it('passes a running workload on its active blade, a pending one with a reason, a finished one that stopped', () => {
    const workloads = [
      workload('W1', 'running', 'A'),
      workload('W2', 'pending', 'C', { pendingReason: 'blade C failed' }),
      workload('W3', 'finished', null),
    ];
    const world = [
      { id: 'W1', runningOn: ['A'] },
      { id: 'W2', runningOn: ['C'] },
      { id: 'W3', runningOn: [] },
    ];
    expect(placementViolations(workloads, blades, world)).toEqual([]);
  });
  it('catches a workload the emulator runs elsewhere, nowhere, on a failed blade, pending without reason, or unknown', () => {
    const workloads = [
      workload('W1', 'running', 'A'),
      workload('W2', 'running', 'C'),
      workload('W3', 'pending', null),
      workload('W4', 'pending', 'C', { pendingReason: 'x' }),
      workload('W5', 'transferring', 'A'),
    ];
    const world = [
      { id: 'W1', runningOn: ['B'] },
      { id: 'W2', runningOn: ['C'] },
      { id: 'W3', runningOn: [] },
      { id: 'W4', runningOn: ['B'] },
      { id: 'W5', runningOn: [] },
      { id: 'X', runningOn: ['B'] },
    ];
    const found = placementViolations(workloads, blades, world).map((v) => v.message);
    expect(found).toEqual([
      expect.stringContaining('W1 is running on A in the store, but the emulator runs it on [B]'),
      expect.stringContaining('W2 runs on C, which is failed'),
      expect.stringContaining('W3 is pending with no recorded reason'),
      expect.stringContaining('W4 is pending in the store (blade C) but runs on [B]'),
      expect.stringContaining('W5 is still transferring'),
      expect.stringContaining('X runs on [B] but the controller does not know it'),
    ]);
  });
  it('catches two workloads on one blade in the store', () => {
    const found = placementViolations([workload('W1', 'running', 'A'), workload('W2', 'running', 'A')], blades, [
      { id: 'W1', runningOn: ['A'] },
      { id: 'W2', runningOn: ['A'] },
    ]);
    expect(found.map((v) => v.message)).toContainEqual(expect.stringContaining('A hosts both W1 and W2'));
  });
});

describe('two blades at once', () => {
  it('passes a failover (stopped, then started elsewhere) and a live migration', () => {
    const h = [
      started('W1', 'A', 0, 0, 'initial'),
      stopped('W1', 'A', 10, 5),
      started('W1', 'B', 20, 5),
      { at: 30, kind: 'migrated', workload: 'W1', from: 'B', to: 'C', sequence: 9 } as HistoryEntry,
    ];
    expect(twoBladeRuns(h)).toEqual([]);
  });
  it('catches a start on B while the run on A had not ended, a second workload on a busy blade, and a refused second start', () => {
    const h: HistoryEntry[] = [
      started('W1', 'A', 0, 0, 'initial'),
      started('W1', 'B', 10),
      started('W2', 'B', 20, 0, 'initial'),
      { at: 30, kind: 'refused', op: 'restore', blade: 'C', workload: 'W2', reason: 'running-elsewhere' },
    ];
    const found = twoBladeRuns(h).map((v) => v.message);
    expect(found).toEqual([
      expect.stringContaining('W1 started on B at 10 while its run on A'),
      expect.stringContaining('W2 started on B at 20 while W1 ran there'),
      expect.stringContaining('restore of W2 on C at 30'),
    ]);
  });
});

describe('counter', () => {
  const logged = (at: number, sequence: number, blade = 'A') => ({
    ids: new Set<string>(),
    logged: new Map([['W1', [{ blade, sequence, at }]]]),
  });
  it('passes a restart from the last committed checkpoint and a resume where it stopped', () => {
    const h = [
      started('W1', 'A', 0, 0, 'initial'),
      checkpoint('W1', 'A', 5, 40),
      stopped('W1', 'A', 10, 50),
      started('W1', 'B', 20, 40),
      stopped('W1', 'B', 30, 60, 'captured'),
      started('W1', 'C', 40, 60),
    ];
    expect(counterViolations(h, logged(6, 40))).toEqual([]);
  });
  it('catches a restart behind the last committed checkpoint, and one ahead of where it stopped (a gap)', () => {
    const h = [
      started('W1', 'A', 0, 0, 'initial'),
      checkpoint('W1', 'A', 5, 40),
      stopped('W1', 'A', 10, 50),
      started('W1', 'B', 20, 30),
      stopped('W1', 'B', 30, 45),
      started('W1', 'C', 40, 46),
    ];
    expect(counterViolations(h, logged(6, 40)).map((v) => v.message)).toEqual([
      expect.stringContaining('behind its last committed checkpoint 40'),
      expect.stringContaining('ahead of 45 where it stopped (a gap)'),
    ]);
  });
  it('does not count a checkpoint the controller never committed (it was killed first)', () => {
    const h = [
      started('W1', 'A', 0, 0, 'initial'),
      checkpoint('W1', 'A', 5, 45),
      stopped('W1', 'A', 10, 50),
      started('W1', 'B', 20, 0),
    ];
    expect(counterViolations(h, { ids: new Set(), logged: new Map() })).toEqual([]);
    expect(counterViolations(h, logged(7, 45))).toHaveLength(1);
    expect(counterViolations(h, { ids: new Set(['cp-45']), logged: new Map() })).toHaveLength(1);
  });
  it('does not take a later run’s snapshot at the same sequence for an earlier checkpoint (a false alarm the campaign raised)', () => {
    // cp at 45 on A was never committed; after the restart from 0 on B the counter reached 45 again and that was.
    const h = [
      started('W1', 'A', 0, 0, 'initial'),
      checkpoint('W1', 'A', 5, 45),
      stopped('W1', 'A', 10, 50),
      started('W1', 'B', 20, 0),
      checkpoint('W1', 'B', 30, 45),
    ];
    expect(counterViolations(h, logged(31, 45, 'B'))).toEqual([]);
    expect(counterViolations(h, logged(31, 45, 'A'))).toEqual([]);
  });
  it('reads committed checkpoints from the audit log and from the transfers’ captured state', () => {
    const data = JSON.stringify({ checkpoint: 'cp-7' });
    const captured = transfer('t1', 'failover', 'W2', 'A', 'B', 'done', [
      step('capture', 'succeeded', JSON.stringify({ checkpoint: { workload: 'W2', blade: 'A', sequence: 7, data } })),
    ]);
    const found = committedCheckpoints({
      events: [event('workload.checkpointed', 'W1', 4, { blade: 'A', sequence: 3 })],
      transfers: [captured],
    });
    expect(found.logged.get('W1')).toEqual([{ blade: 'A', sequence: 3, at: 4 }]);
    expect([...found.ids]).toEqual(['cp-7']);
  });
});

describe('fence', () => {
  const failA = (at: number): HistoryEntry => ({ at, kind: 'fault', blade: 'A', fault: 'fail' });
  const critical = (b: string, at: number): HistoryEntry => ({ at, kind: 'health', blade: b, health: 'critical' });
  const off = (b: string, at: number): HistoryEntry => ({ at, kind: 'power-effective', blade: b, power: 'off' });
  const attach = (w: string, b: string, at: number): HistoryEntry => ({
    at,
    kind: 'attached',
    workload: w,
    blade: b,
    previous: null,
  });
  const powerOn = (b: string, at: number): HistoryEntry => ({ at, kind: 'power-requested', blade: b, power: 'on' });
  it('passes a failover that fenced the critical source before it attached and started the target', () => {
    const h = [
      added('A'),
      added('B'),
      started('W1', 'A', 0, 0, 'initial'),
      critical('A', 5),
      off('A', 10),
      attach('W1', 'B', 11),
      powerOn('B', 12),
      started('W1', 'B', 13),
    ];
    expect(fenceRule(h)).toEqual([]);
  });
  it('passes an empty blade powered on before the fence (a cascade prepared it), and a start after a capture', () => {
    const h = [
      added('A'),
      added('B'),
      started('W1', 'A', 0, 0, 'initial'),
      critical('A', 5),
      powerOn('B', 6),
      stopped('W1', 'A', 7, 9, 'captured'),
      attach('W1', 'B', 8),
      started('W1', 'B', 9, 9),
    ];
    expect(fenceRule(h)).toEqual([]);
  });
  it('catches a start while the faulty source is still on, and a power-on of the blade holding the workload’s storage', () => {
    const h = [
      added('A'),
      added('B'),
      started('W1', 'A', 0, 0, 'initial'),
      critical('A', 5),
      attach('W1', 'B', 6),
      powerOn('B', 7),
      started('W1', 'B', 8),
    ];
    expect(fenceRule(h).map((v) => v.message)).toEqual([
      expect.stringContaining('B, holding W1'),
      expect.stringContaining('W1 started on B at 8 while A'),
    ]);
    const failed = [
      added('A'),
      started('W1', 'A', 0, 0, 'initial'),
      failA(1),
      { at: 2, kind: 'power-effective', blade: 'A', power: 'on' } as HistoryEntry,
      started('W1', 'B', 3),
    ];
    expect(fenceRule(failed)).toHaveLength(1);
  });
  it('catches a failover whose start step ran before its fence succeeded, in the controller’s own records', () => {
    const ok = transfer('t1', 'failover', 'W1', 'A', 'B', 'done', [
      step('capture', 'succeeded'),
      step('fence', 'started'),
      step('fence', 'succeeded'),
      step('start', 'started'),
    ]);
    const bad = transfer('t2', 'failover', 'W1', 'A', 'B', 'done', [
      step('capture', 'succeeded'),
      step('fence', 'started'),
      step('start', 'started'),
      step('fence', 'succeeded'),
    ]);
    expect(fenceOrder([ok])).toEqual([]);
    expect(fenceOrder([bad]).map((v) => v.subject)).toEqual(['t2']);
  });
});

describe('audit', () => {
  it('passes transfers with their created and terminal events, and arrivals they account for', () => {
    const t = transfer('t1', 'failover', 'W1', 'A', 'B', 'done');
    const events = [event('transfer.created', 't1', 5), event('transfer.done', 't1', 9)];
    expect(auditViolations([started('W1', 'A', 0, 0, 'initial'), started('W1', 'B', 7)], [t], events)).toEqual([]);
  });
  it('catches a transfer missing from the log, a done one with no transfer.done, and a move no transfer explains', () => {
    const t1 = transfer('t1', 'failover', 'W1', 'A', 'B', 'done');
    const t2 = transfer('t2', 'cascade', 'W2', 'C', 'D', 'aborted');
    const events = [event('transfer.created', 't2', 1)];
    const h = [started('W1', 'A', 0, 0, 'initial'), started('W1', 'B', 7), started('W3', 'E', 8)];
    expect(auditViolations(h, [t1, t2], events).map((v) => v.message)).toEqual([
      expect.stringContaining('t1 (failover of W1) has no transfer.created'),
      expect.stringContaining('t1 is done but the log has no transfer.done'),
      expect.stringContaining('t2 is aborted but the log has no transfer.aborted'),
      expect.stringContaining('W3 arrived on E at 8 with no transfer'),
    ]);
  });
  it('catches a start on a blade before the transfer to it was created', () => {
    const t = transfer('t1', 'failover', 'W1', 'A', 'B', 'done');
    expect(
      auditViolations(
        [started('W1', 'B', 3)],
        [t],
        [event('transfer.created', 't1', 5), event('transfer.done', 't1', 9)],
      ),
    ).toHaveLength(1);
  });
});

describe('cascades left', () => {
  const policy = DEFAULT_POLICY;
  it('passes a final placement the planners would leave alone', () => {
    const store = {
      blades: [blade('A', 'active', 64), blade('B', 'standby', 512)],
      workloads: [workload('W1', 'running', 'A')],
      policy,
    };
    expect(cascadesLeft(store)).toEqual([]);
  });
  it('catches a worthwhile cascade not made, and a pending workload a standby blade could take', () => {
    const store = {
      blades: [blade('A', 'active', 512), blade('B', 'standby', 64), blade('C', 'failed', 64)],
      workloads: [workload('W1', 'running', 'A'), workload('W2', 'pending', 'C', { pendingReason: 'blade C failed' })],
      policy,
    };
    const found = cascadesLeft(store).map((v) => v.message);
    expect(found).toContainEqual(expect.stringContaining('is pending while standby blade B could take it'));
    const cascade = cascadesLeft({ ...store, workloads: [workload('W1', 'running', 'A')] }).map((v) => v.message);
    expect(cascade).toEqual([expect.stringContaining('W1 A -> B')]);
  });
});

describe('checkRun', () => {
  it('reports a run that never went quiet, and passes a sound one', () => {
    const records: RunRecords = {
      history: [added('A'), started('W1', 'A', 0, 0, 'initial')],
      world: [{ id: 'W1', runningOn: ['A'] }],
      store: {
        blades: [blade('A', 'active')],
        workloads: [workload('W1', 'running', 'A')],
        transfers: [],
        events: [],
        policy: DEFAULT_POLICY,
      },
      quiesced: true,
    };
    expect(checkRun(records)).toEqual([]);
    expect(checkRun({ ...records, quiesced: false }).map((v) => v.rule)).toEqual(['not-quiesced']);
  });
});
