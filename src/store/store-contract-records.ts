// Records the store contract writes and reads back: every field filled in awkward ways (unicode, nulls, mixed maps).
import type { Fit } from '../core/fit.js';
import type { TransferKind } from '../core/decision.js';
import type {
  BladeRecord,
  CheckpointMeta,
  NewAuditEvent,
  StepRecord,
  TransferRecord,
  WorkloadRecord,
} from '../ports/store.js';
import type { StepName } from '../wire/steps.js';

export const T0 = 1_700_000_000_000;

export const UNICODE_IDS = ['刀片-Ω', 'blade 🔥 7', 'üb\u00e9r', 'a"b\'c;--'] as const;

export function fitShort(): Fit {
  return {
    deficit: 0.5,
    surplus: 0.125,
    cost: 500_000.125,
    feasible: true,
    mismatches: [{ key: 'storageTB', kind: 'quantity', required: 200, offered: 100 }],
  };
}

export function fitInfeasible(): Fit {
  return {
    deficit: 1,
    surplus: 0,
    cost: 1_000_000,
    feasible: false,
    mismatches: [
      { key: 'cpuArch', kind: 'attribute', required: 'ppc64le', offered: 'x86_64' },
      { key: 'gpuCount', kind: 'quantity', required: 1, offered: null },
    ],
  };
}

export function fitExact(): Fit {
  return { deficit: 0, surplus: 0, cost: 0, feasible: true, mismatches: [] };
}

export function blade(id: string, overrides: Partial<BladeRecord> = {}): BladeRecord {
  return {
    id,
    resources: { memoryGiB: 256, cpuCount: 2, storageTB: 0.5, cpuArch: 'ppc64le', cpuModel: 'POWER9', zero: 0 },
    state: 'standby',
    location: { chassis: 'chassis-1', slot: 3, label: 'Bay 3' },
    name: 'db-node-3',
    power: 'off',
    health: 'ok',
    endpoint: 'redfish:https://10.0.0.5',
    ...overrides,
  };
}

/** A blade with no location: the record must come back without the key, not with `undefined`. */
export function unplacedBlade(id: string): BladeRecord {
  return {
    id,
    resources: { storageTB: 200 },
    state: 'failed',
    power: 'unknown',
    health: 'unreachable',
    endpoint: 'emulator',
  };
}

export function workload(id: string, overrides: Partial<WorkloadRecord> = {}): WorkloadRecord {
  return {
    id,
    requirements: { storageTB: 200, cpuArch: 'ppc64le', memoryGiB: 64.5 },
    source: 'declared',
    priority: 10,
    blade: 'A',
    state: 'running',
    movedAt: T0 + 5,
    pendingReason: null,
    ...overrides,
  };
}

export function step(name: StepName, overrides: Partial<StepRecord> = {}): StepRecord {
  return {
    name,
    status: 'succeeded',
    attempt: 1,
    startedAt: T0 + 1,
    endedAt: T0 + 2,
    error: null,
    output: null,
    ...overrides,
  };
}

/** A failover halfway: a retried fence, an attach still running, outputs and errors as text. */
export function failoverSteps(): StepRecord[] {
  return [
    step('capture', { output: JSON.stringify({ checkpoint: 7, note: 'état' }) }),
    step('fence', { status: 'failed', error: 'BMC timed out', attempt: 1, startedAt: T0 + 3, endedAt: T0 + 4 }),
    step('fence', { attempt: 2, startedAt: T0 + 5, endedAt: T0 + 6 }),
    step('attach', { status: 'started', startedAt: T0 + 7, endedAt: null }),
  ];
}

export function transfer(id: string, overrides: Partial<TransferRecord> = {}): TransferRecord {
  return {
    id,
    kind: 'failover',
    workload: 'W1',
    from: 'A',
    to: 'B',
    before: fitInfeasible(),
    after: fitShort(),
    status: 'running',
    reason: null,
    drain: false,
    steps: failoverSteps(),
    createdAt: T0,
    updatedAt: T0 + 7,
    ...overrides,
  };
}

/** A transfer no engine may store: its kind breaks the CHECK constraint on `kind`. */
export function invalidTransfer(id: string): TransferRecord {
  return transfer(id, { kind: 'teleport' as TransferKind });
}

export function checkpoint(workload: string, sequence: number, takenAt: number, blade = 'A'): CheckpointMeta {
  return { workload, blade, sequence, data: `state ${sequence} @ ${takenAt}`, takenAt };
}

export function event(n: number, subject = 'W1'): NewAuditEvent {
  return {
    at: T0 + n,
    actor: 'controller',
    type: 'transfer.step.started',
    subject,
    data: { n, step: 'fence', nested: { list: [1, 'two', null, true], clé: 'värde 🔥' }, none: null },
  };
}
