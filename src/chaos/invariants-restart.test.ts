// The audit rule and restarts in place: a workload found down on its blade may start there again with no transfer.
import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../adapters/fake/index.js';
import type { AuditEvent } from '../ports/store.js';
import { auditViolations } from './invariants-audit.js';

const started = (w: string, b: string, at: number, how: 'initial' | 'restore' = 'restore'): HistoryEntry => ({
  at,
  kind: 'started',
  workload: w,
  blade: b,
  sequence: 0,
  how,
  checkpoint: null,
});
const down = (w: string, blade: string, at: number, action: string): AuditEvent => ({
  seq: at,
  at,
  actor: 'controller',
  type: 'workload.down',
  subject: w,
  data: { blade, action, reason: 'no heartbeat' },
});

describe('audit rule with restarts in place', () => {
  it('accepts a start on the same blade after a workload.down that restarts it there', () => {
    const h = [started('W1', 'A', 0, 'initial'), started('W1', 'A', 9)];
    expect(auditViolations(h, [], [down('W1', 'A', 5, 'restart')])).toEqual([]);
  });
  it('still catches a start elsewhere, before the event, or after a decision to move', () => {
    const h = [started('W1', 'A', 0, 'initial'), started('W1', 'B', 9)];
    expect(auditViolations(h, [], [down('W1', 'A', 5, 'restart')])).toHaveLength(1);
    const early = [started('W1', 'A', 0, 'initial'), started('W1', 'A', 3)];
    expect(auditViolations(early, [], [down('W1', 'A', 5, 'restart')])).toHaveLength(1);
    const moved = [started('W1', 'A', 0, 'initial'), started('W1', 'A', 9)];
    expect(auditViolations(moved, [], [down('W1', 'A', 5, 'move')])).toHaveLength(1);
  });
});
