// The fake world's plain-data state and history entries: everything here is JSON, so a restarted process reloads it.
import type { BladeLocation, Resources } from '../../core/model.js';
import type { Health, PowerState } from '../../ports/hardware.js';
import type { UtilizationSample } from '../../ports/workloads.js';

/** What a blade's management controller reports; `unreachable` is a property of the link, kept apart. */
export type BladeHealth = Exclude<Health, 'unreachable'>;

/** How a blade's controller answers: normally, with an error after a delay, or never. */
export type Reachability = 'yes' | 'reject' | 'hang';

export interface BladeRecord {
  readonly id: string;
  readonly resources: Resources;
  readonly location: BladeLocation | null;
  /** The power it really has now. */
  power: PowerState;
  /** A requested change not yet in effect (Redfish accepts at once and changes later). */
  pendingPower: { readonly power: PowerState; readonly effectiveAt: number } | null;
  health: BladeHealth;
  reachable: Reachability;
  /** Power-on requests are accepted but never take effect (a broken PSU, a stuck BMC). */
  refusePowerOn: boolean;
  powerDelayMs: number;
  /** Its PDU outlet is switched off (a fence): it stays off whatever its BMC is asked; absent means on. */
  outletOff?: boolean;
}

/**
 * Where a workload executes. Running: its sequence is `base` plus one per `tickMs` since `since`, computed
 * from the clock, so it keeps advancing across process restarts. Stopped: frozen at `sequence`; `stateKept`
 * says whether its memory state survives on that blade (after a capture) or was lost (power off, failure).
 */
export type Execution =
  | { readonly state: 'running'; readonly blade: string; readonly since: number; readonly base: number }
  | {
      readonly state: 'stopped';
      readonly blade: string | null;
      readonly sequence: number;
      readonly stateKept: boolean;
    };

export interface WorkloadRecord {
  readonly id: string;
  readonly requirements: Resources;
  /** What declared() reports; null: the driver has no metadata for it. */
  readonly source: 'declared' | 'vm-metadata' | null;
  samples: UtilizationSample[];
  execution: Execution;
}

/** A checkpoint the world knows, so restore can refuse a forged or foreign one. */
export interface CheckpointRecord {
  readonly id: string;
  readonly workload: string;
  readonly blade: string;
  readonly sequence: number;
  readonly at: number;
}

export type StopReason = 'captured' | 'power-off' | 'blade-failed' | 'blade-removed' | 'storage-revoked';
export type StartHow = 'initial' | 'restore' | 'resume';

/** Why the world refused a driver call; also the `code` of the DriverError the fakes reject with. */
export type RefusalCode =
  | 'unreachable'
  | 'unknown-blade'
  | 'unknown-workload'
  | 'not-running-here'
  | 'running-elsewhere'
  | 'already-running'
  | 'powered-off'
  | 'blade-busy'
  | 'state-lost'
  | 'bad-checkpoint'
  | 'migration-unsupported';

/** One thing that happened, at `at` ms of the world's clock. The history only grows. */
export type HistoryEntry =
  | {
      readonly at: number;
      readonly kind: 'blade-added';
      readonly blade: string;
      readonly resources: Resources;
      readonly power: PowerState;
      readonly health: BladeHealth;
    }
  | { readonly at: number; readonly kind: 'blade-removed'; readonly blade: string }
  | { readonly at: number; readonly kind: 'power-requested'; readonly blade: string; readonly power: PowerState }
  | { readonly at: number; readonly kind: 'power-effective'; readonly blade: string; readonly power: PowerState }
  | { readonly at: number; readonly kind: 'health'; readonly blade: string; readonly health: BladeHealth }
  | { readonly at: number; readonly kind: 'reachable'; readonly blade: string; readonly reachable: Reachability }
  | {
      readonly at: number;
      readonly kind: 'fault';
      readonly blade: string;
      readonly fault: 'fail' | 'refuse-power-on' | 'repair' | 'power-loss' | 'restart' | 'workload-crash';
    }
  | { readonly at: number; readonly kind: 'workload-added'; readonly workload: string }
  | {
      readonly at: number;
      readonly kind: 'started';
      readonly workload: string;
      readonly blade: string;
      readonly sequence: number;
      readonly how: StartHow;
      readonly checkpoint: string | null;
    }
  | {
      readonly at: number;
      readonly kind: 'stopped';
      readonly workload: string;
      readonly blade: string;
      readonly sequence: number;
      readonly why: StopReason;
      readonly stateKept: boolean;
    }
  | {
      readonly at: number;
      readonly kind: 'checkpoint';
      readonly workload: string;
      readonly blade: string;
      readonly sequence: number;
      readonly checkpoint: string;
      readonly by: 'capture' | 'snapshot';
    }
  | {
      readonly at: number;
      readonly kind: 'migrated';
      readonly workload: string;
      readonly from: string;
      readonly to: string;
      readonly sequence: number;
    }
  | {
      readonly at: number;
      readonly kind: 'attached';
      readonly workload: string;
      readonly blade: string;
      readonly previous: string | null;
    }
  | { readonly at: number; readonly kind: 'detached'; readonly workload: string; readonly blade: string }
  | { readonly at: number; readonly kind: 'outlet'; readonly blade: string; readonly power: PowerState }
  | {
      readonly at: number;
      readonly kind: 'refused';
      readonly op: string;
      readonly blade: string | null;
      readonly workload: string | null;
      readonly reason: RefusalCode;
    };

