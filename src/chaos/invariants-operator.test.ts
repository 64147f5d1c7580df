// The operator-mix invariant healthy-failed: a blade failed because of a workload's own fault is flagged, others not.
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../core/model.js';
import type { AuditEvent } from '../ports/store.js';
import { healthyFailed } from './invariants-operator.js';

const failed = (blade: string, reason: string, seq: number): AuditEvent => ({
  seq,
  at: seq,
  actor: 'controller',
  type: 'blade.failed',
  subject: blade,
  data: { reason },
});

const store = (events: AuditEvent[]) => ({ blades: [], workloads: [], transfers: [], events, policy: DEFAULT_POLICY });

describe('no blade failed for a workload’s fault', () => {
  it('flags a target failed because the hypervisor does not know the workload, or cannot use its state', () => {
    const found = healthyFailed(
      store([
        failed('b1', 'attach ghost on b1: workload ghost: unknown', 1),
        failed('b2', 'restore w1 on b2: checkpoint 7 is not a saved state', 2),
        failed('b3', 'start w2 on b3: w2 already runs on b4', 3),
      ]),
    );
    expect(found.map((v) => v.subject)).toEqual(['b1', 'b2', 'b3']);
  });

  it('does not flag a blade whose BMC and whose workload’s own path both went silent, nor an unknown blade', () => {
    const found = healthyFailed(
      store([
        failed(
          'b4',
          'management path: status of b4: no answer within 600 ms; and w4: liveness unknown (liveness of w4: no answer within 600 ms)',
          1,
        ),
        failed('b5', 'power state of b5: unknown blade b5', 2),
        failed('b6', 'Health Critical', 3),
      ]),
    );
    expect(found).toEqual([]);
  });
});
