// Never two copies, on the controller over fakes: a blade fenced by its SAN (its power never cut) whose BMC comes back
// on is powered off before it is ever a target, its lost workload's record untouched; a power-off that fails raises
// an alarm and is tried again; a heartbeat from the old blade is a sign too.
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSan, historyViolations } from '../adapters/fake/index.js';
import type { AuditEvent, BladeRecord, TransferRecord } from '../ports/store.js';
import { ActionError } from './action-error.js';
import { BmcFence } from './bmc-fence.js';
import { outputOf } from './executor.js';
import { leftoverRisk, leftoverSign } from './reconcilers/leftover-copy.js';
import { eventually, harness, type Harness } from './testing/harness.js';
import { transfer } from './testing/transfer-records.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

/** W1 on A, B a powered-off standby, W2 known to the hypervisor but not placed; A fenced through its BMC, then its SAN. */
async function start(prepare?: Parameters<typeof harness>[0]['prepare']): Promise<Harness> {
  const made = await harness({
    blades: [
      { id: 'A', resources: { memoryGiB: 64 } },
      { id: 'B', resources: { memoryGiB: 64 }, power: 'off' },
    ],
    workloads: [
      { id: 'W1', requirements: { memoryGiB: 64 }, blade: 'A' },
      { id: 'W2', requirements: { memoryGiB: 64 } },
    ],
    ...(prepare ? { prepare } : {}),
    fencing: (world, ports) => {
      const bmc = new BmcFence(ports.hardware);
      const san = new FakeSan('san-a', world);
      return (blade) => [
        { device: bmc, address: blade },
        { device: san, address: blade },
      ];
    },
  });
  await made.settle();
  return made;
}

/** A's BMC hangs and W1's heartbeat stops: A fails, the SAN fences it (its power stays on), W1 runs on B. */
async function failOverBySan(made: Harness): Promise<void> {
  made.world.setReachable('A', false, { hang: true });
  made.world.crashWorkloads('A');
  await eventually(
    async () => (await made.store.transfers()).some((t) => t.status === 'done'),
    8_000,
    'the failover to end',
  );
  const [t] = await made.store.transfers();
  expect(t).toMatchObject({ kind: 'failover', from: 'A', to: 'B', status: 'done' });
  expect(outputOf(t!, 'fence')?.fence?.level).toBe('storage');
  expect(made.world.blade('A')!.power).toBe('on');
}

const types = async (made: Harness, type: string) => (await made.events()).filter((e) => e.type === type);

