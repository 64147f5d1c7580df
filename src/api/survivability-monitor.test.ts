// Which standby blades survivability counts as spares: exactly those the planner's eligibility rule would use.
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../core/model.js';
import type { BladeRecord } from '../ports/store.js';
import { liveState } from './survivability-monitor.js';

const standby = (id: string, extra: Partial<BladeRecord> = {}): BladeRecord => ({
  id,
  resources: { cpuCount: 8, memoryGiB: 64 },
  state: 'standby',
  power: 'off',
  health: 'ok',
  endpoint: 'emulator',
  verdict: 'healthy',
  ...extra,
});

describe('liveState', () => {
  it('counts as spares only the standby blades the planner would place on; burn-in still counts', () => {
    const blades = [
      standby('ok'),
      standby('suspect', { verdict: 'suspect' }),
      standby('credentials', { verdict: 'credentials' }),
      standby('power-unknown', { power: 'unknown' }),
      standby('absent', { systemState: 'Absent' }),
      standby('unpowered', { chassisPower: 'off', location: { chassis: 'c1', slot: 1 } }),
      standby('critical', { health: 'critical' }),
      standby('burning-in', { burnInSince: 1_000 }),
    ];
    const policy = { ...DEFAULT_POLICY, repairBurnInSeconds: 3600 };
    const state = liveState({ blades, workloads: [], open: [] }, policy);
    const spares = state.blades.filter((b) => b.state === 'standby').map((b) => b.id);
    expect(spares).toEqual(['ok', 'burning-in']);
  });
});
