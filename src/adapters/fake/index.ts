// The fake adapters in one import, and the one-line wiring of all three ports onto one world.
import { FakeHardware } from './fake-hardware.js';
import { FakeStorage } from './fake-storage.js';
import { FakeWorkloads } from './fake-workloads.js';
import type { FakeWorld } from './world.js';

export { DriverError } from './driver-error.js';
export { FakeHardware } from './fake-hardware.js';
export { FakePdu, FakeSan, type FakeFenceMode } from './fake-fencing.js';
export { FakeStorage } from './fake-storage.js';
export { FakeWorkloads } from './fake-workloads.js';
export { ManualClock } from './manual-clock.js';
export { FakeWorld, type FakeBladeView, type FakeWorkloadView, type FakeWorldOptions } from './world.js';
export type {
  BladeHealth,
  FakeBladeSpec,
  FakeWorkloadSpec,
  HistoryEntry,
  HistoryKind,
  RefusalCode,
} from './world-state.js';
export {
  fenceViolations,
  historyViolations,
  runsOf,
  sequenceGaps,
  twoBladeViolations,
  type Run,
  type Violation,
} from './history-checks.js';

export interface FakePorts {
  readonly hardware: FakeHardware;
  readonly workloads: FakeWorkloads;
  readonly storage: FakeStorage;
}

export function fakePorts(world: FakeWorld): FakePorts {
  return { hardware: new FakeHardware(world), workloads: new FakeWorkloads(world), storage: new FakeStorage(world) };
}
