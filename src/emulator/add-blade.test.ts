// New hardware arrives into a free slot: an enclosure slot holds one blade.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeWorld } from '../adapters/fake/index.js';
import { startEmulator, type Emulator } from './server.js';

let emulator: Emulator;
beforeAll(async () => {
  const world = new FakeWorld({
    blades: [{ id: 'b1', resources: { memoryGiB: 64 }, location: { chassis: 'c1', slot: 1 } }],
    workloads: [],
  });
  emulator = await startEmulator({ world });
});
afterAll(() => emulator.close());

const add = (body: unknown) =>
  fetch(`${emulator.url}/emulator/v1/blades`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${emulator.controlToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('adding a blade to the emulated data center', () => {
  it('refuses an occupied slot with 409 naming location.slot, and adds nothing', async () => {
    const taken = await add({ id: 'n1', resources: { memoryGiB: 512 }, location: { chassis: 'c1', slot: 1 } });
    expect(taken.status).toBe(409);
    expect(await taken.json()).toMatchObject({
      error: { code: 'slot-taken', field: 'location.slot', message: 'slot 1 of chassis c1 already holds b1' },
    });
    expect(emulator.world.blade('n1')).toBeUndefined();
  });

  it('takes a free slot of the same chassis', async () => {
    expect((await add({ id: 'n2', resources: { memoryGiB: 512 }, location: { chassis: 'c1', slot: 2 } })).status).toBe(
      201,
    );
    expect(emulator.world.bladeAt({ chassis: 'c1', slot: 2 })).toBe('n2');
  });

  it('refuses two blades in one slot when a world is built, too', () => {
    const at = { chassis: 'c9', slot: 3 };
    const build = () =>
      new FakeWorld({
        blades: [
          { id: 'x', resources: { memoryGiB: 1 }, location: at },
          { id: 'y', resources: { memoryGiB: 1 }, location: at },
        ],
        workloads: [],
      });
    expect(build).toThrow('slot 3 of chassis c9 already holds x');
  });
});
