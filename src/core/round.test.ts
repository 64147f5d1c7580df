// decideRound as a pure function: snapshots in, decisions out; no fakes, no store, no timers.
import { describe, expect, it } from 'vitest';
import type { Proposal } from './approval-round.js';
import type { RoundBlade } from './eligibility.js';
import { exclusionOf } from './eligibility.js';
import { policyWith } from './model.js';
import { decideRound, type RoundSnapshot, type RoundWorkload } from './round.js';
import { planWhatIf } from './what-if.js';

const blade = (
  id: string,
  tb: number,
  state: RoundBlade['state'] = 'standby',
  health: RoundBlade['health'] = 'ok',
): RoundBlade => ({ id, resources: { storageTB: tb }, state, health });
const workload = (
  id: string,
  tb: number,
  at: string | null,
  state: RoundWorkload['state'] = 'running',
  movedAt: number | null = null,
): RoundWorkload => ({
  id,
  requirements: { storageTB: tb },
  source: 'declared',
  priority: 0,
  blade: at,
  state,
  movedAt,
});
const snapshot = (s: Partial<RoundSnapshot>): RoundSnapshot => ({
  blades: [],
  workloads: [],
  transfers: [],
  proposals: [],
  rejected: [],
  ...s,
});
const policy = policyWith({ cooldownSeconds: 600 });

describe('eligibility', () => {
  it('names why each blade is not a target; a healthy or warning standby blade is one', () => {
    const reasons = [
      blade('A', 1, 'active'),
      blade('F', 1, 'failed'),
      blade('M', 1, 'maintenance'),
      blade('C', 1, 'standby', 'critical'),
      blade('U', 1, 'standby', 'unreachable'),
      blade('W', 1, 'standby', 'warning'),
      blade('S', 1),
    ].map((b) => exclusionOf(b));
    expect(reasons).toEqual(['active', 'failed', 'maintenance', 'critical', 'unreachable', null, null]);
  });

  it('only a blade the detector calls healthy, with its power known, takes a workload now', () => {
    const seen = (verdict: RoundBlade['verdict'], power: RoundBlade['power'] = 'off'): RoundBlade => ({
      ...blade('X', 1),
      verdict,
      power,
    });
    const reasons = [
      seen('healthy'),
      seen('healthy', 'on'),
      seen('suspect'),
      seen('degraded'),
      seen('credentials'),
      seen('failed'),
      seen('healthy', 'unknown'),
    ].map((b) => exclusionOf(b));
    expect(reasons).toEqual([null, null, 'suspect', 'degraded', 'credentials', 'failed', 'power-unknown']);
  });
});

