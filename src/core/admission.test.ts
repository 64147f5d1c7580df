// Admission against the survivability level (enforce, warn, off), and what a chassis drain would leave.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admit } from './admission.js';
import { DEFAULT_POLICY, policyWith, type AdmissionMode, type Blade, type Workload } from './model.js';
import { maintenanceWhatIf } from './survivability-what-if.js';

const policy = (mode: AdmissionMode) => policyWith({ admission: { mode, k: 1, domains: ['blade', 'chassis'] } });

function arm(id: string, state: Blade['state'], chassis: string): Blade {
  return { id, resources: { memoryGiB: 256, cpuArch: 'aarch64' }, state, location: { chassis, slot: 1 } };
}
const running = (id: string, blade: string, priority = 0): Workload => ({
  id,
  requirements: { memoryGiB: 256, cpuArch: 'aarch64' },
  source: 'declared',
  priority,
  blade,
  state: 'running',
});

const blades = [arm('b1', 'active', 'c1'), arm('b2', 'standby', 'c2'), arm('b3', 'standby', 'c3')];
const workloads = [running('w1', 'b1', 3)];
const newcomer: Workload = { ...running('w2', 'b1'), blade: null, state: 'pending' };

describe('admit', () => {
  it('enforce refuses a submit that would take the last spare, naming the combination it breaks', () => {
    const state = { blades: [...blades.slice(0, 2)], workloads, policy: policy('enforce') };
    const verdict = admit(state, { kind: 'submit', workload: newcomer });
    expect(verdict.outcome).toBe('refuse');
    expect(verdict.broken.map((b) => b.text)).toContain('blade b1 (w1 priority 3 has no standby blade left)');
    expect(verdict.message).toMatch(/^would no longer survive blade b1 \(w1 priority 3/);
  });

  it('warn accepts the same submit with what it breaks; off does not look', () => {
    const state = { blades: [...blades.slice(0, 2)], workloads, policy: policy('warn') };
    expect(admit(state, { kind: 'submit', workload: newcomer }).outcome).toBe('warn');
    expect(admit({ ...state, policy: DEFAULT_POLICY }, { kind: 'submit', workload: newcomer }).outcome).toBe('accept');
  });

  it('accepts what keeps the level: a submit with a spare to spare, maintenance of a second spare', () => {
    const state = { blades, workloads, policy: policy('enforce') };
    expect(admit(state, { kind: 'submit', workload: newcomer }).outcome).toBe('accept');
    expect(admit(state, { kind: 'maintenance', blades: ['b3'] }).outcome).toBe('accept');
    // Both spares in maintenance: a failure of b1 would strand w1.
    const both = admit(state, { kind: 'maintenance', blades: ['b2', 'b3'] });
    expect(both.outcome).toBe('refuse');
    expect(both.broken[0]!.domains).toEqual(['b1']);
  });

  it('refuses a policy change only when the new policy itself loses a combination (weights do not change feasibility)', () => {
    const state = { blades, workloads, policy: policy('enforce') };
    expect(admit(state, { kind: 'policy', policy: { ...policy('enforce'), weights: { memoryGiB: 5 } } }).outcome).toBe(
      'accept',
    );
  });

  it('never refuses a failover, whatever it costs the level', () => {
    const state = fc.record({
      blades: fc.array(fc.constantFrom<Blade['state']>('active', 'standby'), { minLength: 1, maxLength: 6 }),
      mode: fc.constantFrom<AdmissionMode>('off', 'warn', 'enforce'),
      failing: fc.array(fc.nat(5), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(state, ({ blades: states, mode, failing }) => {
        const all = states.map((s, i) => arm(`b${i}`, s, `c${i % 2}`));
        const hosted = all.filter((b) => b.state === 'active').map((b, i) => running(`w${i}`, b.id));
        const fail = failing.map((i) => `b${i % all.length}`);
        const verdict = admit(
          { blades: all, workloads: hosted, policy: policy(mode) },
          { kind: 'failover', blades: fail },
        );
        expect(verdict.outcome).toBe('accept');
      }),
      { numRuns: 200 },
    );
  });
});

describe('maintenanceWhatIf', () => {
  it('answers what a chassis drain leaves: the moves, and the survivability after', () => {
    const state = {
      blades: [...blades, arm('b4', 'active', 'c3')],
      workloads: [...workloads, running('w4', 'b4')],
      policy: DEFAULT_POLICY,
    };
    const result = maintenanceWhatIf(state, ['b3', 'b4'], 1);
    expect(result.drain.moves).toEqual([{ workload: 'w4', from: 'b4', to: 'b2' }]);
    expect(result.before.kinds.find((k) => k.kind === 'blade')!.survives).toBe(1);
    expect(result.after.verdict).toMatch(
      /^does not survive blade b1 \(w1 priority 3 has no standby blade left\); unprotected: w1/,
    );
  });
});
