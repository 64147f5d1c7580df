// The detector's timer on fakes: a suspect blade whose workload's liveness is lost fails when both have lasted
// failAfterMs, while its BMC's next read still hangs, not when that read runs out its deadline.
import { afterEach, describe, expect, it } from 'vitest';
import type { HardwareEvent } from '../ports/hardware.js';
import { harness, eventually, TEST_TIMING, type Harness } from './testing/harness.js';

let h: Harness | null = null;
let release: (() => void) | null = null;
afterEach(async () => {
  release?.();
  release = null;
  await h?.stop();
  h = null;
});

describe('detection timer', () => {
  it('fails the blade at the end of the period on the observations made, a hung read still in flight', async () => {
    let broken = false;
    let answered = 0;
    const hung: (() => void)[] = [];
    h = await harness({
      blades: [
        { id: 'A', resources: { memoryGiB: 64 } },
        { id: 'B', resources: { memoryGiB: 64 }, power: 'off' },
      ],
      workloads: [{ id: 'W1', requirements: { memoryGiB: 64 }, blade: 'A' }],
      // A read that hangs is given up only after a minute: the verdict must not wait for it.
      timing: { ...TEST_TIMING, callMs: 60_000 },
      detection: { failAfterMs: 300, suspectAlarmMs: 10_000, consecutive: 2 },
      prepare: (_world, ports) => {
        const status = ports.hardware.status.bind(ports.hardware);
        ports.hardware.status = (blade) => {
          if (blade !== 'A' || !broken) return status(blade);
          // A's BMC refuses its first two reads at once, then hangs.
          if (answered < 2) {
            answered++;
            return Promise.reject(new Error('connection refused'));
          }
          return new Promise((_resolve, reject) => hung.push(() => reject(new Error('connection reset'))));
        };
      },
    });
    await h.settle();
    release = () => {
      broken = false;
      for (const r of hung.splice(0)) r();
    };
    broken = true;
    h.world.losePower('A');
    await eventually(async () => (await h!.store.blade('A'))?.state === 'failed', 8_000, 'A failed');
    // Two reads answered (refused), every later one still hangs: the timer decided, on those two and W1's silence.
    expect(answered).toBe(2);
    expect(hung.length).toBeGreaterThan(0);
    const a = await h.store.blade('A');
    expect(a).toMatchObject({ verdict: 'failed', failure: { bmc: 'silent', workload: 'lost' }, health: 'unreachable' });
    expect(a?.verdictReason).toMatch(/^management path: status of A: no answer in \d+ ms, still asked; and W1/);
  });
  for (const events of [false, true])
    it(`fails a BMC that hangs from its first read once failAfterMs is over, not after each read ran out its deadline${events ? ', events for it arriving all along' : ''}`, async () => {
      // Every read of A hangs until its 300 ms deadline; consecutive 3. Counted one per read, the third read's end
      // (900 ms on) would decide, on its own timeout. Each read misses a poll every 5 ms, so the first one alone is
      // enough observations, and the timer fails A at the end of failAfterMs, the second read still in flight.
      // Events for A keep a sync of A waiting for its hung reads all along: the timer must not wait behind them.
      let broken = false;
      let hear: ((e: HardwareEvent) => void) | null = null;
      h = await harness({
        blades: [
          { id: 'A', resources: { memoryGiB: 64 } },
          { id: 'B', resources: { memoryGiB: 64 }, power: 'off' },
        ],
        workloads: [{ id: 'W1', requirements: { memoryGiB: 64 }, blade: 'A' }],
        timing: { ...TEST_TIMING, callMs: 300 },
        detection: { failAfterMs: 500, suspectAlarmMs: 10_000, consecutive: 3 },
        prepare: (_world, ports) => {
          const status = ports.hardware.status.bind(ports.hardware);
          ports.hardware.status = (blade) => {
            if (blade !== 'A' || !broken) return status(blade);
            return new Promise(() => {});
          };
          const subscribe = ports.hardware.subscribe.bind(ports.hardware);
          ports.hardware.subscribe = (listener) => {
            hear = listener;
            return subscribe(listener);
          };
        },
      });
      await h.settle();
      broken = true;
      h.world.losePower('A');
      const ticking = events ? setInterval(() => hear?.({ kind: 'power', blade: 'A', power: 'off' }), 20) : null;
      release = () => {
        if (ticking) clearInterval(ticking);
      };
      await eventually(async () => (await h!.store.blade('A'))?.state === 'failed', 8_000, 'A failed');
      const a = await h.store.blade('A');
      expect(a).toMatchObject({ verdict: 'failed', failure: { bmc: 'silent', workload: 'lost' } });
      expect(a?.verdictReason).toMatch(/^management path: status of A: no answer in \d+ ms, still asked; and W1/);
      // The read in flight had not run out its deadline: the verdict did not wait for it.
      expect(Number(/no answer in (\d+) ms/.exec(a?.verdictReason ?? '')?.[1])).toBeLessThan(300);
    });
});
