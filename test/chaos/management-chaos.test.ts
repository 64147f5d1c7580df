// CI's share of the management-path and fencing mixes: one fixed seed whose schedule holds a Redfish service outage,
// a password change, a pulled blade, a contradictory reply, hung BMCs with their workloads dead, failing fencing levels
// and an operator's fence confirm, played against the real `cascade serve` (dist/) with every blade fenced through
// four levels; every invariant must hold, no healthy workload disrupted and no target started before a fence among them.
import { describe, expect, it } from 'vitest';
import { FENCING_KINDS, withFencingMix } from '../../src/chaos/fencing-actions.js';
import { MANAGEMENT_KINDS, withManagementMix } from '../../src/chaos/management-actions.js';
import { runSchedule } from '../../src/chaos/run.js';
import { countKinds, generateSchedule } from '../../src/chaos/schedule.js';

const SEED = 20;
// Five management faults rather than the campaign's three, so that one short schedule holds every kind.
const schedule = withFencingMix(withManagementMix(generateSchedule(SEED), 5));

describe('chaos with the management-path and fencing mixes (fixed seed)', () => {
  it('holds every management-path and fencing kind', () => {
    const kinds = countKinds(schedule.actions);
    for (const kind of [...MANAGEMENT_KINDS, ...FENCING_KINDS]) expect(kinds[kind], kind).toBeGreaterThan(0);
    expect(schedule.world?.fencing).toBe(true);
  });

  it('keeps every invariant, and fails the dead workloads over through the fencing levels', async () => {
    const r = await runSchedule(schedule);
    const failure =
      r.error ??
      r.violations.map((v) => `${v.rule}: ${v.message}`).join('; ') +
        `\n  (seed ${SEED}, five management faults)\n${r.tail.slice(-15).join('\n')}`;
    expect(r.error === null && r.violations.length === 0 ? '' : failure).toBe('');
    // Whether a hung BMC is still hung when its blade's fence runs depends on the timing of the run (the hang ends
    // 2 s after the blade is failed): the levels past bmc are counted by the campaign, not required of one run.
    const fenced = Object.values(r.fencedThrough).reduce((n, count) => n + count, 0);
    expect(fenced).toBeGreaterThan(0);
  }, 120_000);
});