describe('never two copies', () => {
  it('a SAN-fenced blade whose BMC comes back on is powered off before it is ever a target', async () => {
    h = await start();
    await failOverBySan(h);
    // W2 waits for a blade; A, failed and maybe running W1's old copy, is not one, and cannot be repaired yet.
    await h.controller.submit({ id: 'W2', requirements: { memoryGiB: 64 } });
    await h.planRound();
    expect((await h.store.workload('W2'))?.state).toBe('pending');
    const refused = await h.controller.repair('A').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ActionError);
    expect((refused as ActionError).message).toMatch(/fenced by storage .* it may still run W1/);

    h.world.setReachable('A', true);
    await eventually(async () => (await types(h!, 'blade.leftover-off')).length > 0, 5_000, 'A powered off');
    expect(h.world.blade('A')!.power).toBe('off');
    const [off] = await types(h, 'blade.leftover-off');
    expect(off?.data).toMatchObject({ blade: 'A', workload: 'W1', level: 'storage', found: 'A reads PowerState On' });
    // The record of W1 is its copy on B; nothing of it changed.
    expect(await h.store.workload('W1')).toMatchObject({ blade: 'B', state: 'running' });
    expect(h.world.runningOn('W1')).toEqual(['B']);

    // Read off, A may be repaired; only then is it a target (W2 goes there).
    await h.controller.repair('A');
    await eventually(async () => (await h!.store.workload('W2'))?.blade === 'A', 5_000, 'W2 on A');
    const events = await h.events();
    const offAt = events.findIndex((e) => e.type === 'blade.leftover-off');
    const targeted = events.findIndex((e) => e.type === 'transfer.created' && e.data['to'] === 'A');
    expect(targeted).toBeGreaterThan(offAt);
    expect(historyViolations(h.world.history()).filter((v) => v.rule !== 'sequence-gap')).toEqual([]);
  });

  it('a power-off that fails raises an alarm naming the blade, and is tried again until it holds', async () => {
    let refuseOff = true;
    h = await start((_world, ports) => {
      const setPower = ports.hardware.setPower.bind(ports.hardware);
      ports.hardware.setPower = (blade, power) =>
        blade === 'A' && power === 'off' && refuseOff
          ? Promise.reject(new Error(`${blade}: power off refused`))
          : setPower(blade, power);
    });
    await failOverBySan(h);
    h.world.setReachable('A', true);
    // A's own suspect alarm may come first (its BMC was silent for longer than suspectAlarmMs): this one is the copy's.
    const leftover = (e: AuditEvent) => e.subject === 'A' && e.data['kind'] === 'blade.leftover-copy';
    await eventually(async () => (await types(h!, 'alarm.raised')).some(leftover), 5_000, 'alarm');
    const raised = (await types(h, 'alarm.raised')).find(leftover);
    expect(raised?.data).toMatchObject({ kind: 'blade.leftover-copy', severity: 'critical' });
    expect(String(raised?.data['message'])).toMatch(/fenced by storage.*A reads PowerState On.*power off refused/);
    expect(h.world.blade('A')!.power).toBe('on');

    refuseOff = false;
    await eventually(async () => h!.world.blade('A')!.power === 'off', 5_000, 'A powered off');
    await eventually(
      async () => (await types(h!, 'alarm.cleared')).some((e) => e.data['kind'] === 'blade.leftover-copy'),
      5_000,
      'the alarm cleared',
    );
    expect((await h.store.blade('A'))?.state).toBe('failed');
  });

  it("the lost workload's heartbeat from the old blade is a sign, named in the audit event", async () => {
    // The hypervisor's heartbeat of W1 comes from A after the failover: a copy left running there from memory. The
    // fake world holds one run per workload, so the heartbeat is the port's.
    let oldCopy = false;
    h = await start((_world, ports) => {
      const liveness = ports.workloads.liveness.bind(ports.workloads);
      ports.workloads.liveness = async (w) =>
        oldCopy && w === 'W1' ? { alive: true, blade: 'A', reason: 'W1 heartbeats on A' } : liveness(w);
    });
    await failOverBySan(h);
    oldCopy = true;
    h.world.setReachable('A', true);
    await eventually(async () => (await types(h!, 'blade.leftover-off')).length > 0, 5_000, 'A powered off');
    const [off] = await types(h, 'blade.leftover-off');
    expect(off?.data).toMatchObject({ found: 'W1 heartbeats on A' });
    expect(h.world.blade('A')!.power).toBe('off');
    expect(await h.store.workload('W1')).toMatchObject({ blade: 'B', state: 'running' });
  });
});

describe('leftover risk and signs (pure)', () => {
  const blade = (over: Partial<BladeRecord> = {}): BladeRecord => ({
    id: 'A',
    resources: {},
    state: 'failed',
    power: 'unknown',
    health: 'unreachable',
    endpoint: 'emulator',
    ...over,
  });
  const fenced = (id: string, level: string, createdAt: number): TransferRecord =>
    transfer(
      'failover',
      [['fence', 'succeeded', JSON.stringify({ fence: { level, device: level, answer: 'x', reading: 'y', at: 0 } })]],
      { id, createdAt },
    );

  it('the latest fence out of a failed blade decides; a power cut or a blade read off carries no risk', () => {
    expect(leftoverRisk(blade(), [fenced('t1', 'storage', 1)])).toMatchObject({ transfer: 't1', level: 'storage' });
    expect(leftoverRisk(blade(), [fenced('t1', 'operator', 1)])?.level).toBe('operator');
    expect(leftoverRisk(blade(), [fenced('t1', 'storage', 1), fenced('t2', 'pdu', 2)])).toBeNull();
    expect(leftoverRisk(blade(), [fenced('t2', 'pdu', 2), fenced('t1', 'storage', 3)])?.transfer).toBe('t1');
    expect(leftoverRisk(blade({ power: 'off' }), [fenced('t1', 'storage', 1)])).toBeNull();
    expect(leftoverRisk(blade({ state: 'standby' }), [fenced('t1', 'storage', 1)])).toBeNull();
    expect(leftoverRisk(blade(), [])).toBeNull();
  });

  it('a heartbeat from the blade is a sign whatever its power reads; a heartbeat elsewhere is not', () => {
    expect(leftoverSign(blade(), { alive: true, blade: 'A' }, 'W1')).toEqual({
      found: true,
      why: 'W1 heartbeats on A',
    });
    expect(leftoverSign(blade(), { alive: true, blade: 'B' }, 'W1')).toEqual({ found: false });
    expect(leftoverSign(blade({ power: 'on' }), null, 'W1')).toEqual({ found: true, why: 'A reads PowerState On' });
    expect(leftoverSign(blade(), null, 'W1')).toEqual({ found: false });
  });
});
