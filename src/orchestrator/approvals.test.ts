// Cascade approval through the live controller: proposed once, started only when approved, durable across a restart.
import { afterEach, describe, expect, it } from 'vitest';
import { fakePorts } from '../adapters/fake/index.js';
import { policyWith } from '../core/model.js';
import { systemClock } from '../ports/clock.js';
import { ActionError } from './action-error.js';
import { Controller } from './controller.js';
import { eventually, harness, TEST_TIMING, type Harness } from './testing/harness.js';

let h: Harness | null = null;
let extra: Controller | null = null;
afterEach(async () => {
  await extra?.stop();
  extra = null;
  await h?.stop();
  h = null;
});

/** W1 (200 TB) fails over from A to B (500 TB); C (300 TB) then arrives and fits better. */
async function failedOverWithBetterBlade(): Promise<Harness> {
  const made = await harness({
    blades: [
      { id: 'A', resources: { storageTB: 200 } },
      { id: 'B', resources: { storageTB: 500 }, power: 'off' },
    ],
    workloads: [{ id: 'W1', requirements: { storageTB: 200 }, blade: 'A' }],
    policy: { requireApproval: true },
  });
  await made.settle();
  made.world.failBlade('A');
  await eventually(
    async () =>
      (await made.store.workload('W1'))?.blade === 'B' && (await made.store.transfers({ open: true })).length === 0,
    5000,
    'failover to B',
  );
  made.world.addBlade({ id: 'C', resources: { storageTB: 300 }, power: 'off' });
  await made.controller.discover();
  await made.settle();
  return made;
}

const ofType = async (type: string) => (await h!.events()).filter((e) => e.type === type);

describe('controller: cascades wait for approval when the policy asks for it', () => {
  it('failovers never wait; a cascade is proposed once, however often the planner runs', async () => {
    h = await failedOverWithBetterBlade();
    expect((await h.store.transfers()).map((t) => t.kind)).toEqual(['failover']);
    for (let i = 0; i < 3; i++) await h.controller.discover(); // each queues a plan
    await h.settle();
    const proposed = await ofType('cascade.proposed');
    expect(proposed.map((e) => [e.subject, e.data['from'], e.data['to']])).toEqual([['W1', 'B', 'C']]);
    expect(h.controller.proposals()).toMatchObject([
      { id: proposed[0]!.seq, workload: 'W1', from: 'B', to: 'C', status: 'proposed' },
    ]);
    expect((await h.store.workload('W1'))?.blade).toBe('B');
  });

  it('starts an approved cascade, records who approved it, and links the transfer to the proposal', async () => {
    h = await failedOverWithBetterBlade();
    const [proposal] = h.controller.proposals();
    const approved = await h.controller.approve(proposal!.id, 'token:alice');
    expect(approved.status).toBe('approved');
    await eventually(async () => (await h!.store.workload('W1'))?.blade === 'C', 5000, 'cascade to C');
    await h.settle();
    const created = (await ofType('transfer.created')).find((e) => e.data['kind'] === 'cascade');
    expect(created?.data['proposal']).toBe(proposal!.id);
    expect((await ofType('cascade.approved'))[0]?.actor).toBe('token:alice');
    expect(h.controller.proposals()[0]).toMatchObject({
      status: 'started',
      transfer: created?.subject,
      decidedBy: 'token:alice',
    });
    await expect(h.controller.approve(proposal!.id)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('a rejected move is not proposed again while the workload stays; unknown ids are not-found', async () => {
    h = await failedOverWithBetterBlade();
    const [proposal] = h.controller.proposals();
    await h.controller.reject(proposal!.id, 'token:bob', 'change freeze');
    await h.controller.discover();
    await h.settle();
    expect(await ofType('cascade.proposed')).toHaveLength(1);
    expect(h.controller.proposals()[0]).toMatchObject({
      status: 'rejected',
      reason: 'change freeze',
      decidedBy: 'token:bob',
    });
    expect((await h.store.workload('W1'))?.blade).toBe('B');
    const missing = h.controller.approve(999_999);
    await expect(missing).rejects.toBeInstanceOf(ActionError);
    await expect(missing).rejects.toMatchObject({ code: 'not-found' });
  });

  it('expires a proposal whose target left the pool', async () => {
    h = await failedOverWithBetterBlade();
    await h.controller.maintenance('C', true);
    await h.settle();
    const expired = await ofType('cascade.expired');
    expect(expired).toHaveLength(1);
    expect(h.controller.proposals()[0]).toMatchObject({ status: 'expired', decidedBy: 'controller' });
    expect(String(h.controller.proposals()[0]?.reason)).toContain('no longer a healthy standby blade');
  });

  it('keeps an approval across a controller restart and then starts it', async () => {
    h = await failedOverWithBetterBlade();
    const [proposal] = h.controller.proposals();
    // Approve on a stopped controller's log: the approval event lands, but no plan runs before the restart.
    await h.controller.stop();
    await h.store.commit({
      events: [
        {
          at: Date.now(),
          actor: 'token:carol',
          type: 'cascade.approved',
          subject: 'W1',
          data: { proposal: proposal!.id, from: 'B', to: 'C' },
        },
      ],
    });
    extra = await Controller.start({
      store: h.store,
      ...fakePorts(h.world),
      clock: systemClock,
      timing: TEST_TIMING,
      policy: policyWith({ cooldownSeconds: 0 }),
      pollMs: 20,
    });
    await eventually(
      async () =>
        (await h!.store.workload('W1'))?.blade === 'C' && (await h!.store.transfers({ open: true })).length === 0,
      5000,
      'cascade to C after restart',
    );
    expect(extra.proposals()[0]).toMatchObject({ id: proposal!.id, status: 'started', decidedBy: 'token:carol' });
  });

  it('expires open proposals when approval is switched off, and then cascades on its own', async () => {
    h = await failedOverWithBetterBlade();
    await h.controller.setPolicy({ ...h.controller.currentPolicy(), requireApproval: false }, 'token:admin');
    await eventually(async () => (await h!.store.workload('W1'))?.blade === 'C', 5000, 'cascade to C');
    await h.settle();
    expect(h.controller.proposals()[0]).toMatchObject({ status: 'expired', reason: 'approval is no longer required' });
    const changed = await ofType('policy.changed');
    expect(changed.map((e) => [e.actor, e.data['changes']])).toEqual([['token:admin', { requireApproval: false }]]);
    expect(await h.store.policy()).toMatchObject({ requireApproval: false });
  });
});

describe('controller: new requirements for a workload', () => {
  it('records them as declared, with an audit event, and the planner acts on them', async () => {
    h = await harness({
      blades: [
        { id: 'A', resources: { storageTB: 500 } },
        { id: 'B', resources: { storageTB: 200 }, power: 'off' },
      ],
      workloads: [{ id: 'W1', requirements: { storageTB: 500 }, blade: 'A' }],
    });
    await h.settle();
    expect((await h.store.workload('W1'))?.blade).toBe('A');
    const changed = await h.controller.setRequirements('W1', { storageTB: 200 }, 'token:ops');
    expect(changed).toMatchObject({ requirements: { storageTB: 200 }, source: 'declared' });
    await eventually(async () => (await h!.store.workload('W1'))?.blade === 'B', 5000, 'cascade to the exact fit');
    expect((await ofType('workload.requirements')).map((e) => [e.actor, e.data])).toEqual([
      ['token:ops', { before: { storageTB: 500 }, after: { storageTB: 200 } }],
    ]);
    await expect(h.controller.setRequirements('nobody', { storageTB: 1 })).rejects.toMatchObject({ code: 'not-found' });
  });
});
