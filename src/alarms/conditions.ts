// The alarm conditions stored state shows by itself, as one pure function of that state and the time: the
// monitor raises what appears and clears what is gone. Conditions noticed through events (an endpoint that
// stopped answering, a refused login) are not here: their detectors append alarm events themselves.
import { fitOf } from '../core/fit.js';
import { isEligible } from '../core/eligibility.js';
import { isDown } from '../core/workload-watch.js';
import type { Policy } from '../core/model.js';
import type { LeaseView } from '../ports/lease.js';
import type { BladeRecord, StepRecord, TransferRecord, WorkloadRecord } from '../ports/store.js';
import type { AlarmKind, AlarmSeverity } from '../wire/alarms.js';
import type { StepName } from '../wire/steps.js';

export interface AlarmCondition {
  readonly kind: AlarmKind;
  readonly subject: string;
  readonly severity: AlarmSeverity;
  readonly message: string;
}

/** The kinds this function decides: the monitor clears an open alarm of these kinds once its condition is gone. */
export const DERIVED_KINDS: readonly AlarmKind[] = [
  'pool.empty',
  'workload.down',
  'workload.unplaceable',
  'transfer.stuck',
  'fence.unconfirmed',
  'leadership.lost',
];

export interface ConditionInput {
  readonly blades: readonly BladeRecord[];
  readonly workloads: readonly WorkloadRecord[];
  /** Transfers running or waiting. */
  readonly open: readonly TransferRecord[];
  readonly policy: Policy;
  readonly now: number;
  /** A running transfer on one step for longer than this is stuck. */
  readonly stuckAfterMs: number;
  /** With several controllers: the leadership lease as the store has it (null: never granted); undefined: no HA. */
  readonly lease?: LeaseView | null;
  /** How long the lease may stay lapsed (a standby takes over meanwhile) before no one leading is an alarm. */
  readonly leaderlessAfterMs?: number;
}

/** Steps that wait for proof that the old blade is off (the fence), or that a target was powered off again. */
const FENCING_STEPS: ReadonlySet<StepName> = new Set(['fence', 'unwind', 'release']);

/** The step a transfer is on, since when (the first attempt of its latest run), and the last error it met. */
export function currentStep(
  steps: readonly StepRecord[],
): { readonly name: StepName; readonly since: number; readonly error: string | null } | null {
  const last = steps.at(-1);
  if (!last) return null;
  let since = last.startedAt;
  let error: string | null = null;
  for (let i = steps.length - 1; i >= 0 && steps[i]!.name === last.name; i--) {
    since = steps[i]!.startedAt;
    error ??= steps[i]!.error;
  }
  return { name: last.name, since, error };
}

export function alarmConditions(input: ConditionInput): AlarmCondition[] {
  const out: AlarmCondition[] = [];
  const pool = input.blades.filter((b) => isEligible(b) && !input.open.some((t) => t.to === b.id));
  const pending = input.workloads.filter((w) => w.state === 'pending');
  if (pool.length === 0 && input.workloads.some((w) => w.state !== 'finished')) {
    const down = pending.length > 0 ? `; ${pending.length} workload(s) waiting for one` : '';
    out.push({
      kind: 'pool.empty',
      subject: 'pool',
      severity: 'warning',
      message: `no standby blade can take a workload: the next failure leaves its workload down${down}`,
    });
  }
  const failingOver = new Map(input.open.filter((t) => t.kind === 'failover').map((t) => [t.workload, t]));
  for (const w of input.workloads) {
    const t = failingOver.get(w.id);
    if (w.state === 'pending') {
      out.push({
        kind: 'workload.down',
        subject: w.id,
        severity: 'critical',
        message: `${w.id} is down: ${w.pendingReason ?? 'waiting for a blade'}`,
      });
      if (pool.length > 0 && !pool.some((b) => fitOf(b.resources, w.requirements, input.policy.weights).feasible)) {
        out.push({
          kind: 'workload.unplaceable',
          subject: w.id,
          severity: 'critical',
          message: `no standby blade can take ${w.id}: ${unplaceableReason(w, pool, input.policy)}`,
        });
      }
    } else if (isDown(w)) {
      // Found down on a blade that looks well, restarting there (src/core/workload-watch.ts).
      out.push({
        kind: 'workload.down',
        subject: w.id,
        severity: 'critical',
        message: `${w.id} is ${w.pendingReason}`,
      });
    } else if (w.state === 'transferring' && t) {
      out.push({
        kind: 'workload.down',
        subject: w.id,
        severity: 'critical',
        message: `${w.id} is down: failing over ${t.from ?? '-'} -> ${t.to}`,
      });
    }
  }
  for (const t of input.open) {
    const step = currentStep(t.steps);
    if (t.status === 'waiting' && (step === null || FENCING_STEPS.has(step.name) || /fence/i.test(t.reason ?? ''))) {
      out.push({
        kind: 'fence.unconfirmed',
        subject: t.id,
        severity: 'critical',
        message: `${t.workload}: ${t.reason ?? `waiting on ${step?.name ?? 'its first step'}`}; confirm the old blade is off`,
      });
    } else if (t.status === 'running' && step !== null && input.now - step.since > input.stuckAfterMs) {
      const error = step.error === null ? '' : `; last error: ${step.error}`;
      const minutes = Math.floor((input.now - step.since) / 60_000);
      out.push({
        kind: 'transfer.stuck',
        subject: t.id,
        severity: 'warning',
        message: `${t.kind} of ${t.workload} on ${step.name} for ${minutes > 0 ? `${minutes} min` : `${Math.round((input.now - step.since) / 1000)} s`}${error}`,
      });
    }
  }
  const lease = input.lease;
  if (lease !== undefined) {
    const lapsedFor = lease === null ? Infinity : input.now - lease.expiresAt;
    if ((lease === null || lease.remainingMs <= 0) && lapsedFor > (input.leaderlessAfterMs ?? 30_000)) {
      out.push({
        kind: 'leadership.lost',
        subject: lease?.name ?? 'controller',
        severity: 'critical',
        message:
          lease === null
            ? 'no controller has ever held the lease'
            : `no controller leads: the lease of ${lease.holder} lapsed and no standby took it`,
      });
    }
  }
  return out;
}

/** What every blade of the pool lacks, named from the closest one. */
function unplaceableReason(w: WorkloadRecord, pool: readonly BladeRecord[], policy: Policy): string {
  const first = pool.map((b) => ({ b, fit: fitOf(b.resources, w.requirements, policy.weights) }))[0];
  const attribute = first?.fit.mismatches.find((m) => m.kind === 'attribute');
  if (!first || !attribute) return 'every standby blade is infeasible';
  return `e.g. ${first.b.id} offers ${attribute.key}=${String(attribute.offered ?? 'none')}, it needs ${String(attribute.required)}`;
}
