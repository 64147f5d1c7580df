// A controller on fakes and an in-memory SQLite store, with timings short enough for tests.
import {
  fakePorts,
  FakeWorld,
  type FakeBladeSpec,
  type FakePorts,
  type FakeWorkloadSpec,
} from '../../adapters/fake/index.js';
import { policyWith, type Policy } from '../../core/model.js';
import type { DetectionSettings } from '../../core/verdict.js';
import { systemClock } from '../../ports/clock.js';
import type { AuditEvent, Store } from '../../ports/store.js';
import { SqliteStore } from '../../store/sqlite/sqlite-store.js';
import { Controller, type LogEntry } from '../controller.js';
import type { RetryTiming } from '../deadline.js';
import type { FencingTopology } from '../fence-levels.js';

export const TEST_TIMING: RetryTiming = { callMs: 200, stepMs: 1_000, backoffMs: 10, maxBackoffMs: 50, pollMs: 5 };
/** Detection scaled to the 20 ms poll: a suspect blade whose workload is silent too fails after about 3 polls. */
export const TEST_DETECTION: DetectionSettings = { failAfterMs: 50, suspectAlarmMs: 100, consecutive: 2 };

export interface Harness {
  readonly world: FakeWorld;
  readonly store: Store;
  readonly controller: Controller;
  readonly logs: LogEntry[];
  /**
   * Waits until the controller has nothing to do and no transfer is open, and then a whole poll round (every blade
   * read again) changed nothing: a blade's change that no event announced cannot slip past it.
   */
  settle(timeoutMs?: number): Promise<void>;
  /** How many times the work-queue key ('plan', 'blade:*' for a poll of every blade, 'blade:B') has synced so far. */
  rounds(key: string): number;
  /**
   * Waits for the key to sync once more after this call (a plan round, a poll of every blade), then for the work that
   * round queued: afterwards "nothing happened" means the controller looked and did nothing.
   */
  nextRound(key: string, timeoutMs?: number): Promise<void>;
  /**
   * Makes the controller plan now (the stored policy set again, unchanged) and waits for that round to have committed
   * what it decided; not for the transfers it started, which may still be running.
   */
  planRound(timeoutMs?: number): Promise<void>;
  events(): Promise<AuditEvent[]>;
  stop(): Promise<void>;
}

export async function harness(spec: {
  blades: FakeBladeSpec[];
  workloads?: (FakeWorkloadSpec & { priority?: number })[];
  policy?: Partial<Policy>;
  timing?: RetryTiming;
  detection?: DetectionSettings;
  worldOptions?: { powerDelayMs?: number; tickMs?: number };
  /** How often every blade is polled; default 20 ms. */
  pollMs?: number;
  /** Runs before the controller starts: world settings, and faults wrapped around the fake ports' methods. */
  prepare?: (world: FakeWorld, ports: FakePorts) => void;
  /** The blades' fencing levels, built over the world; default each blade's own BMC. */
  fencing?: (world: FakeWorld, ports: FakePorts) => FencingTopology;
}): Promise<Harness> {
  const world = new FakeWorld({
    unreachableDelayMs: 5,
    powerDelayMs: spec.worldOptions?.powerDelayMs ?? 5,
    tickMs: spec.worldOptions?.tickMs ?? 1,
    blades: spec.blades,
    workloads: spec.workloads ?? [],
  });
  const ports = fakePorts(world);
  spec.prepare?.(world, ports);
  const store = SqliteStore.open(':memory:');
  const logs: LogEntry[] = [];
  const synced = new Map<string, number>();
  const pollMs = spec.pollMs ?? 20;
  const controller = await Controller.start({
    store,
    ...ports,
    ...(spec.fencing ? { fencing: spec.fencing(world, ports) } : {}),
    clock: systemClock,
    timing: spec.timing ?? TEST_TIMING,
    detection: spec.detection ?? TEST_DETECTION,
    policy: policyWith({ cooldownSeconds: 0, ...spec.policy }),
    log: (e) => logs.push(e),
    pollMs,
    onSynced: (key) => synced.set(key, (synced.get(key) ?? 0) + 1),
  });
  await controller.discover();
  for (const w of spec.workloads ?? [])
    if (w.blade)
      await controller.adopt({
        id: w.id,
        blade: w.blade,
        ...(w.priority === undefined ? {} : { priority: w.priority }),
      });
  const h: Harness = {
    world,
    store,
    controller,
    logs,
    async settle(timeoutMs = 5_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        await controller.idle();
        const open = await store.transfers({ open: true });
        if (open.length === 0) {
          // One more poll round, and the plans it queued: a change it finds may be about to start something.
          if (pollMs > 0) await h.nextRound('blade:*', Math.max(0, until - Date.now()));
          else await controller.idle();
          if ((await store.transfers({ open: true })).length === 0) return;
        }
        if (Date.now() > until)
          throw new Error(`not settled: ${open.map((t) => `${t.id} ${t.status} ${t.reason ?? ''}`).join('; ')}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    rounds: (key) => synced.get(key) ?? 0,
    async nextRound(key, timeoutMs = 5_000) {
      const seen = synced.get(key) ?? 0;
      await eventually(() => (synced.get(key) ?? 0) > seen, timeoutMs, `a ${key} round`);
      await controller.idle();
    },
    async planRound(timeoutMs = 5_000) {
      const seen = synced.get('plan') ?? 0;
      await controller.setPolicy(controller.currentPolicy(), 'test');
      await eventually(() => (synced.get('plan') ?? 0) > seen, timeoutMs, 'a plan round');
    },
    events: () => store.events(0, 100_000),
    async stop() {
      await controller.stop();
      await store.close();
    },
  };
  return h;
}

/** Waits until `check` holds, polling; for conditions the controller reaches asynchronously. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
