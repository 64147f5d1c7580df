// Regressions found by the chaos campaign: each case is a schedule the chaos harness shrank to a few
// faults, replayed here on fakes so it runs in milliseconds and fails the same way if the cause comes back.
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeWorld, historyViolations } from '../adapters/fake/index.js';
import { eventually, harness, type Harness } from './testing/harness.js';
import { nextCommand, type StepName } from './transfer-machine.js';
import type { StepRecord, TransferRecord } from '../ports/store.js';
import { fenceRule } from '../chaos/invariants-fencing.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

describe('chaos regressions', () => {
  it('a cascade whose source loses power before the workload left it becomes a failover (it used to roll back forever)', async () => {
    h = await harness({
      blades: [
        { id: 'B', resources: { storageTB: 500 } },
        // Slow to power on: the cascade sits in prepare while the source goes dark.
        { id: 'C', resources: { storageTB: 300 }, power: 'off', powerDelayMs: 300 },
      ],
      workloads: [{ id: 'W1', requirements: { storageTB: 200 }, blade: 'B' }],
    });
    await eventually(
      async () => (await h!.store.transfers({ open: true })).some((t) => t.kind === 'cascade'),
      5_000,
      'the cascade B -> C',
    );
    h.world.losePower('B');
    await h.settle(10_000);
    const transfers = await h.store.transfers();
    expect(transfers[0]).toMatchObject({ kind: 'cascade', from: 'B', to: 'C', status: 'aborted' });
    expect(transfers.at(-1)).toMatchObject({ kind: 'failover', from: 'B', to: 'C', status: 'done' });
    expect(await h.store.workload('W1')).toMatchObject({ state: 'running', blade: 'C' });
    expect(await h.store.blade('B')).toMatchObject({ state: 'failed' });
    expect(h.world.runningOn('W1')).toEqual(['C']);
    expect(historyViolations(h.world.history()).filter((v) => v.rule !== 'sequence-gap')).toEqual([]);
  });

  it('a cascade whose target dies after the live move puts the workload back on its source from its checkpoint (it used to retry a resume for ever)', async () => {
    h = await harness({
      blades: [
        { id: 'B', resources: { storageTB: 500 } },
        { id: 'C', resources: { storageTB: 300 }, power: 'off' },
      ],
      workloads: [{ id: 'W1', requirements: { storageTB: 200 }, blade: 'B' }],
      // The target dies at the switch, right after W1 moved to it live: its state dies with it.
      prepare: (world, ports) => {
        const attach = ports.storage.attach.bind(ports.storage);
        ports.storage.attach = async (workload, blade) => {
          if (blade === 'C' && world.blade('C')?.health === 'ok') world.failBlade('C');
          return attach(workload, blade);
        };
      },
    });
    await h.controller.checkpoint('W1');
    await eventually(
      async () => (await h!.store.transfers()).some((t) => t.kind === 'cascade' && t.status === 'aborted'),
      10_000,
      'the cascade to give up',
    );
    await eventually(async () => (await h!.store.transfers({ open: true })).length === 0, 10_000, 'no open transfer');
    const [cascade] = await h.store.transfers();
    expect(cascade).toMatchObject({ kind: 'cascade', from: 'B', to: 'C', status: 'aborted' });
    expect(cascade!.steps.some((s) => s.name === 'move' && s.output?.includes('"mode":"live"'))).toBe(true);
    expect(await h.store.workload('W1')).toMatchObject({ state: 'running', blade: 'B' });
    expect(h.world.runningOn('W1')).toEqual(['B']);
    expect(await h.store.blade('C')).toMatchObject({ state: 'failed' });
    const restart = h.world
      .history()
      .filter((e) => e.kind === 'started' && e.workload === 'W1')
      .at(-1);
    expect(restart).toMatchObject({ blade: 'B', how: 'restore' });
    expect(historyViolations(h.world.history()).filter((v) => v.rule !== 'sequence-gap')).toEqual([]);
  });

  it('a cascade target that will not power on is failed, not offered again on every round', async () => {
    h = await harness({
      blades: [
        { id: 'B', resources: { storageTB: 500 } },
        { id: 'C', resources: { storageTB: 300 }, power: 'off', powerDelayMs: 300 },
      ],
      workloads: [{ id: 'W1', requirements: { storageTB: 200 }, blade: 'B' }],
    });
    await eventually(
      async () => (await h!.store.transfers({ open: true })).some((t) => t.kind === 'cascade'),
      5_000,
      'the cascade B -> C',
    );
    h.world.refusePowerOn('C'); // its power supply died while it was off: the power-on never comes
    await eventually(
      async () => (await h!.store.transfers()).some((t) => t.status === 'aborted'),
      10_000,
      'the cascade to give up',
    );
    await h.settle(10_000);
    // A replan or two later, still only the one attempt: C is failed until someone repairs it.
    await h.planRound();
    await h.planRound();
    await h.settle(10_000);
    const transfers = await h.store.transfers();
    expect(transfers).toHaveLength(1);
    expect(transfers[0]).toMatchObject({ kind: 'cascade', to: 'C', status: 'aborted' });
    expect(await h.store.blade('C')).toMatchObject({ state: 'failed' });
    expect(await h.store.workload('W1')).toMatchObject({ state: 'running', blade: 'B' });
    expect(h.world.runningOn('W1')).toEqual(['B']);
    expect(nextCommand({ ...transfers[0]!, status: 'running' })).toMatchObject({ type: 'abort', targetFailed: true });
  });

  it('a cascade whose source and target both fail after the workload left the source fences the target and fails over (it used to roll back onto the dead source)', () => {
    const fit = { deficit: 0, surplus: 0, cost: 0, feasible: true, mismatches: [] };
    const cascade = (steps: [StepName, StepRecord['status']][]): TransferRecord => ({
      id: 't1',
      kind: 'cascade',
      workload: 'W1',
      from: 'A',
      to: 'B',
      before: fit,
      after: fit,
      status: 'running',
      reason: null,
      drain: false,
      steps: steps.map(([name, status], i) => ({
        name,
        status,
        attempt: 1,
        startedAt: i,
        endedAt: i,
        error: status === 'failed' ? 'boom' : null,
        output: name === 'move' && status === 'succeeded' ? '{"mode":"checkpoint"}' : null,
      })),
      createdAt: 0,
      updatedAt: 0,
    });
    const ran = (...names: StepName[]) =>
      names.flatMap((n): [StepName, StepRecord['status']][] => [
        [n, 'started'],
        [n, 'succeeded'],
      ]);
    const verifyFailed = cascade([
      ...ran('prepare', 'move', 'switch', 'restore'),
      ['verify', 'started'],
      ['verify', 'failed'],
    ]);
    expect(nextCommand(verifyFailed)).toMatchObject({ type: 'run', step: 'rollback' });
    expect(nextCommand(verifyFailed, { sourceFailed: true })).toMatchObject({ type: 'run', step: 'unwind' });
    const rolling = cascade([
      ...ran('prepare', 'move', 'switch', 'restore'),
      ['verify', 'started'],
      ['verify', 'failed'],
      ['rollback', 'started'],
    ]);
    expect(nextCommand(rolling, { sourceFailed: true })).toMatchObject({ type: 'run', step: 'unwind' });
    const unwound = cascade([
      ...ran('prepare', 'move', 'switch', 'restore'),
      ['verify', 'started'],
      ['verify', 'failed'],
      ...ran('unwind'),
    ]);
    expect(nextCommand(unwound, { sourceFailed: true })).toMatchObject({
      type: 'abort',
      targetFailed: true,
      replan: true,
      toFailover: true,
    });
    const rolledBack = cascade([
      ...ran('prepare', 'move', 'switch', 'restore'),
      ['verify', 'started'],
      ['verify', 'failed'],
      ...ran('rollback'),
    ]);
    expect(nextCommand(rolledBack)).toMatchObject({ type: 'abort', replan: false });
    expect(nextCommand(rolledBack, { sourceFailed: true })).toMatchObject({
      type: 'abort',
      replan: true,
      toFailover: true,
    });
  });

  it('a failed blade that a failover is still fencing cannot be repaired back into the pool (its late power-off killed the next workload)', async () => {
    h = await harness({
      blades: [
        { id: 'A', resources: { memoryGiB: 64 } },
        { id: 'B', resources: { memoryGiB: 64 }, power: 'off' },
      ],
      workloads: [{ id: 'W1', requirements: { memoryGiB: 64 }, blade: 'A' }],
    });
    await h.settle();
    h.world.setReachable('A', false); // the fence cannot be confirmed: the failover waits
    h.world.losePower('A'); // W1's heartbeat stops with it, so A is failed, not only suspect
    await eventually(
      async () => (await h!.store.transfers({ open: true })).some((t) => t.kind === 'failover' && t.from === 'A'),
      5_000,
      'the failover from A',
    );
    await expect(h.controller.repair('A', 'operator:test')).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('still in transfer'),
    });
    expect(await h.store.blade('A')).toMatchObject({ state: 'failed' });
    h.world.setReachable('A', true);
    await h.settle(10_000);
    expect(await h.store.workload('W1')).toMatchObject({ state: 'running', blade: 'B' });
    await h.controller.repair('A', 'operator:test'); // once the transfer ended, the repair goes through
    expect(await h.store.blade('A')).toMatchObject({ state: 'standby' });
  });

  it('a cascade whose source and target both lose power after the restore on the target ends, the workload pending (it used to roll back for ever)', async () => {
    h = await harness({
      blades: [
        { id: 'B', resources: { storageTB: 500 }, location: { chassis: 'c1', slot: 1 } },
        { id: 'C', resources: { storageTB: 300 }, power: 'off', location: { chassis: 'c1', slot: 2 } },
      ],
      workloads: [{ id: 'W1', requirements: { storageTB: 200 }, blade: 'B' }],
      prepare: (world, ports) => {
        world.setMigratable('B', 'C', false); // checkpoint and restore
        // Their chassis goes dark right after W1 was restored on C, before the cascade verified it.
        const restore = ports.workloads.restore.bind(ports.workloads);
        ports.workloads.restore = async (workload, blade, checkpoint) => {
          await restore(workload, blade, checkpoint);
          if (blade === 'C') for (const b of ['B', 'C']) world.losePower(b);
        };
      },
    });
    await eventually(
      async () => (await h!.store.transfers()).some((t) => t.kind === 'cascade' && t.status === 'aborted'),
      10_000,
      'the cascade to give up',
    );
    await eventually(
      async () =>
        (await h!.store.transfers({ open: true })).length === 0 && (await h!.store.workload('W1'))?.state === 'pending',
      10_000,
      'W1 pending, nothing open',
    ).catch(async (e: unknown) => {
      throw new Error(
        `${String(e)}: ${JSON.stringify(await h!.store.transfers())} ${JSON.stringify(await h!.store.workload('W1'))}`,
      );
    });
    expect(await h.store.blade('B')).toMatchObject({ state: 'failed' });
    expect(await h.store.blade('C')).toMatchObject({ state: 'failed' });
    expect((await h.store.workload('W1'))?.pendingReason).toBeTruthy();
    expect(h.world.runningOn('W1')).toEqual([]);
  });

  it('repairing the powered-off blade a pending workload failed with frees it: placed again from its checkpoint, never fenced later under another workload', async () => {
    h = await harness({
      blades: [{ id: 'A', resources: { memoryGiB: 64 } }],
      workloads: [{ id: 'W1', requirements: { memoryGiB: 64 }, blade: 'A' }],
    });
    await h.settle();
    const saved = await h.controller.checkpoint('W1');
    h.world.failBlade('A'); // off, critical; no standby: W1 waits, still naming A for its fence
    await eventually(async () => (await h!.store.workload('W1'))?.state === 'pending', 5_000, 'W1 pending');
    expect(await h.store.workload('W1')).toMatchObject({ blade: 'A' });
    h.world.repairBlade('A');
    await h.controller.repair('A', 'operator:test');
    await h.settle(10_000);
    expect(await h.store.workload('W1')).toMatchObject({ state: 'running', blade: 'A' });
    const restart = h.world
      .history()
      .filter((e) => e.kind === 'started' && e.workload === 'W1')
      .at(-1);
    expect(restart).toMatchObject({ blade: 'A', how: 'restore', sequence: saved });
    expect((await h.store.transfers()).at(-1)).toMatchObject({ kind: 'place', to: 'A', status: 'done' });
  });

  it('a failed blade that may still run its pending workload (unreachable, not fenced) cannot be repaired', async () => {
    h = await harness({
      blades: [{ id: 'A', resources: { memoryGiB: 64 } }],
      workloads: [{ id: 'W1', requirements: { memoryGiB: 64 }, blade: 'A' }],
      // W1's heartbeat path is cut as well: A is failed, and nothing proves W1 is off.
      prepare: (world, ports) => {
        const liveness = ports.workloads.liveness.bind(ports.workloads);
        ports.workloads.liveness = async (w) =>
          world.blade('A')?.reachable === 'yes'
            ? liveness(w)
            : { alive: false, blade: null, reason: `${w}: no heartbeat` };
      },
    });
    await h.settle();
    h.world.setReachable('A', false);
    await eventually(async () => (await h!.store.workload('W1'))?.state === 'pending', 5_000, 'W1 pending');
    await expect(h.controller.repair('A', 'operator:test')).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('may still run W1'),
    });
  });

  it('a cascade by checkpoint whose target died right after an unrecorded restore rolls back from the quiesced state (resume was refused for ever)', async () => {
    h = await cascadeWithUnrecordedRestore((world) => world.failBlade('C'));
    expect(await h.store.workload('W1')).toMatchObject({ state: 'running', blade: 'B' });
    expect(h.world.runningOn('W1')).toEqual(['B']);
    const captured = h.world.history().find((e) => e.kind === 'stopped' && e.workload === 'W1' && e.why === 'captured');
    const back = h.world
      .history()
      .filter((e) => e.kind === 'started' && e.workload === 'W1')
      .at(-1);
    expect(back).toMatchObject({
      blade: 'B',
      how: 'restore',
      sequence: captured?.kind === 'stopped' ? captured.sequence : -1,
    });
  });

  it('a cascade by checkpoint whose workload died on a faulty target after an unrecorded restore powers the target off before it starts the workload on its source', async () => {
    // C stays on, critical, with W1 dead on it.
    h = await cascadeWithUnrecordedRestore((world) => {
      world.crashWorkloads('C');
      world.setHealth('C', 'critical');
    });
    expect(h.world.runningOn('W1')).toEqual(['B']);
    const history = h.world.history();
    const off = history.findIndex((e) => e.kind === 'power-effective' && e.blade === 'C' && e.power === 'off');
    const back = Math.max(
      ...history.map((e, i) => (e.kind === 'started' && e.workload === 'W1' && e.blade === 'B' ? i : -1)),
    );
    expect(off).toBeGreaterThanOrEqual(0);
    expect(back).toBeGreaterThan(off);
    expect(fenceRule(history)).toEqual([]);
  });

  it('a blade observation does not write back a blade state that changed during its status call (a finished cascade’s target went back to failed)', async () => {
    let gate: Promise<void> | null = null;
    let release = (): void => {};
    let entered = false;
    h = await harness({
      blades: [{ id: 'A', resources: { memoryGiB: 64 } }],
      pollMs: 600_000,
      // Once armed, the status call hangs until the test lets it go, as a slow BMC's would.
      prepare: (_world, ports) => {
        const status = ports.hardware.status.bind(ports.hardware);
        ports.hardware.status = async (blade) => {
          const seen = await status(blade);
          if (gate !== null) {
            entered = true;
            await gate;
          }
          return seen;
        };
      },
    });
    await h.controller.idle();
    await h.store.commit({ blades: [{ ...(await h.store.blade('A'))!, state: 'failed', health: 'unreachable' }] });
    gate = new Promise<void>((resolve) => (release = resolve));
    h.world.setHealth('A', 'warning'); // an event: the controller reads A's status, which hangs
    await eventually(() => entered, 5_000, 'the status call to hang');
    // Meanwhile a transfer ends with a workload on A: the blade is active now.
    await h.store.commit({ blades: [{ ...(await h.store.blade('A'))!, state: 'active' }] });
    release();
    await eventually(
      async () => (await h!.store.blade('A'))?.health === 'warning',
      5_000,
      'the observation to be written',
    );
    expect(await h.store.blade('A')).toMatchObject({ state: 'active', health: 'warning' });
  });

  it('a status read that began before a repair does not fail the repaired blade again (the dashboard’s repair of C was undone 40 ms later)', async () => {
    let gate: Promise<void> | null = null;
    let release = (): void => {};
    let entered = false;
    h = await harness({
      blades: [{ id: 'A', resources: { memoryGiB: 64 } }],
      pollMs: 600_000,
      // Once armed, the status call answers what the BMC said when asked, but only when the test lets it go.
      prepare: (_world, ports) => {
        const status = ports.hardware.status.bind(ports.hardware);
        ports.hardware.status = async (blade) => {
          const seen = await status(blade);
          if (gate !== null) {
            entered = true;
            await gate;
          }
          return seen;
        };
      },
    });
    await h.controller.idle();
    h.world.setHealth('A', 'critical');
    await eventually(async () => (await h!.store.blade('A'))?.state === 'failed', 5_000, 'A to fail');
    await h.controller.idle();
    gate = new Promise<void>((resolve) => (release = resolve));
    h.world.losePower('A'); // an event: the controller reads A's status (critical, off), and the answer hangs
    await eventually(() => entered, 5_000, 'the status call to hang');
    // Meanwhile the hardware is fixed and the operator repairs the blade.
    h.world.repairBlade('A');
    await h.controller.repair('A', 'operator:test');
    gate = null;
    release();
    await h.controller.idle();
    expect(await h.store.blade('A')).toMatchObject({ state: 'standby', health: 'ok' });
    expect((await h.store.events(0, 1_000)).filter((e) => e.type === 'blade.failed')).toHaveLength(1);
  });

  it('a live move that finished unrecorded, then lost its target, rolls back from the latest checkpoint (resume was refused for ever)', async () => {
    h = await harness({
      blades: [
        { id: 'B', resources: { storageTB: 500 } },
        { id: 'C', resources: { storageTB: 300 }, power: 'off' },
      ],
      workloads: [{ id: 'W1', requirements: { storageTB: 200 }, blade: 'B' }],
      prepare: (world, ports) => {
        // W1 moves to C live, then C loses power before the step could record the move.
        const migrate = ports.workloads.migrate.bind(ports.workloads);
        ports.workloads.migrate = async (workload, from, to) => {
          await migrate(workload, from, to);
          if (to === 'C' && world.blade('C')?.power === 'on') {
            world.losePower('C');
            throw new Error('connection reset');
          }
        };
      },
    });
    await eventually(
      async () => (await h!.store.transfers()).some((t) => t.kind === 'cascade' && t.status === 'aborted'),
      20_000,
      'the cascade to give up',
    );
    // Another try at C (not yet known dead) may follow; it fails on C's power and rolls back too.
    await eventually(async () => (await h!.store.transfers({ open: true })).length === 0, 20_000, 'no open transfer');
    expect(await h.store.workload('W1')).toMatchObject({ state: 'running', blade: 'B' });
    expect(h.world.runningOn('W1')).toEqual(['B']);
    // Back on B from its latest stored checkpoint (none here, so a cold start): the live state died with C.
    const back = h.world
      .history()
      .filter((e) => e.kind === 'started' && e.workload === 'W1')
      .at(-1);
    expect(back).toMatchObject({
      blade: 'B',
      how: 'restore',
      sequence: (await h.store.latestCheckpoint('W1'))?.sequence ?? 0,
    });
  });

  for (const checkpointing of [true, false])
    it(`a silent BMC and liveness reads timing out ${checkpointing ? 'while the hypervisor checkpoints the workload on the blade: nothing moves' : 'with no other sign of life: the blade fails over'}`, async () => {
      let silent = false;
      h = await harness({
        blades: [
          { id: 'A', resources: { storageTB: 10 } },
          { id: 'B', resources: { storageTB: 10 }, power: 'off' },
        ],
        workloads: [{ id: 'W1', requirements: { storageTB: 10 }, blade: 'A' }],
        detection: { failAfterMs: 300, suspectAlarmMs: 10_000, consecutive: 2 },
        // Once the fault begins, A's BMC and the liveness reads of W1 are lost on the way (they never settle); the
        // hypervisor's other calls answer.
        prepare: (_world, ports) => {
          const status = ports.hardware.status.bind(ports.hardware);
          ports.hardware.status = (id) => (silent && id === 'A' ? new Promise(() => {}) : status(id));
          const liveness = ports.workloads.liveness.bind(ports.workloads);
          ports.workloads.liveness = (w) => (silent && w === 'W1' ? new Promise(() => {}) : liveness(w));
        },
      });
      silent = true;
      // Long enough for several failAfterMs periods; the blade that fails ends the wait at once.
      const until = Date.now() + (checkpointing ? 3_000 : 8_000);
      while (Date.now() < until && (await h.store.blade('A'))?.state !== 'failed') {
        if (checkpointing) await h.controller.checkpoint('W1');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      if (checkpointing) {
        expect((await h.store.blade('A'))?.state).toBe('active');
        expect((await h.store.blade('A'))?.verdict).toBe('suspect');
        expect(await h.store.transfers()).toEqual([]);
        expect(h.world.runningOn('W1')).toEqual(['A']);
      } else {
        expect((await h.store.blade('A'))?.state).toBe('failed');
      }
    });
});