export type HistoryKind = HistoryEntry['kind'];

export interface FakeBladeSpec {
  readonly id: string;
  readonly resources: Resources;
  readonly location?: BladeLocation;
  /** Default 'on'. */
  readonly power?: PowerState;
  readonly health?: BladeHealth;
  /** How long a power change takes to show in status; default the world's. */
  readonly powerDelayMs?: number;
}

export interface FakeWorkloadSpec {
  readonly id: string;
  readonly requirements: Resources;
  /** What declared() reports; null: no metadata. Default 'declared'. */
  readonly source?: 'declared' | 'vm-metadata' | null;
  readonly samples?: readonly UtilizationSample[];
  /** Runs there from the start (the blade must be on and free); omitted: stopped nowhere, waiting to be placed. */
  readonly blade?: string;
  /** Its sequence at the start; default 0. */
  readonly sequence?: number;
  /** Map its storage to `blade` too; default true when `blade` is given. */
  readonly attached?: boolean;
}

export interface WorldState {
  readonly version: 1;
  readonly tickMs: number;
  readonly unreachableDelayMs: number;
  /** For blades added without their own delay. */
  readonly powerDelayMs: number;
  readonly blades: Record<string, BladeRecord>;
  readonly workloads: Record<string, WorkloadRecord>;
  /** workload -> blade its boot storage and identity are mapped to. */
  readonly attachments: Record<string, string>;
  /** "from->to" -> explicit answer; absent pairs follow the cpuArch rule. */
  readonly migration: Record<string, boolean>;
  readonly checkpoints: Record<string, CheckpointRecord>;
  nextCheckpoint: number;
  readonly history: HistoryEntry[];
}

export function emptyState(tickMs: number, unreachableDelayMs: number, powerDelayMs: number): WorldState {
  return {
    version: 1,
    tickMs,
    unreachableDelayMs,
    powerDelayMs,
    blades: {},
    workloads: {},
    attachments: {},
    migration: {},
    checkpoints: {},
    nextCheckpoint: 1,
    history: [],
  };
}

/** The sequence an execution has reached at `now`; a clock that went back never makes it go back. */
export function sequenceAt(execution: Execution, now: number, tickMs: number): number {
  if (execution.state === 'stopped') return execution.sequence;
  return execution.base + Math.max(0, Math.floor((now - execution.since) / tickMs));
}

/** Light check of a file we wrote ourselves: enough to fail clearly on a wrong or truncated file. */
export function asWorldState(value: unknown, file: string): WorldState {
  const v = value as Partial<WorldState> | null;
  const ok =
    typeof v === 'object' &&
    v !== null &&
    v.version === 1 &&
    typeof v.tickMs === 'number' &&
    typeof v.unreachableDelayMs === 'number' &&
    typeof v.powerDelayMs === 'number' &&
    typeof v.blades === 'object' &&
    typeof v.workloads === 'object' &&
    typeof v.attachments === 'object' &&
    typeof v.migration === 'object' &&
    typeof v.checkpoints === 'object' &&
    typeof v.nextCheckpoint === 'number' &&
    Array.isArray(v.history);
  if (!ok) throw new Error(`${file}: not a fake world file (version 1)`);
  return v as WorldState;
}