describe('decideRound', () => {
  it('fails a workload over to the best healthy standby blade and lists every excluded blade with its reason', () => {
    const d = decideRound(
      snapshot({
        blades: [
          blade('A', 200, 'failed', 'critical'),
          blade('B', 200, 'standby', 'critical'),
          blade('C', 300),
          blade('D', 900, 'standby', 'unreachable'),
          blade('E', 500),
        ],
        workloads: [workload('W1', 200, 'A', 'pending')],
      }),
      policy,
      0,
    );
    expect(d.placements).toMatchObject([{ workload: 'W1', kind: 'failover', from: 'A', to: 'C' }]);
    expect(d.placements[0]!.runnersUp.map((r) => r.blade)).not.toContain('B');
    expect(d.excluded).toEqual([
      { blade: 'A', reason: 'failed' },
      { blade: 'B', reason: 'critical' },
      { blade: 'D', reason: 'unreachable' },
    ]);
    expect(d.pending).toEqual([]);
  });

  it('keeps a workload pending with a structured reason when no standby blade can take it', () => {
    const d = decideRound(
      snapshot({
        blades: [blade('A', 200, 'failed'), blade('B', 100, 'standby', 'critical')],
        workloads: [workload('W1', 200, 'A', 'pending'), workload('W2', 50, null, 'pending')],
      }),
      policy,
      0,
    );
    expect(d.placements).toEqual([]);
    expect(d.pending.map((p) => [p.workload, p.from, p.reason])).toEqual([
      ['W1', 'A', 'no-standby'],
      ['W2', null, 'no-standby'],
    ]);
  });

  it('never cascades onto an unhealthy standby blade', () => {
    const d = decideRound(
      snapshot({
        blades: [blade('A', 500, 'active'), blade('B', 200, 'standby', 'critical')],
        workloads: [workload('W1', 200, 'A')],
      }),
      policy,
      0,
    );
    expect(d.cascades).toEqual([]);
    expect(d.candidates).toMatchObject([{ workload: 'W1', blade: 'A', frozen: false }]);
  });

  it('holds a cooling workload back and says when its cooldown ends; then it cascades', () => {
    const s = snapshot({
      blades: [blade('A', 500, 'active'), blade('B', 200)],
      workloads: [workload('W1', 200, 'A', 'running', 1_000)],
    });
    const cooling = decideRound(s, policy, 1_000 + 599_999);
    expect(cooling.cascades).toEqual([]);
    expect(cooling.candidates).toMatchObject([{ workload: 'W1', frozen: true }]);
    expect(cooling.wakeAt).toBe(601_000);
    const thawed = decideRound(s, policy, 601_000);
    expect(thawed.cascades.map((c) => [c.move.workload, c.move.from, c.move.to, c.proposal])).toEqual([
      ['W1', 'A', 'B', null],
    ]);
    expect(thawed.wakeAt).toBeNull();
  });

  it('starts failovers beyond the transfer limit, and cascades only into the slots left', () => {
    const s = snapshot({
      blades: [blade('A', 200, 'failed'), blade('B', 200), blade('C', 500, 'active'), blade('D', 300)],
      workloads: [
        workload('W1', 200, 'A', 'pending'),
        workload('W2', 300, 'C'),
        workload('W3', 10, 'X', 'transferring'),
      ],
      transfers: [{ workload: 'W3', from: 'X', to: 'Y' }],
    });
    const d = decideRound(s, policyWith({ maxConcurrentTransfers: 1 }), 0);
    expect(d.placements.map((p) => p.to)).toEqual(['B']);
    expect(d.cascades).toEqual([]);
    expect(d.deferred.map((m) => [m.workload, m.to])).toEqual([['W2', 'D']]);
  });

  it('drains a blade in maintenance even onto a worse fit, before any cascade takes the blade', () => {
    const d = decideRound(
      snapshot({
        blades: [blade('M', 200, 'maintenance'), blade('B', 100), blade('C', 900, 'active'), blade('D', 150)],
        workloads: [workload('W1', 200, 'M'), workload('W2', 150, 'C')],
      }),
      policy,
      0,
    );
    expect(d.drains.map((p) => [p.workload, p.kind, p.from, p.to])).toEqual([['W1', 'cascade', 'M', 'D']]);
    expect(d.cascades).toEqual([]);
  });

  it('with approval on, proposes instead of moving, starts an approved proposal, and expires one that cannot happen', () => {
    const s = snapshot({
      blades: [blade('A', 500, 'active'), blade('B', 200), blade('C', 900, 'active')],
      workloads: [workload('W1', 200, 'A'), workload('W2', 900, 'C')],
    });
    const approval = policyWith({ requireApproval: true });
    expect(decideRound(s, approval, 0).propose.map((m) => [m.workload, m.to])).toEqual([['W1', 'B']]);
    const proposal = (id: number, w: string, from: string, to: string, status: Proposal['status']): Proposal => ({
      id,
      workload: w,
      from,
      to,
      before: null,
      after: null,
      saving: 1,
      proposedAt: 0,
      status,
      decidedBy: null,
      decidedAt: null,
      transfer: null,
      reason: null,
    });
    const d = decideRound(
      { ...s, proposals: [proposal(1, 'W1', 'A', 'B', 'approved'), proposal(2, 'W2', 'C', 'Z', 'proposed')] },
      approval,
      0,
    );
    expect(d.cascades.map((c) => [c.move.workload, c.move.to, c.proposal])).toEqual([['W1', 'B', 1]]);
    expect(d.expire.map((x) => [x.proposal.id, x.reason])).toEqual([
      [2, 'blade Z is no longer a healthy standby blade'],
    ]);
    const off = decideRound({ ...s, proposals: [proposal(2, 'W2', 'C', 'Z', 'proposed')] }, policy, 0);
    expect(off.expire.map((x) => x.reason)).toEqual(['approval is no longer required']);
  });

  it('leaves a rejected move out while the workload stays where it was', () => {
    const s = snapshot({
      blades: [blade('A', 500, 'active'), blade('B', 200)],
      workloads: [workload('W1', 200, 'A')],
      rejected: [{ workload: 'W1', from: 'A', to: 'B' }],
    });
    expect(decideRound(s, policyWith({ requireApproval: true }), 0).propose).toEqual([]);
  });

  it('is a function of its input: the same snapshot gives the same decision', () => {
    const s = snapshot({
      blades: [blade('A', 200, 'failed'), blade('B', 300), blade('C', 250), blade('D', 900, 'active')],
      workloads: [workload('W1', 200, 'A', 'pending'), workload('W2', 250, 'D')],
    });
    expect(JSON.stringify(decideRound(s, policy, 5))).toBe(JSON.stringify(decideRound(s, policy, 5)));
  });
});

describe('what-if through decideRound', () => {
  it('does not fail over onto a standby blade the controller would not use', () => {
    const r = planWhatIf({
      blades: [blade('A', 200, 'active'), blade('B', 200, 'standby', 'critical'), blade('C', 400)],
      workloads: [workload('W1', 200, 'A')],
      policy,
      fail: ['A'],
    });
    expect(r.placements.map((p) => [p.workload, p.to])).toEqual([['W1', 'C']]);
  });
});