/**
 * W1 cascades from B to C by checkpoint (no live move between them); right after it starts on C, `harm` befalls C
 * and the restore's answer is lost (as a controller killed at that moment, or a hung hypervisor, would lose it), and
 * C's hypervisor answers no restore after that. Returns once the cascade has given up.
 */
async function cascadeWithUnrecordedRestore(harm: (world: FakeWorld) => void): Promise<Harness> {
  const started = await harness({
    blades: [
      { id: 'B', resources: { storageTB: 500 } },
      { id: 'C', resources: { storageTB: 300 }, power: 'off' },
    ],
    workloads: [{ id: 'W1', requirements: { storageTB: 200 }, blade: 'B' }],
    prepare: (world, ports) => {
      world.setMigratable('B', 'C', false);
      const restore = ports.workloads.restore.bind(ports.workloads);
      let harmed = false;
      ports.workloads.restore = async (workload, blade, checkpoint) => {
        if (blade === 'C' && harmed) throw new Error('connection reset');
        await restore(workload, blade, checkpoint);
        if (blade === 'C') {
          harmed = true;
          harm(world);
          throw new Error('connection reset');
        }
      };
    },
  });
  h = started;
  await eventually(
    async () => (await started.store.transfers()).some((t) => t.kind === 'cascade' && t.status === 'aborted'),
    10_000,
    'the cascade to give up',
  );
  return started;
}
