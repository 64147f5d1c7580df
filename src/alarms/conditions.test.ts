// Alarm conditions derived from stored state: which ones hold, with what message and severity.
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../core/model.js';
import type { BladeRecord, TransferRecord, WorkloadRecord } from '../ports/store.js';
import { transfer } from '../orchestrator/testing/transfer-records.js';
import { alarmConditions, currentStep, type ConditionInput } from './conditions.js';

const blade = (
  id: string,
  state: BladeRecord['state'],
  resources: BladeRecord['resources'] = { memoryGiB: 64 },
): BladeRecord => ({
  id,
  state,
  resources,
  power: state === 'active' ? 'on' : 'off',
  health: 'ok',
  endpoint: 'emulator',
});
const workload = (id: string, state: WorkloadRecord['state'], extra: Partial<WorkloadRecord> = {}): WorkloadRecord => ({
  id,
  requirements: { memoryGiB: 32 },
  source: 'declared',
  priority: 0,
  blade: state === 'pending' ? null : 'A',
  state,
  movedAt: null,
  pendingReason: null,
  ...extra,
});

function input(o: Partial<ConditionInput>): ConditionInput {
  return { blades: [], workloads: [], open: [], policy: DEFAULT_POLICY, now: 1_000_000, stuckAfterMs: 60_000, ...o };
}
const ids = (o: Partial<ConditionInput>): string[] =>
  alarmConditions(input(o))
    .map((c) => `${c.kind}/${c.subject}`)
    .sort();

describe('alarm conditions from stored state', () => {
  it('are none for a data center with a spare and every workload running', () => {
    expect(
      ids({ blades: [blade('A', 'active'), blade('S', 'standby')], workloads: [workload('W1', 'running')] }),
    ).toStrictEqual([]);
  });

  it('say the pool is empty, and which workloads are down, after a chassis loss', () => {
    const blades = [blade('A', 'failed'), blade('B', 'failed'), blade('C', 'active')];
    const workloads = [
      workload('W1', 'pending', { pendingReason: 'no-standby: the pool is empty' }),
      workload('W2', 'pending'),
      workload('W3', 'running'),
    ];
    expect(ids({ blades, workloads })).toStrictEqual(['pool.empty/pool', 'workload.down/W1', 'workload.down/W2']);
    const down = alarmConditions(input({ blades, workloads })).find((c) => c.subject === 'W1');
    expect(down?.message).toContain('no-standby: the pool is empty');
    expect(down?.severity).toBe('critical');
  });

  it('count a standby blade that is unreachable, or already a transfer target, out of the pool', () => {
    const unreachable = { ...blade('S', 'standby'), health: 'unreachable' as const };
    expect(ids({ blades: [blade('A', 'active'), unreachable], workloads: [workload('W1', 'running')] })).toStrictEqual([
      'pool.empty/pool',
    ]);
    const target = transfer('cascade', [], { id: 'T1', to: 'S' });
    expect(
      ids({
        blades: [blade('A', 'active'), blade('S', 'standby')],
        workloads: [workload('W1', 'running')],
        open: [target],
      }),
    ).toStrictEqual(['pool.empty/pool']);
  });

  it('name a pending workload no standby blade could ever take, and why', () => {
    const blades = [blade('S', 'standby', { memoryGiB: 64, cpuArch: 'x86_64' })];
    const w = workload('W1', 'pending', { requirements: { memoryGiB: 32, cpuArch: 'ppc64le' } });
    expect(ids({ blades, workloads: [w] })).toStrictEqual(['workload.down/W1', 'workload.unplaceable/W1']);
    const c = alarmConditions(input({ blades, workloads: [w] })).find((x) => x.kind === 'workload.unplaceable');
    expect(c?.message).toContain('cpuArch=x86_64, it needs ppc64le');
  });

  it('count a workload failing over as down, one being cascaded as running', () => {
    const failover = transfer('failover', [['fence', 'started']], { id: 'T1' });
    const cascade = transfer('cascade', [['move', 'started']], { id: 'T2', workload: 'W2', to: 'C' });
    const blades = [blade('S', 'standby'), blade('B', 'active'), blade('C', 'active')];
    expect(
      ids({
        blades,
        workloads: [workload('W1', 'transferring'), workload('W2', 'transferring')],
        open: [failover, cascade],
        now: 10,
      }),
    ).toStrictEqual(['workload.down/W1']);
  });

  it('flag a transfer waiting on its fence, and one on a step past the threshold with its last error', () => {
    const waiting = transfer(
      'failover',
      [
        ['fence', 'started'],
        ['fence', 'failed', 'BMC not reachable'],
      ],
      { id: 'T1', status: 'waiting', reason: 'fence not confirmed: A not reachable' },
    );
    const slow = transfer(
      'place',
      [
        ['attach', 'started'],
        ['attach', 'failed', 'LUN busy'],
        ['attach', 'started'],
      ],
      { id: 'T2', workload: 'W2' },
    );
    const blades = [blade('S', 'standby')];
    const now = 60_000 + 5; // the attach step began at 1 ms
    expect(ids({ blades, open: [waiting, slow], now })).toStrictEqual(['fence.unconfirmed/T1', 'transfer.stuck/T2']);
    const stuck = alarmConditions(input({ blades, open: [slow], now })).find((c) => c.kind === 'transfer.stuck');
    expect(stuck?.message).toBe('place of W2 on attach for 1 min; last error: LUN busy');
    expect(ids({ blades, open: [slow], now: 60_000 })).toStrictEqual([]);
  });

  it('say no controller leads once the lease lapsed for longer than allowed, and only with HA', () => {
    const lease = {
      name: 'controller',
      holder: 'host-a',
      epoch: 3,
      acquiredAt: 0,
      renewedAt: 0,
      expiresAt: 900_000,
      remainingMs: 0,
    };
    const blades = [blade('S', 'standby')];
    expect(ids({ blades, lease, leaderlessAfterMs: 50_000 })).toStrictEqual(['leadership.lost/controller']);
    expect(ids({ blades, lease, leaderlessAfterMs: 200_000 })).toStrictEqual([]);
    expect(ids({ blades, lease: { ...lease, remainingMs: 5, expiresAt: 1_000_005 } })).toStrictEqual([]);
    expect(ids({ blades })).toStrictEqual([]);
  });
});

describe('currentStep', () => {
  it('is the latest step, since its first attempt of this run, with its latest error', () => {
    const t: TransferRecord = transfer('failover', [
      ['capture', 'started'],
      ['capture', 'succeeded'],
      ['fence', 'started'],
      ['fence', 'failed', 'timeout'],
      ['fence', 'started'],
    ]);
    expect(currentStep(t.steps)).toStrictEqual({ name: 'fence', since: 2, error: 'timeout' });
    expect(currentStep([])).toBeNull();
  });
});
