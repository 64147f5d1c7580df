// Two controller processes on one store: the leader dies (SIGKILL) in the middle of a failover and
// The standby takes over at lease expiry and finishes it; a leader frozen (SIGSTOP) past its lease and then
// resumed is refused by the store on its next write and stands by. On real PostgreSQL, and once on SQLite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../src/orchestrator/testing/harness.js';
import { postgresSkipReason, startPgCluster, type PgCluster } from '../../src/store/postgres/testing/pg-cluster.js';
import { requiredPeer } from '../../src/testing/required-peers.js';
import { expectFinishedOnB, failingOver, isStep, TTL_MS } from './failover-scenario.js';

const skip = requiredPeer('HA controllers on PostgreSQL', postgresSkipReason());
if (skip !== null) console.warn(`skipping the HA controller tests on PostgreSQL: ${skip}`);

const engineOf = (db: string): string => (db.startsWith('postgres') ? 'PostgreSQL' : 'SQLite');

/** The leader dies inside `step`; the standby must take over at lease expiry and finish the failover. */
async function killedInside(db: string, step: string): Promise<void> {
  let killedAt = 0;
  const scenario = await failingOver(db, (line, leader) => {
    if (killedAt === 0 && isStep(step)(line)) {
      killedAt = Date.now();
      leader.signal('SIGKILL');
    }
  });
  const { world, leader, standby } = scenario;
  try {
    expect(await leader.exited).toBe('SIGKILL');
    const takeover = await standby.waitFor((l) => l.msg === 'leading', 'c2 to take over');
    expect(takeover).toMatchObject({ epoch: 2 });
    const finished = await standby.waitForAfter(takeover.t, (l) => l.msg === 'quiet', 'c2 to finish the failover');
    expect(standby.lines.some((l) => l.msg === 'resuming 1 unfinished transfer(s)')).toBe(true);
    await expectFinishedOnB(db, world, step);
    // Figures for the report, not assertions: timing on a shared 2-core machine is no test.
    console.log(
      `HA (${engineOf(db)}, SIGKILL in ${step}): lease ${TTL_MS} ms; c2 led ${takeover.t - killedAt} ms after the kill; failover done ${finished.t - killedAt} ms after it`,
    );
  } finally {
    await scenario.cleanup();
  }
}

/** The leader freezes inside `start`; the standby takes over and finishes; then the leader wakes. */
async function pausedInsideStart(db: string): Promise<void> {
  let pausedAt = 0;
  const scenario = await failingOver(db, (line, leader) => {
    if (pausedAt === 0 && isStep('start')(line)) {
      pausedAt = Date.now();
      leader.signal('SIGSTOP');
    }
  });
  const { world, leader, standby } = scenario;
  try {
    const takeover = await standby.waitFor((l) => l.msg === 'leading', 'c2 to take over from the frozen c1');
    expect(takeover).toMatchObject({ epoch: 2 });
    await standby.waitForAfter(takeover.t, (l) => l.msg === 'quiet', 'c2 to finish the failover');
    expect(world.runningOn('W1')).toStrictEqual(['B']);

    const resumedAt = Date.now();
    leader.signal('SIGCONT');
    const refused = await leader.waitForAfter(resumedAt, (l) => l.msg === 'write refused', 'c1 to be refused');
    expect(refused).toMatchObject({
      code: 'fenced',
      decidedBy: 'store',
      reason: 'superseded',
      epoch: 1,
      currentEpoch: 2,
    });
    await leader.waitForAfter(resumedAt, (l) => l.msg === 'leadership lost', 'c1 to give up');
    const stoodBy = await leader.waitForAfter(resumedAt, (l) => l.msg === 'standby', 'c1 to stand by');

    // It stopped acting as leader: it issued no driver call after it woke (its own log says what it
    // issued, in order), and it led no more; checked again after one more lease period, in case it
    // still had something in flight. A call the lease guard let through just before the freeze is
    // logged just after it, before `woke`; it may still reach the emulator after the wake: the window
    // docs/architecture.md describes.
    const woke = await leader.waitForAfter(resumedAt, (l) => l.msg === 'woke', 'c1 to wake');
    const callsSinceWaking = (): unknown[] =>
      leader.lines.slice(leader.lines.indexOf(woke)).filter((l) => l.msg === 'driver call');
    expect(callsSinceWaking()).toStrictEqual([]);
    // Three refused lease requests after standing by (one every renewal period, a third of the TTL): c1 kept
    // running and looking for a lease period, and called nothing.
    const refusals = (): number =>
      leader.lines.filter((l) => l.msg === 'lease asked' && l['granted'] === false && l.t >= stoodBy.t).length;
    await eventually(() => refusals() >= 3, 30_000, 'c1 to ask for the lease three times');
    expect(callsSinceWaking()).toStrictEqual([]);
    expect(leader.lines.filter((l) => l.t >= resumedAt && l.msg === 'leading')).toStrictEqual([]);
    await expectFinishedOnB(db, world, 'start');
    console.log(
      `HA (${engineOf(db)}, SIGSTOP in start): lease ${TTL_MS} ms; c2 led ${takeover.t - pausedAt} ms after the pause; c1 refused ${refused.t - resumedAt} ms after waking`,
    );
  } finally {
    await scenario.cleanup();
  }
}

describe.skipIf(skip !== null)('HA controllers: two processes on one PostgreSQL', () => {
  let cluster: PgCluster | undefined;
  beforeAll(async () => {
    cluster = await startPgCluster();
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  const database = async (): Promise<string> => {
    if (cluster === undefined) throw new Error('no PostgreSQL cluster');
    return cluster.createDatabase();
  };

  for (const step of ['fence', 'start', 'restore']) {
    it(`leader killed (SIGKILL) inside ${step}: the standby takes over at lease expiry and finishes the failover`, async () => {
      await killedInside(await database(), step);
    }, 90_000);
  }

  it('a leader paused (SIGSTOP) past its lease, then resumed, is refused by the store on its next write and stands by', async () => {
    await pausedInsideStart(await database());
  }, 90_000);
});

// The same controller code on the embedded engine: two processes on one SQLite file share its leases.
// No SIGSTOP case: a process frozen inside a write keeps SQLite's file lock, and nothing takes it away as
// PostgreSQL's idle_in_transaction_session_timeout does (docs/architecture.md, Deployment).
describe('HA controllers: two processes on one SQLite file', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('leader killed (SIGKILL) inside start: the standby takes over at lease expiry and finishes the failover', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cascade-ha-'));
    dirs.push(dir);
    await killedInside(join(dir, 'cascade.db'), 'start');
  }, 90_000);
});
