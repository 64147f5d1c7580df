// Operator actions are decided on the store's state: a hung BMC, whose status call runs until its deadline, holds
// up no repair, maintenance or submit. (How fast they answer is measured in bench/operator-latency.ts.)
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, harness, TEST_TIMING, type Harness } from './testing/harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

describe('operator actions while BMCs hang', () => {
  it('a 404 repair, a real repair, maintenance and a submit are answered before the hung observations return', async () => {
    h = await harness({
      blades: [
        { id: 'X', resources: { storageTB: 100 } },
        { id: 'Y', resources: { storageTB: 100 } },
        { id: 'M', resources: { storageTB: 200 } },
        { id: 'S', resources: { storageTB: 300 } },
      ],
      // A hung status call lasts its whole deadline: long enough that anything queued behind it would show.
      timing: { ...TEST_TIMING, callMs: 4_000 },
      pollMs: 0,
    });
    await h.controller.maintenance('M', true);
    await h.settle();
    const seen = { x: h.rounds('blade:X'), y: h.rounds('blade:Y') };
    // Both BMCs stop answering; their health events queue an observation of each, which now hangs.
    h.world.setReachable('X', false, { hang: true });
    h.world.setReachable('Y', false, { hang: true });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(h.controller.repair('nope')).rejects.toMatchObject({ code: 'not-found' });
    await h.controller.repair('M');
    await h.controller.maintenance('S', true);
    h.world.addWorkload({ id: 'N', requirements: { storageTB: 200 } });
    await h.controller.submit({ id: 'N', requirements: { storageTB: 200 } });
    // Every answer came while both observations were still waiting for their BMCs.
    expect({ x: h.rounds('blade:X'), y: h.rounds('blade:Y') }).toEqual(seen);
    expect(await h.store.blade('M')).toMatchObject({ state: 'standby' });
    expect(await h.store.blade('S')).toMatchObject({ state: 'maintenance' });
    // And the observations do end, each declaring its blade unreachable.
    await eventually(
      () => h!.rounds('blade:X') > seen.x && h!.rounds('blade:Y') > seen.y,
      10_000,
      'the hung observations to time out',
    );
  }, 20_000);
});
