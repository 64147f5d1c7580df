// "Why not that blade?": a transfer's decision lists the blades that were no target at decision time, with the
// eligibility rule's reasons, from the round's stored snapshot; a standby blade's page says why it is no target now.
import { afterEach, describe, expect, it } from 'vitest';
import type { RoundBlade } from '../core/eligibility.js';
import { policyWith } from '../core/model.js';
import { eventually } from '../orchestrator/testing/harness.js';
import { roundRecord } from '../orchestrator/round-record.js';
import type { AuditEvent } from '../ports/store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { decisionExclusions } from './decision-exclusions.js';
import { apiHarness, FOUR_SERVERS, type ApiHarness } from './testing/api-harness.js';

type Json = Record<string, unknown>;
const items = (body: unknown): Json[] => (body as { items: Json[] }).items;

let t: ApiHarness | null = null;
afterEach(async () => {
  await t?.stop();
  t = null;
});

describe('GET /api/v1/transfers/:id/decision: the blades that were not candidates', () => {
  it('names each blade the round left out with its reason, and counts the running ones', async () => {
    t = await apiHarness(FOUR_SERVERS, { emulator: true });
    await t.h.settle();
    expect(
      (await t.request('PUT', '/api/v1/blades/C/maintenance', { as: 'operator', body: { on: true } })).status,
    ).toBe(200);
    await t.request('POST', '/api/v1/blades/A/fail', { as: 'operator' });
    await eventually(async () => (await t!.h.store.workload('W1'))?.blade === 'B', 5000, 'failover to B');
    await t.h.settle();
    const failover = String(items((await t.request('GET', '/api/v1/transfers', { as: 'viewer' })).body)[0]!['id']);

    const why = await t.request('GET', `/api/v1/transfers/${failover}/decision`, { as: 'viewer' });
    expect(why.status).toBe(200);
    expect(why.body).toMatchObject({ chosen: { blade: 'B' }, recorded: true });
    // A failed and C in maintenance when the round decided; D was a candidate (a runner-up), so it is not listed.
    expect((why.body as Json)['excluded']).toEqual({
      available: true,
      reason: null,
      counts: [
        { reason: 'failed', count: 1 },
        { reason: 'maintenance', count: 1 },
      ],
      blades: [
        { blade: 'A', reason: 'failed', text: 'failed' },
        { blade: 'C', reason: 'maintenance', text: 'in maintenance' },
      ],
    });
    expect((why.body as { runnersUp: Json[] }).runnersUp.map((r) => r['blade'])).toEqual(['D']);

    // What the round saw, not what is true now: C back in the pool changes nothing in that decision.
    await t.request('PUT', '/api/v1/blades/C/maintenance', { as: 'operator', body: { on: false } });
    const later = await t.request('GET', `/api/v1/transfers/${failover}/decision`, { as: 'viewer' });
    expect((later.body as Json)['excluded']).toEqual((why.body as Json)['excluded']);
  });

  it('says so when the round is not stored, and reads reasons from what the round kept', async () => {
    const store = SqliteStore.open(':memory:');
    await store.migrate();
    try {
      const nowhere = (): undefined => undefined;
      expect(await decisionExclusions(store, null, nowhere)).toEqual({
        available: false,
        reason: 'the log no longer holds the decision',
        counts: [],
        blades: [],
      });
      const event = (data: Json): AuditEvent => ({
        seq: 1,
        at: 5_000,
        actor: 'controller',
        type: 'transfer.created',
        subject: 'failover-1',
        data,
      });
      expect(await decisionExclusions(store, event({ workload: 'W1' }), nowhere)).toMatchObject({
        available: false,
        reason: 'the decision was recorded without its round (an older controller)',
      });
      const gone = event({ round: { hash: 'ab'.repeat(32), now: 5_000 } });
      expect(await decisionExclusions(store, gone, nowhere)).toMatchObject({
        available: false,
        reason: 'the round abababababab is no longer stored',
      });

      // A round as the controller stores it: a dark enclosure, a Disabled blade, one in burn-in, one never read.
      const blade = (id: string, extra: Partial<RoundBlade> = {}): RoundBlade => ({
        id,
        resources: { storageTB: 100 },
        state: 'standby',
        ...extra,
      });
      const blades = [
        blade('A', { state: 'failed' }),
        blade('B', { chassisPower: 'off', power: 'off', verdict: 'healthy' }),
        blade('C', { systemState: 'Disabled' }),
        blade('D', { burnInSince: 4_000 }),
        blade('E', { power: 'unknown', verdict: 'healthy' }),
        blade('F'),
        blade('G', { state: 'active' }),
      ];
      const policy = policyWith({ repairBurnInSeconds: 10 });
      const record = roundRecord({ blades, workloads: [], transfers: [], proposals: [], rejected: [] }, policy, 5_000);
      await store.commit({ rounds: [record] });
      const located = (id: string) => (id === 'B' ? { chassis: 'c9', slot: 2 } : undefined);
      const found = await decisionExclusions(store, event({ round: { hash: record.hash, now: 5_000 } }), located);
      expect(found).toEqual({
        available: true,
        reason: null,
        counts: [
          { reason: 'active', count: 1 },
          { reason: 'failed', count: 1 },
          { reason: 'power-unknown', count: 1 },
          { reason: 'not-enabled', count: 1 },
          { reason: 'chassis-unpowered', count: 1 },
          { reason: 'burn-in', count: 1 },
        ],
        blades: [
          { blade: 'A', reason: 'failed', text: 'failed' },
          { blade: 'B', reason: 'chassis-unpowered', text: 'chassis c9 has no power' },
          { blade: 'C', reason: 'not-enabled', text: 'Status.State is Disabled, not Enabled or StandbyOffline' },
          { blade: 'D', reason: 'burn-in', text: 'in burn-in after a repair' },
          { blade: 'E', reason: 'power-unknown', text: 'its power state is not known' },
        ],
      });
      // Burn-in counts to the instant of the decision: the same round read as of a later `now` has D as a target.
      const after = await decisionExclusions(store, event({ round: { hash: record.hash, now: 20_000 } }), located);
      expect(after.blades.map((b) => b.blade)).toEqual(['A', 'B', 'C', 'E']);
    } finally {
      await store.close();
    }
  });
});

describe('GET /api/v1/blades/:id: why a blade is no failover target now', () => {
  it('gives the eligibility rule’s reason for a blade left out, and null for a target', async () => {
    t = await apiHarness(FOUR_SERVERS, { emulator: true });
    await t.h.settle();
    expect((await t.request('GET', '/api/v1/blades/D', { as: 'viewer' })).body).toMatchObject({
      state: 'standby',
      notTarget: null,
    });
    expect((await t.request('GET', '/api/v1/blades/A', { as: 'viewer' })).body).toMatchObject({
      notTarget: { reason: 'active', text: 'runs a workload' },
    });
    // D's controller stops answering: it stays standby, but no failover may take it.
    t.h.world.setReachable('D', false);
    await eventually(
      async () => ((await t!.request('GET', '/api/v1/blades/D', { as: 'viewer' })).body as Json)['notTarget'] !== null,
      5000,
      'D no target',
    );
    expect((await t.request('GET', '/api/v1/blades/D', { as: 'viewer' })).body).toMatchObject({
      state: 'standby',
      notTarget: { reason: 'unreachable', text: 'its controller does not answer' },
    });
  });
});
