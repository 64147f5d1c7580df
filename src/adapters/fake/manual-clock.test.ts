// ManualClock: sleepers wake only when the test advances time, earliest first, and time never goes back.
import { describe, expect, it } from 'vitest';
import { ManualClock } from './manual-clock.js';

describe('ManualClock', () => {
  it('wakes sleepers only once advanced past their time, earliest first', async () => {
    const clock = new ManualClock(1_000);
    const woke: string[] = [];
    void clock.sleep(30).then(() => woke.push('30'));
    void clock.sleep(10).then(() => woke.push('10'));
    void clock.sleep(20).then(() => woke.push('20'));
    clock.advance(15);
    await Promise.resolve();
    expect(woke).toEqual(['10']);
    expect(clock.pending()).toBe(2);
    clock.advance(100);
    await Promise.resolve();
    expect(woke).toEqual(['10', '20', '30']);
    expect(clock.now()).toBe(1_115);
  });

  it('resolves a sleep of zero at once, and refuses to go back', async () => {
    const clock = new ManualClock();
    await clock.sleep(0);
    expect(() => clock.advance(-1)).toThrow(/cannot go back/);
  });

  it('run() lets code that sleeps again and again make progress', async () => {
    const clock = new ManualClock();
    let ticks = 0;
    const loop = async (): Promise<void> => {
      for (;;) {
        await clock.sleep(10);
        ticks++;
      }
    };
    void loop();
    await clock.run(100, 5);
    expect(ticks).toBe(10);
  });
});
