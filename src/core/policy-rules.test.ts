// The policy rules in decideRound, the one round the controller, what-if and the API share: hard floors with their
// reasons, burn-in after repair, cascade windows and pinned workloads, each waking the planner when it ends.
import { describe, expect, it } from 'vitest';
import { cascadesOpen, nextOpening, parseWindow } from './cascade-windows.js';
import type { RoundBlade } from './eligibility.js';
import { describeFit, fitOf } from './fit.js';
import { floorsOf } from './floors.js';
import { policyWith, type Policy } from './model.js';
import { decideRound, type RoundSnapshot, type RoundWorkload } from './round.js';
import { checkSurvivability } from './survivability.js';

const blade = (
  id: string,
  memoryGiB: number,
  state: RoundBlade['state'] = 'standby',
  extra: Partial<RoundBlade> = {},
): RoundBlade => ({
  id,
  resources: { memoryGiB },
  state,
  health: 'ok',
  ...extra,
});
const workload = (
  id: string,
  memoryGiB: number,
  at: string | null,
  extra: Partial<RoundWorkload> = {},
): RoundWorkload => ({
  id,
  requirements: { memoryGiB },
  source: 'declared',
  priority: 0,
  blade: at,
  state: at === null ? 'pending' : 'running',
  movedAt: null,
  ...extra,
});
const snapshot = (s: Partial<RoundSnapshot>): RoundSnapshot => ({
  blades: [],
  workloads: [],
  transfers: [],
  proposals: [],
  rejected: [],
  ...s,
});
const HOUR = 3_600_000;

describe('hard floors', () => {
  it('make a blade below the floor infeasible, with the key and the shortfall in the reason', () => {
    const w = workload('W', 768, null);
    const soft = fitOf({ memoryGiB: 512 }, w.requirements, {}, floorsOf(w, policyWith({})));
    expect(soft.feasible).toBe(true);
    const hard = fitOf({ memoryGiB: 512 }, w.requirements, {}, floorsOf(w, policyWith({ hardKeys: ['memoryGiB'] })));
    expect(hard.feasible).toBe(false);
    expect(describeFit(hard)).toBe('memoryGiB: hard floor 768, offers 512 (short by 256)');
    // A minimum of its own lowers the floor below the requirement; a blade between them runs it with a deficit.
    const floor = { ...w, minimum: { memoryGiB: 384 } };
    expect(
      fitOf({ memoryGiB: 512 }, w.requirements, {}, floorsOf(floor, policyWith({ hardKeys: ['memoryGiB'] }))).feasible,
    ).toBe(true);
    // A minimum on a key the workload does not otherwise require still counts.
    const gpu = { ...w, minimum: { gpuCount: 1 } };
    expect(fitOf({ memoryGiB: 1024 }, w.requirements, {}, floorsOf(gpu, policyWith({}))).feasible).toBe(false);
  });

  it('leave a workload no blade can take pending with that reason, and take it when a blade meets the floor', () => {
    const policy = policyWith({ hardKeys: ['memoryGiB'] });
    const pending = decideRound(
      snapshot({ blades: [blade('S64', 64), blade('S512', 512)], workloads: [workload('W', 768, null)] }),
      policy,
      0,
    );
    expect(pending.placements).toEqual([]);
    expect(pending.pending).toEqual([
      {
        workload: 'W',
        from: null,
        reason: 'no-feasible-standby',
        detail: 'no standby blade meets the hard floor memoryGiB >= 768 (e.g. S512 offers 512)',
      },
    ]);
    const soft = decideRound(
      snapshot({ blades: [blade('S64', 64), blade('S512', 512)], workloads: [workload('W', 768, null)] }),
      policyWith({}),
      0,
    );
    expect(soft.placements.map((p) => p.to)).toEqual(['S512']);
    const placed = decideRound(
      snapshot({ blades: [blade('S512', 512), blade('S1T', 1024)], workloads: [workload('W', 768, null)] }),
      policy,
      0,
    );
    expect(placed.placements.map((p) => p.to)).toEqual(['S1T']);
  });

  it('move a workload off a blade below its floor even when staying costs less, and show runners-up as infeasible', () => {
    const policy = policyWith({ hardKeys: ['memoryGiB'] });
    const d = decideRound(
      snapshot({ blades: [blade('A', 512, 'active'), blade('B', 4096)], workloads: [workload('W', 768, 'A')] }),
      policy,
      0,
    );
    expect(d.cascades.map((c) => `${c.move.from}->${c.move.to}`)).toEqual(['A->B']);
  });

  it('count in survivability: a blade below the floor is no failover target', () => {
    const blades = [blade('A', 768, 'active'), blade('S', 512)];
    const workloads = [workload('W', 768, 'A')];
    const report = (policy: Policy) => checkSurvivability({ blades, workloads, policy, k: 1, kinds: ['blade'] });
    expect(report(policyWith({})).kinds[0]!.levels[0]!.failed).toBe(0);
    expect(report(policyWith({ hardKeys: ['memoryGiB'] })).kinds[0]!.levels[0]!.failed).toBeGreaterThan(0);
  });
});

