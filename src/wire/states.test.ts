// The wire's state lists are the ones the API validates and the core models: equal lists, and types equal both ways.
import { describe, expect, it } from 'vitest';
import type { ProposalStatus as CoreProposalStatus } from '../core/approval-round.js';
import type { LossReason as CoreLossReason } from '../core/decision.js';
import type { BladeState as CoreBladeState, WorkloadState as CoreWorkloadState } from '../core/model.js';
import {
  bladeStates,
  placement,
  healths,
  proposalStatuses,
  roles,
  stepView,
  transferKinds,
  transferStatuses,
  workloadStates,
} from '../api/schemas.js';
import { STEP_SEQUENCES, type TransferKind } from './steps.js';
import {
  BLADE_STATES,
  HEALTHS,
  LOSS_REASONS,
  PROPOSAL_STATUSES,
  ROLES,
  STEP_STATUSES,
  TRANSFER_STATUSES,
  WORKLOAD_STATES,
  type BladeState,
  type LossReason,
  type ProposalStatus,
  type WorkloadState,
} from './states.js';

/** True only when A and B are the same type; a drift on either side makes an assignment below fail to compile. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameBlade: Same<BladeState, CoreBladeState> = true;
const sameWorkload: Same<WorkloadState, CoreWorkloadState> = true;
const sameProposal: Same<ProposalStatus, CoreProposalStatus> = true;
const sameLoss: Same<LossReason, CoreLossReason> = true;

describe('wire states', () => {
  it('match the core model', () => {
    expect([sameBlade, sameWorkload, sameProposal, sameLoss]).toEqual([true, true, true, true]);
  });

  it('match the lists the API validates against', () => {
    expect(BLADE_STATES).toEqual(bladeStates);
    expect(HEALTHS).toEqual(healths);
    expect(WORKLOAD_STATES).toEqual(workloadStates);
    expect(TRANSFER_STATUSES).toEqual(transferStatuses);
    expect(PROPOSAL_STATUSES).toEqual(proposalStatuses);
    expect(ROLES).toEqual(roles);
    expect(Object.keys(STEP_SEQUENCES).sort()).toEqual([...transferKinds].sort());
    expect(stepView.shape.status.options).toEqual([...STEP_STATUSES]);
    expect(placement.shape.runnersUp.element.shape.lost.options).toEqual([...LOSS_REASONS]);
    const kinds: readonly TransferKind[] = transferKinds;
    expect(kinds.length).toBe(3);
  });
});
