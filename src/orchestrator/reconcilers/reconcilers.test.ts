// The reconcilers one at a time on the manual clock: each sync's effect on the store, the keys it queues, and
// when it asks to come back. No sleeps: time moves only when a test advances it.
import { afterEach, describe, expect, it } from 'vitest';
import { fakePorts, FakeWorld, ManualClock } from '../../adapters/fake/index.js';
import { policyWith, type Policy } from '../../core/model.js';
import type { BladeRecord, Store, WorkloadRecord } from '../../ports/store.js';
import { SqliteStore } from '../../store/sqlite/sqlite-store.js';
import { ProposalBook } from '../approvals.js';
import { serializer, type ControllerContext } from '../controller-context.js';
import { TEST_TIMING } from '../testing/harness.js';
import { WorkQueue } from '../work-queue.js';
import { BladeReconciler } from './blade.js';
import { PlanReconciler } from './plan.js';

const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

const bladeRecord = (
  id: string,
  tb: number,
  state: BladeRecord['state'],
  health: BladeRecord['health'] = 'ok',
): BladeRecord => ({ id, resources: { storageTB: tb }, state, power: 'on', health, endpoint: 'fake' });
const workloadRecord = (
  id: string,
  tb: number,
  blade: string | null,
  state: WorkloadRecord['state'],
  movedAt: number | null = null,
): WorkloadRecord => ({
  id,
  requirements: { storageTB: tb },
  source: 'declared',
  priority: 0,
  blade,
  state,
  movedAt,
  pendingReason: null,
});

/** A context whose queue only records the keys it is given. */
async function context(o: { blades: BladeRecord[]; workloads: WorkloadRecord[]; policy: Policy; clock?: ManualClock }) {
  const clock = o.clock ?? new ManualClock(1_000_000);
  const world = new FakeWorld({
    clock,
    blades: o.blades.map((b) => ({
      id: b.id,
      resources: b.resources,
      health: b.health === 'unreachable' ? 'ok' : b.health,
    })),
  });
  const store = SqliteStore.open(':memory:');
  stores.push(store);
  await store.migrate();
  await store.commit({ blades: o.blades, workloads: o.workloads });
  const queued: string[] = [];
  const queue = new WorkQueue(
    async (key) => void queued.push(key),
    clock,
    () => {},
  );
  const c: ControllerContext = {
    o: { store, ...fakePorts(world), clock },
    timing: TEST_TIMING,
    queue,
    approvals: new ProposalBook(),
    log: () => {},
    policy: o.policy,
    running: true,
    fenceConfirmations: new Map(),
    aborts: new Map(),
    moves: new Map(),
    serial: serializer(),
    event: (actor, type, subject, data) => ({ at: clock.now(), actor, type, subject, data }),
  };
  const settled = async (): Promise<string[]> => {
    await queue.idle();
    return queued.splice(0);
  };
  return { c, clock, world, store, settled };
}

