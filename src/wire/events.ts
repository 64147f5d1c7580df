// The audit log's event types: every `type` the controller, the API and the emulator hooks write, in one union.

export const AUDIT_EVENT_TYPES = [
  'policy.set',
  'policy.changed',
  'blade.added',
  'blade.resources',
  'blade.failed',
  'blade.verdict',
  'blade.cleared',
  'fence.confirmed',
  'blade.repaired',
  'blade.maintenance',
  'blade.leftover-off',
  'workload.submitted',
  'workload.adopted',
  'workload.pending',
  'workload.finished',
  'workload.requirements',
  'workload.checkpointed',
  'workload.down',
  'workload.restarted',
  'transfer.created',
  'transfer.step.started',
  'transfer.step.succeeded',
  'transfer.step.failed',
  'transfer.step.retry',
  'transfer.done',
  'transfer.aborted',
  'transfer.abort.requested',
  'transfer.abort.refused',
  'transfer.fence.attempt',
  'alert',
  'alarm.raised',
  'alarm.cleared',
  'alarm.acknowledged',
  'notification.delivered',
  'notification.retry',
  'notification.failed',
  'cascade.proposed',
  'cascade.approved',
  'cascade.rejected',
  'cascade.expired',
  'token.created',
  'token.revoked',
  'emulator.fail',
  'emulator.fault',
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** A stored event's type may come from another version of Cascade: readers check before they trust it. */
export function isAuditEventType(type: string): type is AuditEventType {
  return (AUDIT_EVENT_TYPES as readonly string[]).includes(type);
}
