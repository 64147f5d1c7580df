// Leadership in one process: two HA controllers on one SQLite file and one fake world, fencing, and the lease guard.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fakePorts, fenceViolations, FakeWorld, twoBladeViolations } from '../adapters/fake/index.js';
import { policyWith } from '../core/model.js';
import { systemClock } from '../ports/clock.js';
import { FencedError, type Lease } from '../ports/lease.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { LogEntry } from './controller.js';
import { fencedStore } from './fenced-store.js';
import { HaController } from './ha-controller.js';
import { guardPorts } from './lease-guard.js';
import { Leadership, NotLeaderError, Term } from './leadership.js';
import { eventually, TEST_TIMING } from './testing/harness.js';

const dirs: string[] = [];
const stops: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dbFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cascade-ha-'));
  dirs.push(dir);
  return join(dir, 'cascade.db');
}

function twoBladeWorld(): FakeWorld {
  return new FakeWorld({
    tickMs: 1,
    powerDelayMs: 20,
    unreachableDelayMs: 5,
    blades: [
      { id: 'A', resources: { memoryGiB: 64 } },
      { id: 'B', resources: { memoryGiB: 64 }, power: 'off' },
    ],
    workloads: [{ id: 'W1', requirements: { memoryGiB: 64 }, blade: 'A' }],
  });
}

/** An HA controller on its own store connection (as a separate process would have), sharing the world. */
async function haController(file: string, world: FakeWorld, holder: string, logs: LogEntry[]): Promise<HaController> {
  const store = SqliteStore.open(file);
  const ha = await HaController.start({
    store,
    ...fakePorts(world),
    clock: systemClock,
    timing: TEST_TIMING,
    policy: policyWith({ cooldownSeconds: 0 }),
    pollMs: 20,
    log: (e) => logs.push({ ...e, holder }),
    lease: { holder, ttlMs: 1_500 },
    onLeading: async (controller) => {
      if ((await store.blades()).length > 0) return;
      await controller.discover();
      await controller.adopt({ id: 'W1', blade: 'A' });
    },
  });
  stops.push(async () => {
    await ha.stop();
    await store.close();
  });
  return ha;
}

describe('HaController', () => {
  it('lets exactly one of two controllers lead; the other takes over at once when it stops, mid-failover, and finishes', async () => {
    const file = dbFile();
    const world = twoBladeWorld();
    const logs: LogEntry[] = [];
    const first = await haController(file, world, 'first', logs);
    await eventually(() => first.leader() !== null, 5_000, 'the first controller to lead');
    const second = await haController(file, world, 'second', logs);
    await eventually(async () => (await first.store.workload('W1'))?.state === 'running', 5_000, 'W1 adopted');
    expect(second.leader()).toBeNull();
    expect(await second.currentLease()).toMatchObject({ holder: 'first', epoch: 1 });

    world.failBlade('A');
    await eventually(
      () => logs.some((e) => e.holder === 'first' && e.msg === 'step attach started'),
      5_000,
      'the failover to reach attach',
    );
    await first.stop();
    await eventually(() => second.leader() !== null, 5_000, 'the second controller to take over');
    expect(await second.currentLease()).toMatchObject({ holder: 'second', epoch: 2 });
    await eventually(
      async () =>
        (await second.store.transfers({ open: true })).length === 0 &&
        (await second.store.workload('W1'))?.blade === 'B',
      10_000,
      'the failover to finish',
    );

    expect(world.runningOn('W1')).toStrictEqual(['B']);
    expect(twoBladeViolations(world.history())).toStrictEqual([]);
    expect(fenceViolations(world.history())).toStrictEqual([]);
    const [transfer] = await second.store.transfers();
    expect(transfer).toMatchObject({ kind: 'failover', to: 'B', status: 'done' });
  });
});

describe('fencing and the lease guard', () => {
  async function twoTerms(): Promise<{ store: SqliteStore; stale: Term; current: Lease }> {
    const store = SqliteStore.open(dbFile());
    stops.push(() => store.close());
    await store.migrate();
    const old = await store.acquireLease('controller', 'old', 1);
    await new Promise((r) => setTimeout(r, 20));
    const current = await store.acquireLease('controller', 'new', 60_000);
    if (old === null || current === null) throw new Error('leases not granted');
    return { store, stale: new Term(old, performance.now() + 60_000), current };
  }

  it("a stale term's commit is refused by the store, reported, and writes nothing; reads still work", async () => {
    const { store, stale, current } = await twoTerms();
    const refused: FencedError[] = [];
    const fenced = fencedStore(store, stale, (e) => refused.push(e));
    const error = await fenced
      .commit({ events: [{ at: 1, actor: 'controller', type: 'x', subject: 'y', data: {} }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FencedError);
    expect(error).toMatchObject({ reason: 'superseded', decidedBy: 'store', currentEpoch: current.epoch });
    expect(refused).toHaveLength(1);
    expect(await fenced.events(0, 10)).toStrictEqual([]);
    expect(await fenced.lease('controller')).toMatchObject({ holder: 'new' });
  });

  it("a live term's commit lands", async () => {
    const { store, current } = await twoTerms();
    const fenced = fencedStore(store, new Term(current, performance.now() + 60_000), () => {});
    expect(
      await fenced.commit({ events: [{ at: 1, actor: 'controller', type: 'x', subject: 'y', data: {} }] }),
    ).toHaveLength(1);
  });

  it('driver calls are refused once the term ran out, and the expiry is reported', async () => {
    const world = twoBladeWorld();
    const term = new Term(
      { name: 'controller', holder: 'me', epoch: 1, acquiredAt: 0, renewedAt: 0, expiresAt: 0 },
      performance.now() + 60_000,
    );
    const expired: Term[] = [];
    const live = guardPorts(fakePorts(world), term, (t) => expired.push(t));
    expect(await live.hardware.status('A')).toMatchObject({ power: 'on' });
    term.markLost();
    await expect(live.hardware.setPower('A', 'off')).rejects.toBeInstanceOf(NotLeaderError);
    await expect(live.workloads.capture('W1', 'A')).rejects.toThrow(
      /workloads.capture: this controller no longer holds the lease/,
    );
    await expect(live.storage.attach('W1', 'B')).rejects.toBeInstanceOf(NotLeaderError);
    expect(expired).toHaveLength(3);
    expect(world.blade('A')?.power).toBe('on');
    expect(world.runningOn('W1')).toStrictEqual(['A']);
  });

  it('a leader renews across many lease periods, and a standby gets nothing meanwhile', async () => {
    const store = SqliteStore.open(dbFile());
    stops.push(() => store.close());
    await store.migrate();
    const events: string[] = [];
    const leader = new Leadership({
      store,
      holder: 'a',
      ttlMs: 2_000,
      renewEveryMs: 100,
      onGained: (t) => void events.push(`gained ${t.lease.epoch}`),
      onLost: (_t, why) => void events.push(`lost: ${why}`),
    });
    leader.start();
    stops.push(() => leader.stop());
    await eventually(() => leader.current() !== null, 5_000, 'a to lead');
    const renewedAt = (await store.lease('controller'))?.renewedAt ?? 0;
    await eventually(async () => ((await store.lease('controller'))?.renewedAt ?? 0) > renewedAt, 5_000, 'a renewal');
    expect(await store.acquireLease('controller', 'b', 2_000)).toBeNull();
    await leader.stop();
    expect(events).toStrictEqual(['gained 1', 'lost: stopping']);
    // Released on stop: the next holder needs no wait.
    expect(await store.acquireLease('controller', 'b', 2_000)).toMatchObject({ holder: 'b', epoch: 2 });
  });
});