describe('plan reconciler', () => {
  it('commits the failover decideRound chose, queues its transfer, and comes back after replanSeconds', async () => {
    const { c, store, settled } = await context({
      blades: [bladeRecord('A', 200, 'failed', 'critical'), bladeRecord('B', 300, 'standby')],
      workloads: [workloadRecord('W1', 200, 'A', 'pending')],
      policy: policyWith({ replanSeconds: 300 }),
    });
    expect(await new PlanReconciler(c).sync()).toBe(300_000);
    const [t] = await store.transfers({ open: true });
    expect(t).toMatchObject({ kind: 'failover', workload: 'W1', from: 'A', to: 'B', status: 'running' });
    expect((await store.blade('B'))?.state).toBe('active');
    expect((await store.workload('W1'))?.state).toBe('transferring');
    expect(await settled()).toEqual([`transfer:${t!.id}`]);
  });

  it('asks to come back when a cooldown that holds a cascade back ends, not a replan period later', async () => {
    const clock = new ManualClock(1_000_000);
    const { c, store } = await context({
      clock,
      blades: [bladeRecord('A', 500, 'active'), bladeRecord('B', 200, 'standby')],
      workloads: [workloadRecord('W1', 200, 'A', 'running', 1_000_000 - 500_000)],
      policy: policyWith({ cooldownSeconds: 600, replanSeconds: 300 }),
    });
    const plan = new PlanReconciler(c);
    expect(await plan.sync()).toBe(100_000);
    expect(await store.transfers()).toEqual([]);
    clock.advance(100_000);
    expect(await plan.sync()).toBe(300_000);
    expect(await store.transfers({ open: true })).toMatchObject([
      { kind: 'cascade', workload: 'W1', from: 'A', to: 'B' },
    ]);
  });

  it('records why a workload stays pending once, not on every round', async () => {
    const { c, store } = await context({
      blades: [bladeRecord('A', 200, 'failed')],
      workloads: [workloadRecord('W1', 200, 'A', 'pending')],
      policy: policyWith({}),
    });
    const plan = new PlanReconciler(c);
    await plan.sync();
    await plan.sync();
    const pending = (await store.events(0, 100)).filter((e) => e.type === 'workload.pending');
    expect(pending.map((e) => [e.subject, e.data['reason']])).toEqual([['W1', 'no-standby']]);
    expect((await store.workload('W1'))?.pendingReason).toMatch(/^no-standby: /);
  });
});

describe('blade reconciler', () => {
  it('fails an active blade that reports critical health: its workload becomes pending and a plan is queued', async () => {
    const { c, world, store, settled } = await context({
      blades: [bladeRecord('A', 200, 'active'), bladeRecord('B', 200, 'standby')],
      workloads: [workloadRecord('W1', 200, 'A', 'running')],
      policy: policyWith({}),
    });
    world.setHealth('A', 'critical');
    expect(await new BladeReconciler(c, 0).sync('A')).toBeNull();
    expect(await store.blade('A')).toMatchObject({ state: 'failed', health: 'critical' });
    expect(await store.workload('W1')).toMatchObject({ state: 'pending', blade: 'A', pendingReason: 'blade A failed' });
    expect(await settled()).toEqual(['plan']);
  });

  it('the sweep observes every blade, its starts spread over the poll period, and comes back after the rest', async () => {
    const { c, clock, store, settled } = await context({
      blades: [bladeRecord('A', 200, 'active'), bladeRecord('B', 200, 'standby')],
      workloads: [],
      policy: policyWith({}),
    });
    const asked: [string, number][] = [];
    const status = c.o.hardware.status.bind(c.o.hardware);
    c.o.hardware.status = (blade) => {
      asked.push([blade, clock.now()]);
      return status(blade);
    };
    const sweep = new BladeReconciler(c, 250).sync('*');
    // Two blades over 80% of 250 ms: the second is asked 100 ms after the first, not at once.
    await clock.run(99, 1);
    expect(asked).toEqual([['A', 1_000_000]]);
    await clock.run(1, 1);
    expect(await sweep).toBe(150);
    expect(asked).toEqual([
      ['A', 1_000_000],
      ['B', 1_000_100],
    ]);
    expect((await store.blade('B'))?.verdict).toBe('healthy');
    expect((await settled()).filter((k) => k.startsWith('blade:'))).toEqual([]);
  });
});

describe('work queue: a sync says when to come back', () => {
  it('runs the key again once the clock reaches the delay it asked for; of two delays the earlier wins', async () => {
    const clock = new ManualClock(0);
    const runs: number[] = [];
    const queue = new WorkQueue(
      async () => {
        runs.push(clock.now());
        return runs.length === 1 ? 1_000 : null;
      },
      clock,
      () => {},
    );
    queue.add('plan');
    await queue.idle();
    queue.addAfter('plan', 5_000);
    await clock.run(999, 333);
    expect(runs).toEqual([0]);
    await clock.run(1, 1);
    await queue.idle();
    expect(runs).toEqual([0, 1_000]);
    await clock.run(5_000, 1_000);
    await queue.idle();
    expect(runs).toEqual([0, 1_000]);
    queue.stop();
  });
});
