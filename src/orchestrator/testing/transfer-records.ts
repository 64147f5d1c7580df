// Transfer records as the executor writes them, for tests of the transfer machine: steps given as rows.
import type { StepRecord, TransferRecord } from '../../ports/store.js';
import type { StepName } from '../transfer-machine.js';

const fit = { deficit: 0, surplus: 0, cost: 0, feasible: true, mismatches: [] };

/** A step: its name, status, and the error (failed) or output (succeeded) it recorded. */
export type Row = [StepName, StepRecord['status'], string?];

export function transfer(
  kind: TransferRecord['kind'],
  rows: Row[],
  extra: Partial<TransferRecord> = {},
): TransferRecord {
  return {
    id: 't1',
    kind,
    workload: 'W1',
    from: kind === 'place' ? null : 'A',
    to: 'B',
    before: kind === 'place' ? null : fit,
    after: fit,
    status: 'running',
    reason: null,
    drain: false,
    steps: rows.map(([name, status, detail], i) => ({
      name,
      status,
      attempt: 1,
      startedAt: i,
      endedAt: status === 'started' ? null : i,
      error: status === 'failed' ? (detail ?? 'boom') : null,
      output: status === 'succeeded' ? (detail ?? null) : null,
    })),
    createdAt: 0,
    updatedAt: 0,
    ...extra,
  };
}

/** Every step started then succeeded, as the executor writes them. */
export const ran = (...names: StepName[]): Row[] =>
  names.flatMap((n): Row[] => [
    [n, 'started'],
    [n, 'succeeded'],
  ]);
export const failed = (name: StepName, error = 'boom'): Row[] => [
  [name, 'started'],
  [name, 'failed', error],
];
