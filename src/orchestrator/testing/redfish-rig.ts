// A controller driving the emulator through the real Redfish driver, for the tests of what it decides on what a BMC
// says (detection, targets, workload monitoring): one world, its emulator, the driver, an in-memory store.
import { EmulatedStorage, EmulatedWorkloads } from '../../adapters/emulated/index.js';
import { FakeWorld, type FakeBladeSpec, type FakeWorkloadSpec } from '../../adapters/fake/index.js';
import { RedfishHardware } from '../../adapters/redfish/redfish-hardware.js';
import { policyWith } from '../../core/model.js';
import type { DetectionSettings } from '../../core/verdict.js';
import { startEmulator, type Emulator } from '../../emulator/server.js';
import { eventually } from '../../ports/contract-support.js';
import { systemClock } from '../../ports/clock.js';
import type { AuditEvent } from '../../ports/store.js';
import { SqliteStore } from '../../store/sqlite/sqlite-store.js';
import { Controller } from '../controller.js';
import type { RetryTiming } from '../deadline.js';
import { TEST_TIMING } from './harness.js';

/** Scaled down: a failure window of 100 ms, so an outage of fifteen windows lasts 1.5 s. */
export const RIG_DETECTION: DetectionSettings = { failAfterMs: 100, suspectAlarmMs: 300, consecutive: 2 };

export interface RedfishRig {
  readonly emulator: Emulator;
  readonly world: FakeWorld;
  readonly store: SqliteStore;
  readonly controller: Controller;
  readonly driver: RedfishHardware;
  events(): Promise<AuditEvent[]>;
  stop(): Promise<void>;
}

export interface RigOptions {
  readonly powerDelayMs?: number;
  readonly detection?: DetectionSettings;
  /** Each call's deadline above the driver's timeout by default: a slow reply under load is not a lost path. */
  readonly timing?: RetryTiming;
  /** How the start waits: for the controller's queue to go idle, or for every blade to have been observed healthy. */
  readonly settle?: 'idle' | 'observed';
}

export async function startRedfishRig(
  blades: FakeBladeSpec[],
  workloads: FakeWorkloadSpec[],
  o: RigOptions = {},
): Promise<RedfishRig> {
  const world = new FakeWorld({ powerDelayMs: o.powerDelayMs ?? 5, unreachableDelayMs: 5, blades, workloads });
  const emulator = await startEmulator({ world, credentials: { username: 'admin', password: 'secret-d' } });
  const driver = new RedfishHardware({
    url: emulator.url,
    username: 'admin',
    password: 'secret-d',
    name: 'enc-a',
    timeoutMs: 800,
    retries: 0,
  });
  const store = SqliteStore.open(':memory:');
  const endpoint = { url: emulator.url, token: emulator.controlToken };
  const controller = await Controller.start({
    store,
    hardware: driver,
    workloads: new EmulatedWorkloads(endpoint),
    storage: new EmulatedStorage(endpoint),
    clock: systemClock,
    timing: o.timing ?? { ...TEST_TIMING, callMs: 1_000 },
    detection: o.detection ?? RIG_DETECTION,
    policy: policyWith({ cooldownSeconds: 0 }),
    pollMs: 20,
  });
  const running = world.workloadIds().flatMap((id) => {
    const w = world.workload(id);
    return w?.state === 'running' && w.blade !== null ? [{ id, blade: w.blade }] : [];
  });
  await controller.discover('controller', running);
  if (o.settle === 'observed')
    // Every blade observed once (a verdict each), rather than waiting for a queue that a 20 ms poll keeps busy.
    await eventually(
      () => store.blades(),
      (all) => all.length === blades.length && all.every((b) => b.verdict === 'healthy'),
      10_000,
      'every blade observed',
    );
  else await controller.idle();
  return {
    emulator,
    world,
    store,
    controller,
    driver,
    events: () => store.events(0, 10_000),
    async stop() {
      await controller.stop();
      await store.close();
      await driver.close();
      await emulator.close();
    },
  };
}

export const inject = (r: RedfishRig, blade: string, fault: Record<string, unknown>): string =>
  r.emulator.faults.inject(blade, fault as Parameters<Emulator['faults']['inject']>[1]);

/** What the world did to a workload: any stop, capture or move of it. */
export const disturbed = (r: RedfishRig, workload: string) =>
  r.world
    .history()
    .filter((e) => (e.kind === 'stopped' || e.kind === 'migrated') && 'workload' in e && e.workload === workload);

export const alarms = async (r: RedfishRig, type: 'alarm.raised' | 'alarm.cleared', kind: string) =>
  (await r.events()).filter((e) => e.type === type && (e.data as { kind?: string }).kind === kind);

export const verdictOf = async (r: RedfishRig, blade: string) => (await r.store.blade(blade))?.verdict;

/** Two blades running W1 and W2 and one standby, all alike. */
export const TWO_ACTIVE_ONE_STANDBY: readonly [FakeBladeSpec[], FakeWorkloadSpec[]] = [
  [
    { id: 'b1', resources: { memoryGiB: 64 } },
    { id: 'b2', resources: { memoryGiB: 64 } },
    { id: 'b3', resources: { memoryGiB: 64 }, power: 'off' },
  ],
  [
    { id: 'W1', requirements: { memoryGiB: 64 }, blade: 'b1' },
    { id: 'W2', requirements: { memoryGiB: 64 }, blade: 'b2' },
  ],
];
