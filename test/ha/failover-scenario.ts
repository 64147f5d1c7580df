// The HA tests' scenario: a shared world, a leader and a standby process, blade A failing under W1,
// and the checks that the failover ended well whoever finished it.
import { expect } from 'vitest';
import {
  fenceViolations,
  FakeWorld,
  sequenceGaps,
  twoBladeViolations,
  type HistoryEntry,
} from '../../src/adapters/fake/index.js';
import { openStore } from '../../src/store/open-store.js';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { ControllerProcess, type Line } from './controller-process.js';

/** Lease TTL of the children: short for a test; production defaults to 15 s (see docs/architecture.md). */
export const TTL_MS = 1_500;

// The shared world: the emulated data center runs here, in the test process, and both controller
// children drive it as they would real hardware: Redfish for blades, the emulator's API for workloads and SAN.
async function sharedWorld(): Promise<{ world: FakeWorld; emulator: Emulator }> {
  const world = new FakeWorld({
    tickMs: 5,
    blades: [
      { id: 'A', resources: { memoryGiB: 64 } },
      { id: 'B', resources: { memoryGiB: 64 }, power: 'off', powerDelayMs: 150 },
    ],
    workloads: [{ id: 'W1', requirements: { memoryGiB: 64 }, blade: 'A' }],
  });
  return { world, emulator: await startEmulator({ world }) };
}

export interface FailingOver {
  readonly world: FakeWorld;
  readonly emulator: Emulator;
  /** c1: led first, adopted W1, took a checkpoint, and is failing W1 over from A to B. */
  readonly leader: ControllerProcess;
  /** c2: started after c1 led, standing by. */
  readonly standby: ControllerProcess;
  cleanup(): Promise<void>;
}

/** The step-started log line of the failover. */
export const isStep = (step: string) => (l: Line) => l.msg === `step ${step} started` && l.kind === 'failover';

/** Starts c1 (leader) and c2 (standby) on `db`, then fails blade A; `onLeaderLine` sees each of c1's lines. */
export async function failingOver(
  db: string,
  onLeaderLine: (line: Line, leader: ControllerProcess) => void,
): Promise<FailingOver> {
  const { world, emulator } = await sharedWorld();
  const args = { db, emulator, ttlMs: TTL_MS, adopt: [{ id: 'W1', blade: 'A' }] };
  const leader = new ControllerProcess('c1', args, onLeaderLine);
  const children = [leader];
  const cleanup = async (): Promise<void> => {
    await Promise.all(children.map((c) => c.shutdown()));
    await emulator.close();
  };
  try {
    await leader.waitFor((l) => l.msg === 'ready', 'c1 to lead and adopt W1');
    const standby = new ControllerProcess('c2', args);
    children.push(standby);
    await standby.waitFor((l) => l.msg === 'started', 'c2 to start');
    expect(standby.lines.some((l) => l.msg === 'leading')).toBe(false);
    await leader.waitFor((l) => l.msg === 'quiet', 'c1 quiet before the fault');
    leader.send('checkpoint W1');
    await leader.waitFor((l) => l.msg === 'checkpointed', 'the checkpoint of W1');
    world.failBlade('A');
    return { world, emulator, leader, standby, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** W1 runs on B alone, nothing broke an invariant, the store agrees, and c2 holds the second epoch. */
export async function expectFinishedOnB(db: string, world: FakeWorld, interruptedStep: string): Promise<void> {
  expect(world.runningOn('W1')).toStrictEqual(['B']);
  const history = world.history();
  expect(twoBladeViolations(history)).toStrictEqual([]);
  expect(fenceViolations(history)).toStrictEqual([]);
  expectNoGapBeyondLastCheckpoint(history);
  const store = openStore(db);
  try {
    expect(await store.workload('W1')).toMatchObject({ blade: 'B', state: 'running' });
    const transfers = await store.transfers();
    expect(transfers.every((t) => t.status === 'done' || t.status === 'aborted')).toBe(true);
    const done = transfers.filter((t) => t.status === 'done');
    expect(done.map((t) => [t.kind, t.to])).toStrictEqual([['failover', 'B']]);
    // The step the first leader was in ran again under the second.
    expect(
      done[0]!.steps.filter((s) => s.name === interruptedStep && s.status === 'started').length,
    ).toBeGreaterThanOrEqual(2);
    expect(await store.lease('controller')).toMatchObject({ holder: 'c2', epoch: 2 });
  } finally {
    await store.close();
  }
}

/** A failover may go back to the last checkpoint (the dead blade's memory is gone), never further. */
function expectNoGapBeyondLastCheckpoint(history: readonly HistoryEntry[]): void {
  for (const gap of sequenceGaps(history)) {
    const checkpoints = history.filter((e) => e.kind === 'checkpoint' && e.workload === 'W1' && e.at <= gap.at);
    const last = checkpoints.at(-1);
    expect(last, gap.message).toBeDefined();
    expect(gap.message).toContain(`from sequence ${(last as { sequence: number }).sequence}`);
  }
}
