// The one eligibility rule's newer reasons: a System not Enabled (StandbyOffline is), a chassis without power.
import { describe, expect, it } from 'vitest';
import {
  eligibility,
  excludedWith,
  exclusionCounts,
  exclusionOf,
  exclusionText,
  type RoundBlade,
} from './eligibility.js';

const standby = (id: string, extra: Partial<RoundBlade> = {}): RoundBlade => ({
  id,
  resources: { memoryGiB: 64 },
  state: 'standby',
  power: 'off',
  verdict: 'healthy',
  location: { chassis: 'c01', slot: 1 },
  ...extra,
});

describe('eligibility', () => {
  it('takes Enabled and StandbyOffline (the start step powers it on); any other Status.State is left out', () => {
    const states = ['Enabled', 'StandbyOffline', 'Disabled', 'InTest', 'Updating', 'Starting', 'Quiesced'];
    const reasons = states.map((systemState) => exclusionOf(standby('X', { systemState })));
    expect(reasons).toEqual([null, null, 'not-enabled', 'not-enabled', 'not-enabled', 'not-enabled', 'not-enabled']);
    expect(exclusionOf(standby('X'))).toBeNull(); // a driver that reads no State: nothing against it
  });

  it('leaves out a blade whose enclosure reports no power, and says which chassis', () => {
    const dark = standby('b0008', { chassisPower: 'off' });
    expect(exclusionOf(dark)).toBe('chassis-unpowered');
    expect(exclusionOf(standby('b0009', { chassisPower: 'on' }))).toBeNull();
    const e = excludedWith(dark, 'chassis-unpowered');
    expect(e).toEqual({ blade: 'b0008', reason: 'chassis-unpowered', detail: 'c01' });
    expect(`${e.blade}: ${exclusionText(e)}`).toBe('b0008: chassis c01 has no power');
  });

  it('a stronger reason wins: a failed blade in a dark chassis is failed; power unknown before chassis', () => {
    expect(exclusionOf(standby('X', { chassisPower: 'off', state: 'failed' }))).toBe('failed');
    expect(exclusionOf(standby('X', { chassisPower: 'off', power: 'unknown' }))).toBe('power-unknown');
  });

  it('counts the excluded per reason, in the rule order, only the reasons that occur', () => {
    const { targets, excluded } = eligibility([
      standby('A', { state: 'active' }),
      standby('B', { chassisPower: 'off' }),
      standby('C', { state: 'active' }),
      standby('D', { systemState: 'Disabled' }),
      standby('E'),
    ]);
    expect(targets.map((b) => b.id)).toEqual(['E']);
    expect(exclusionCounts(excluded)).toEqual([
      { reason: 'active', count: 2 },
      { reason: 'not-enabled', count: 1 },
      { reason: 'chassis-unpowered', count: 1 },
    ]);
  });
});
