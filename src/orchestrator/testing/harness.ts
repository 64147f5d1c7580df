// A controller on fakes and an in-memory SQLite store, with timings short enough for tests.
import { fakePorts, FakeWorld, type FakeBladeSpec, type FakePorts, type FakeWorkloadSpec } from '../../adapters/fake/index.js';
import { policyWith, type Policy } from '../../core/model.js';
import { systemClock } from '../../ports/clock.js';
import type { AuditEvent, Store } from '../../ports/store.js';
import { SqliteStore } from '../../store/sqlite/sqlite-store.js';
import { Controller, type LogEntry } from '../controller.js';
import type { RetryTiming } from '../deadline.js';

export const TEST_TIMING: RetryTiming = { callMs: 200, stepMs: 1_000, backoffMs: 10, maxBackoffMs: 50, pollMs: 5 };

export interface Harness {
  readonly world: FakeWorld;
  readonly store: Store;
  readonly controller: Controller;
  readonly logs: LogEntry[];
  /** Waits until the controller has nothing to do and no transfer is open. */
  settle(timeoutMs?: number): Promise<void>;
  events(): Promise<AuditEvent[]>;
  stop(): Promise<void>;
}

export async function harness(spec: {
  blades: FakeBladeSpec[];
  workloads?: (FakeWorkloadSpec & { priority?: number })[];
  policy?: Partial<Policy>;
  timing?: RetryTiming;
  worldOptions?: { powerDelayMs?: number; tickMs?: number };
  /** How often every blade is polled; default 20 ms. */
  pollMs?: number;
  /** Runs before the controller starts: world settings, and faults wrapped around the fake ports' methods. */
  prepare?: (world: FakeWorld, ports: FakePorts) => void;
}): Promise<Harness> {
  const world = new FakeWorld({ unreachableDelayMs: 5, powerDelayMs: spec.worldOptions?.powerDelayMs ?? 5, tickMs: spec.worldOptions?.tickMs ?? 1, blades: spec.blades, workloads: spec.workloads ?? [] });
  const ports = fakePorts(world);
  spec.prepare?.(world, ports);
  const store = SqliteStore.open(':memory:');
  const logs: LogEntry[] = [];
  const controller = await Controller.start({
    store,
    ...ports,
    clock: systemClock,
    timing: spec.timing ?? TEST_TIMING,
    policy: policyWith({ cooldownSeconds: 0, ...spec.policy }),
    log: (e) => logs.push(e),
    pollMs: spec.pollMs ?? 20,
  });
  await controller.discover();
  for (const w of spec.workloads ?? []) if (w.blade) await controller.adopt({ id: w.id, blade: w.blade, ...(w.priority === undefined ? {} : { priority: w.priority }) });
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
          // One more quiet period: a plan may be about to start something.
          await new Promise((r) => setTimeout(r, 30));
          await controller.idle();
          if ((await store.transfers({ open: true })).length === 0) return;
        }
        if (Date.now() > until) throw new Error(`not settled: ${open.map((t) => `${t.id} ${t.status} ${t.reason ?? ''}`).join('; ')}`);
        await new Promise((r) => setTimeout(r, 10));
      }
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
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