describe('burn-in', () => {
  const policy = policyWith({ repairBurnInSeconds: 600 });
  const repaired = blade('R', 256, 'standby', { burnInSince: 1_000_000 });

  it('keeps a repaired blade out of the pool until it stayed that long, and wakes the planner then', () => {
    const during = decideRound(
      snapshot({ blades: [repaired], workloads: [workload('W', 256, null)] }),
      policy,
      1_000_000 + 599_999,
    );
    expect(during.placements).toEqual([]);
    expect(during.excluded).toEqual([{ blade: 'R', reason: 'burn-in' }]);
    expect(during.wakeAt).toBe(1_600_000);
    const after = decideRound(
      snapshot({ blades: [repaired], workloads: [workload('W', 256, null)] }),
      policy,
      1_600_000,
    );
    expect(after.placements.map((p) => p.to)).toEqual(['R']);
    // Without a burn-in in the policy, the same blade is a target at once.
    expect(
      decideRound(snapshot({ blades: [repaired], workloads: [workload('W', 256, null)] }), policyWith({}), 1_000_001)
        .placements,
    ).toHaveLength(1);
  });
});

describe('cascade windows', () => {
  // 1970-01-05 was a Monday.
  const monday = 4 * 24 * HOUR;
  const policy = policyWith({ cascadeWindows: ['mon-fri 22:00-06:00'] });
  const state = snapshot({
    blades: [blade('A', 512, 'active'), blade('B', 256), blade('F', 256, 'failed')],
    workloads: [workload('W', 256, 'A')],
  });

  it('reads days and times, across midnight and the week end', () => {
    expect(parseWindow('sat,sun 00:00-24:00')?.days).toEqual(new Set([6, 0]));
    expect(parseWindow('fri-mon 01:00-02:00')?.days).toEqual(new Set([5, 6, 0, 1]));
    expect(parseWindow('mon 24:00-01:00')).toBeNull();
    expect(cascadesOpen(policy.cascadeWindows, monday + 23 * HOUR)).toBe(true);
    expect(cascadesOpen(policy.cascadeWindows, monday + 24 * HOUR + 5 * HOUR)).toBe(true);
    expect(cascadesOpen(policy.cascadeWindows, monday + 12 * HOUR)).toBe(false);
    // Saturday 03:00 belongs to Friday's window; Sunday 23:00 to none.
    expect(cascadesOpen(policy.cascadeWindows, monday + 5 * 24 * HOUR + 3 * HOUR)).toBe(true);
    expect(cascadesOpen(policy.cascadeWindows, monday + 6 * 24 * HOUR + 23 * HOUR)).toBe(false);
    expect(nextOpening(policy.cascadeWindows, monday + 12 * HOUR)).toBe(monday + 22 * HOUR);
  });

  it('hold cascades outside the windows (shown, not started), run them inside, and wake the planner at the opening', () => {
    const closed = decideRound(state, policy, monday + 12 * HOUR);
    expect(closed.cascadesOpen).toBe(false);
    expect(closed.cascades).toEqual([]);
    expect(closed.held.map((m) => `${m.workload} ${m.from}->${m.to}`)).toEqual(['W A->B']);
    expect(closed.wakeAt).toBe(monday + 22 * HOUR);
    const open = decideRound(state, policy, monday + 22 * HOUR);
    expect(open.cascades.map((c) => c.move.to)).toEqual(['B']);
  });

  it('never hold a failover', () => {
    const d = decideRound(
      snapshot({
        blades: [blade('F', 256, 'failed'), blade('B', 256)],
        workloads: [workload('W', 256, 'F', { state: 'pending' })],
      }),
      policy,
      monday + 12 * HOUR,
    );
    expect(d.placements.map((p) => `${p.kind} ${p.to}`)).toEqual(['failover B']);
  });

  it('propose outside the windows under requireApproval, and start the approved only inside', () => {
    const approval = policyWith({ cascadeWindows: ['mon-fri 22:00-06:00'], requireApproval: true });
    const d = decideRound(state, approval, monday + 12 * HOUR);
    expect(d.propose.map((m) => m.to)).toEqual(['B']);
    const proposal = {
      id: 1,
      workload: 'W',
      from: 'A',
      to: 'B',
      before: null,
      after: null,
      saving: 1,
      proposedAt: 0,
      status: 'approved' as const,
      decidedBy: 'op',
      decidedAt: 1,
      transfer: null,
      reason: null,
    };
    expect(decideRound({ ...state, proposals: [proposal] }, approval, monday + 12 * HOUR).cascades).toEqual([]);
    expect(
      decideRound({ ...state, proposals: [proposal] }, approval, monday + 22 * HOUR).cascades.map((c) => c.proposal),
    ).toEqual([1]);
  });
});

describe('pinned workloads', () => {
  it('are never cascaded, are listed as frozen candidates, and still fail over', () => {
    const pinned = workload('W', 256, 'A', { pinned: true });
    const d = decideRound(
      snapshot({ blades: [blade('A', 512, 'active'), blade('B', 256)], workloads: [pinned] }),
      policyWith({}),
      0,
    );
    expect(d.cascades).toEqual([]);
    expect(d.candidates.map((c) => [c.workload, c.frozen])).toEqual([['W', true]]);
    const failed = decideRound(
      snapshot({
        blades: [blade('A', 512, 'failed'), blade('B', 256)],
        workloads: [{ ...pinned, state: 'pending' }],
      }),
      policyWith({}),
      0,
    );
    expect(failed.placements.map((p) => `${p.kind} ${p.to}`)).toEqual(['failover B']);
  });
});
