// The states records show on the wire: blades, workloads, transfers, steps, proposals, runners-up and roles.
//
// The browser code imports these as types; the server's schemas (api/schemas.ts) and the core's model name the same
// lists, and states.test.ts holds them equal.

export const BLADE_STATES = ['active', 'standby', 'failed', 'maintenance'] as const;
export type BladeState = (typeof BLADE_STATES)[number];

export const POWER_STATES = ['on', 'off', 'unknown'] as const;
export type PowerState = (typeof POWER_STATES)[number];

export const HEALTHS = ['ok', 'warning', 'critical', 'unreachable'] as const;
export type Health = (typeof HEALTHS)[number];

export const WORKLOAD_STATES = ['running', 'pending', 'transferring', 'finished'] as const;
export type WorkloadState = (typeof WORKLOAD_STATES)[number];

export const TRANSFER_STATUSES = ['running', 'waiting', 'done', 'aborted'] as const;
export type TransferStatus = (typeof TRANSFER_STATUSES)[number];

export const STEP_STATUSES = ['started', 'succeeded', 'failed'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export const PROPOSAL_STATUSES = ['proposed', 'approved', 'rejected', 'started', 'expired'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

/** Why a runner-up blade was not chosen. */
export const LOSS_REASONS = ['infeasible', 'worse-fit', 'tie-break', 'taken', 'not-worthwhile'] as const;
export type LossReason = (typeof LOSS_REASONS)[number];

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];
