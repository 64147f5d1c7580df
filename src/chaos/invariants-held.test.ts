// The cascades-left check and workloads held after a workload fault: a submitted workload the hypervisor does not know
// (its existence check timed out, its placement then failed "unknown") waits for an operator, not for a standby.
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../core/model.js';
import { WORKLOAD_FAULT_PREFIX } from '../orchestrator/fault-class.js';
import type { BladeRecord, WorkloadRecord } from '../ports/store.js';
import { cascadesLeft } from './invariants.js';

const blade = (id: string, state: BladeRecord['state']): BladeRecord => ({
  id,
  resources: { memoryGiB: 64 },
  state,
  power: 'on',
  health: 'ok',
  endpoint: 'e',
});
const pending = (id: string, pendingReason: string): WorkloadRecord => ({
  id,
  requirements: { memoryGiB: 32 },
  source: 'declared',
  priority: 0,
  blade: null,
  state: 'pending',
  movedAt: null,
  pendingReason,
});

describe('cascadesLeft with held workloads', () => {
  const blades = [blade('B', 'standby')];
  it('leaves a workload held after a workload fault alone, though a standby blade fits it', () => {
    const held = pending('ghost6', `${WORKLOAD_FAULT_PREFIX}attach: workload ghost6: unknown`);
    expect(cascadesLeft({ blades, workloads: [held], policy: DEFAULT_POLICY })).toEqual([]);
  });
  it('still flags a workload pending for any other reason while a standby blade fits it', () => {
    const waiting = pending('ghost6', 'the standby pool is empty');
    expect(cascadesLeft({ blades, workloads: [waiting], policy: DEFAULT_POLICY }).map((v) => v.message)).toEqual([
      'ghost6 is pending while standby blade B could take it',
    ]);
  });
});
