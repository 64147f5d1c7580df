// StatusPoller: announces what changed since the last reading, a silent controller as unreachable.
import { describe, expect, it } from 'vitest';
import { eventually, pause } from '../../ports/contract-support.js';
import type { BladeStatus, HardwareEvent } from '../../ports/hardware.js';
import { StatusPoller } from './status-poller.js';

describe('StatusPoller', () => {
  it('announces changes since the previous reading, a silent controller as unreachable, and stops when nobody listens', async () => {
    const now = new Map<string, BladeStatus | 'silent'>([
      ['A', { power: 'on', health: 'ok' }],
      ['B', { power: 'off', health: 'ok' }],
    ]);
    let reads = 0;
    const read = async (blade: string): Promise<BladeStatus> => {
      reads++;
      const seen = now.get(blade);
      if (seen === 'silent' || seen === undefined) throw new Error(`blade ${blade}: no answer`);
      return seen;
    };
    // A was read by the driver before anyone subscribed: that reading is the baseline.
    const seed = new Map<string, BladeStatus>([['A', { power: 'off', health: 'ok' }]]);
    const poller = new StatusPoller(
      () => [...now.keys()],
      read,
      () => seed,
      { intervalMs: 10, concurrency: 2 },
    );
    const events: HardwareEvent[] = [];
    const stop = poller.subscribe((e) => events.push(e));
    await eventually(
      () => Promise.resolve(events),
      (e) => e.length >= 1,
      5_000,
      'A on',
    );
    expect(events).toEqual([{ kind: 'power', blade: 'A', power: 'on' }]);

    now.set('B', 'silent');
    await eventually(
      () => Promise.resolve(events),
      (e) => e.some((x) => x.kind === 'health' && x.blade === 'B'),
      5_000,
      'B unreachable',
    );
    expect(events[1]).toEqual({ kind: 'health', blade: 'B', health: 'unreachable' });
    // Power 'unknown' is no power event.
    expect(events.filter((e) => e.kind === 'power')).toHaveLength(1);

    now.set('B', { power: 'off', health: 'critical' });
    await eventually(
      () => Promise.resolve(events),
      (e) => e.some((x) => x.kind === 'health' && x.health === 'critical'),
      5_000,
      'B critical',
    );

    stop();
    await poller.idle();
    const [count, readsThen] = [events.length, reads];
    now.set('A', { power: 'off', health: 'warning' });
    await pause(100);
    expect(events.length).toBe(count);
    expect(reads).toBe(readsThen);
  });
});
