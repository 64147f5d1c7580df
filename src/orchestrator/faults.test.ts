// Fault tests: the controller on fakes when the hardware misbehaves mid-transfer.
import { afterEach, describe, expect, it } from 'vitest';
import { historyViolations } from '../adapters/fake/index.js';
import { eventually, harness, type Harness } from './testing/harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

const placement = async (w: string) => (await h!.store.workload(w))?.blade ?? null;
const stateOf = async (b: string) => (await h!.store.blade(b))?.state;
/** W1 runs on A; B, equal and powered off, is the only standby blade. */
async function aOnBStandby(): Promise<Harness> {
  const made = await harness({
    blades: [
      { id: 'A', resources: { memoryGiB: 64 } },
      { id: 'B', resources: { memoryGiB: 64 }, power: 'off' },
    ],
    workloads: [{ id: 'W1', requirements: { memoryGiB: 64 }, blade: 'A' }],
  });
  await made.settle();
  return made;
}

const noDoubleRuns = () =>
  expect(historyViolations(h!.world.history()).filter((v) => v.rule !== 'sequence-gap')).toEqual([]);

describe('faults during transfers', () => {
  it('a target that fails during a failover is powered off and the next best blade is chosen', async () => {
    h = await harness({
      blades: [
        { id: 'A', resources: { memoryGiB: 64 } },
        { id: 'B', resources: { memoryGiB: 64 }, power: 'off' },
        { id: 'C', resources: { memoryGiB: 128 }, power: 'off' },
      ],
      workloads: [{ id: 'W1', requirements: { memoryGiB: 64 }, blade: 'A' }],
    });
    await h.settle();
    h.world.refusePowerOn('B');
    h.world.failBlade('A');
    await eventually(async () => (await stateOf('A')) === 'failed');
    await h.settle();
    expect(await placement('W1')).toBe('C');
    expect(await stateOf('B')).toBe('failed');
    const [first, second] = await h.store.transfers();
    expect(first).toMatchObject({ kind: 'failover', to: 'B', status: 'aborted' });
    expect(first!.reason).toMatch(/start failed on B: B did not confirm power on/);
    expect(first!.steps.some((s) => s.name === 'unwind' && s.status === 'succeeded')).toBe(true);
    expect(second).toMatchObject({ kind: 'failover', from: 'A', to: 'C', status: 'done' });
    expect(h.world.runningOn('W1')).toEqual(['C']);
    noDoubleRuns();
  });

  it('an unconfirmed fence waits and alerts, and nothing starts until the fence is confirmed', async () => {
    h = await aOnBStandby();
    // The BMC stops answering and W1's heartbeat stops too: A is failed, but it must be fenced before B starts W1.
    h.world.setReachable('A', false);
    h.world.losePower('A');
    await eventually(
      async () => (await h!.store.transfers({ open: true })).some((t) => t.status === 'waiting'),
      5000,
      'a waiting transfer',
    );
    const [waiting] = await h.store.transfers({ open: true });
    expect(waiting!.reason).toMatch(/fence not confirmed: .*A.*not reachable/);
    expect((await h.events()).some((e) => e.type === 'alert' && e.subject === waiting!.id)).toBe(true);
    expect(h.world.blade('B')!.power).toBe('off');
    expect(h.world.runningOn('W1')).toEqual([]);

    // The BMC answers again: the fence goes through, then the failover completes.
    h.world.setReachable('A', true);
    await h.settle(8000);
    expect(await placement('W1')).toBe('B');
    expect(h.world.runningOn('W1')).toEqual(['B']);
    noDoubleRuns();
  });

  it('a source that fails during a cascade turns the cascade into a failover', async () => {
    h = await harness({
      blades: [
        { id: 'B', resources: { storageTB: 500 } },
        { id: 'C', resources: { storageTB: 300 }, power: 'off', powerDelayMs: 300 },
      ],
      workloads: [{ id: 'W1', requirements: { storageTB: 200 }, blade: 'B' }],
    });
    await eventually(
      async () => (await h!.store.transfers({ open: true })).some((t) => t.kind === 'cascade'),
      3000,
      'a cascade',
    );
    h.world.checkpoint('W1');
    h.world.failBlade('B');
    await h.settle(8000);
    const transfers = await h.store.transfers();
    expect(transfers.map((t) => [t.kind, t.from, t.to, t.status])).toEqual([
      ['cascade', 'B', 'C', 'aborted'],
      ['failover', 'B', 'C', 'done'],
    ]);
    expect(transfers[0]!.reason).toMatch(/source B failed during the cascade/);
    expect(await stateOf('B')).toBe('failed');
    expect(h.world.runningOn('W1')).toEqual(['C']);
    noDoubleRuns();
  });

  it('a driver call that hangs hits its deadline, is retried, and fails with a clear error in the log', async () => {
    h = await aOnBStandby();
    // A's BMC accepts connections and never answers: every call must be cut by its deadline.
    h.world.setReachable('A', false, { hang: true });
    h.world.losePower('A'); // and W1 is silent: suspect and liveness lost make A failed
    await eventually(
      async () => (await h!.store.transfers()).some((t) => t.status === 'waiting'),
      8000,
      'the failover to wait',
    );
    const [t] = await h.store.transfers();
    const failed = t!.steps.find((s) => s.name === 'fence' && s.status === 'failed')!;
    expect(failed.error).toBe('power state of A: no answer within 200 ms');
    const retries = (await h.events()).filter((e) => e.type === 'transfer.step.retry' && e.subject === t!.id);
    expect(retries.length).toBeGreaterThan(1);
    // Every retry is in the audit log; the log says each reason once per step, at warn.
    expect(h.logs.filter((l) => l.msg === `step fence retrying: ${failed.error}`).map((l) => l.level)).toEqual([
      'warn',
    ]);
    expect(h.logs.some((l) => l.msg === 'step fence failed' && l.error === failed.error)).toBe(true);
    expect(t!.reason).toBe('fence not confirmed: power state of A: no answer within 200 ms');
    expect(h.world.blade('B')!.power).toBe('off');

    h.world.setReachable('A', true);
    await h.settle(8000);
    expect(h.world.runningOn('W1')).toEqual(['B']);
    noDoubleRuns();
  });
});
