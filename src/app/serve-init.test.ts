// The start check on fakes: an empty store in front of a running world is refused with what runs; --init stores
// only observed, healthy blades with known power as standby, and every other one as failed, with its reason.
import { afterEach, describe, expect, it } from 'vitest';
import { FakeHardware, FakeWorld } from '../adapters/fake/index.js';
import { systemClock } from '../ports/clock.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { ConfigError } from './config.js';
import { checkStoreAgainstWorld } from './serve-init.js';

const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

function rig(): { world: FakeWorld; check: (init: boolean) => ReturnType<typeof checkStoreAgainstWorld> } {
  const world = new FakeWorld({
    powerDelayMs: 0,
    blades: [
      { id: 'b1', resources: { memoryGiB: 64 } },
      { id: 'b2', resources: { memoryGiB: 64 }, power: 'off' },
      { id: 'b3', resources: { memoryGiB: 64 }, power: 'off', health: 'critical' },
      { id: 'b4', resources: { memoryGiB: 64 }, power: 'off' },
    ],
    workloads: [{ id: 'W1', requirements: { memoryGiB: 64 }, blade: 'b1' }],
  });
  const store = SqliteStore.open(':memory:');
  stores.push(store);
  const workloads = {
    list: async () =>
      world.workloadIds().map((id) => ({ id, state: world.workload(id)!.state, blade: world.workload(id)!.blade })),
  };
  const check = (init: boolean) =>
    checkStoreAgainstWorld({
      store,
      hardware: new FakeHardware(world),
      workloads,
      clock: systemClock,
      callMs: 200,
      init,
      world: 'the world',
      storeName: 'test.db',
    });
  return { world, check };
}

describe('an empty store in front of a running world', () => {
  it('is refused without --init, naming the workloads and --init; the store stays empty', async () => {
    const { check } = rig();
    const refused = await check(false).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConfigError);
    expect(String((refused as Error).message)).toMatch(
      /store test\.db is empty, but the world already runs 1 .*W1 on b1.*--init/,
    );
  });

  it('with --init stores a standby only for a blade that answered healthy; a critical or silent one is failed', async () => {
    const { world, check } = rig();
    world.setReachable('b4', false, { hang: true });
    const outcome = await check(true);
    expect(outcome).toEqual({ kind: 'seeded', standby: 2, failed: ['b3', 'b4'] });
    // Asked again on the now non-empty store, it agrees and changes nothing.
    expect(await check(false)).toEqual({ kind: 'agrees' });
  });
});
