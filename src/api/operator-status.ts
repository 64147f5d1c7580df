// The operator's view of the data center in one answer, workloads first (as crm_mon shows resources before
// nodes): what is down and why and for how long, what runs impaired or unprotected, the pool, open alarms,
// transfers in progress with their step and its last error, and the survivability verdict. A pure function.
import { z } from 'zod';
import { currentStep } from '../alarms/conditions.js';
import { fitOf } from '../core/fit.js';
import { isEligible } from '../core/eligibility.js';
import type { Policy } from '../core/model.js';
import type { SurvivabilityReport } from '../core/survivability.js';
import type { AlarmRecord, BladeRecord, TransferRecord, WorkloadRecord } from '../ports/store.js';
import { alarmId } from '../wire/alarms.js';
import { alarmView, byUrgency, toAlarmView } from './alarm-views.js';

const shortfall = z.object({
  key: z.string(),
  required: z.union([z.number(), z.string()]),
  offered: z.union([z.number(), z.string()]).nullable(),
});

export const statusView = z.object({
  at: z.number(),
  /** One line: "DOWN: 3 workloads" or "OK: 40 workloads running". */
  summary: z.string(),
  workloads: z.object({
    total: z.number(),
    running: z.number(),
    down: z.number(),
    impaired: z.number(),
    unprotected: z.number(),
  }),
  down: z.array(
    z.object({
      workload: z.string(),
      priority: z.number(),
      state: z.enum(['pending', 'failing-over']),
      reason: z.string(),
      /** When it went down, as far as the store knows (the workload.down alarm, else its failover's start). */
      since: z.number().nullable(),
      forMs: z.number().nullable(),
    }),
  ),
  impaired: z.array(
    z.object({ workload: z.string(), blade: z.string(), deficit: z.number(), short: z.array(shortfall) }),
  ),
  unprotected: z.array(z.object({ workload: z.string(), blade: z.string(), needs: z.string() })),
  blades: z.object({
    total: z.number(),
    active: z.number(),
    standby: z.number(),
    failed: z.number(),
    maintenance: z.number(),
  }),
  pool: z.object({ eligible: z.number(), blades: z.array(z.string()) }),
  alarms: z.array(alarmView),
  transfers: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['failover', 'cascade', 'place']),
      workload: z.string(),
      from: z.string().nullable(),
      to: z.string(),
      status: z.enum(['running', 'waiting']),
      step: z.string().nullable(),
      stepForMs: z.number().nullable(),
      lastError: z.string().nullable(),
      reason: z.string().nullable(),
    }),
  ),
  survivability: z.object({ verdict: z.string() }).nullable(),
});

export type OperatorStatus = z.infer<typeof statusView>;

export interface StatusInput {
  readonly blades: readonly BladeRecord[];
  readonly workloads: readonly WorkloadRecord[];
  readonly open: readonly TransferRecord[];
  /** The open alarms. */
  readonly alarms: readonly AlarmRecord[];
  readonly policy: Policy;
  readonly now: number;
  readonly survivability: SurvivabilityReport | null;
}

export function operatorStatus(input: StatusInput): OperatorStatus {
  const { now } = input;
  const bladeById = new Map(input.blades.map((b) => [b.id, b]));
  const failover = new Map(input.open.filter((t) => t.kind === 'failover').map((t) => [t.workload, t]));
  const alarmById = new Map(input.alarms.map((a) => [a.id, a]));
  const live = input.workloads.filter((w) => w.state !== 'finished');
  const down: OperatorStatus['down'] = [];
  const impaired: OperatorStatus['impaired'] = [];
  let running = 0;
  for (const w of live) {
    const t = failover.get(w.id);
    if (w.state === 'pending' || (w.state === 'transferring' && t)) {
      const since = alarmById.get(alarmId('workload.down', w.id))?.raisedAt ?? t?.createdAt ?? null;
      const step = t ? currentStep(t.steps) : null;
      const reason =
        w.state === 'pending'
          ? (w.pendingReason ?? 'waiting for a blade')
          : `failing over ${t!.from ?? '-'} -> ${t!.to}${step ? ` (${step.name})` : ''}`;
      down.push({
        workload: w.id,
        priority: w.priority,
        state: w.state === 'pending' ? 'pending' : 'failing-over',
        reason,
        since,
        forMs: since === null ? null : Math.max(0, now - since),
      });
      continue;
    }
    running++;
    const blade = w.blade === null ? undefined : bladeById.get(w.blade);
    if (!blade) continue;
    const fit = fitOf(blade.resources, w.requirements, input.policy.weights);
    if (fit.deficit > 0) {
      const short = fit.mismatches
        .filter((m) => m.kind === 'quantity')
        .map((m) => ({ key: m.key, required: m.required, offered: m.offered }));
      impaired.push({ workload: w.id, blade: blade.id, deficit: fit.deficit, short });
    }
  }
  down.sort((a, b) => b.priority - a.priority || (a.workload < b.workload ? -1 : 1));
  const unprotected = (input.survivability?.unprotected ?? []).map((u) => ({
    workload: u.workload,
    blade: u.blade,
    needs: u.needs,
  }));
  const count = (state: string): number => input.blades.filter((b) => b.state === state).length;
  const targets = new Set(input.open.map((t) => t.to));
  const pool = input.blades.filter((b) => isEligible(b) && !targets.has(b.id)).map((b) => b.id);
  const transfers = input.open.map((t) => {
    const step = currentStep(t.steps);
    return {
      id: t.id,
      kind: t.kind,
      workload: t.workload,
      from: t.from,
      to: t.to,
      status: t.status === 'waiting' ? ('waiting' as const) : ('running' as const),
      step: step?.name ?? null,
      stepForMs: step ? Math.max(0, now - step.since) : null,
      lastError: step?.error ?? null,
      reason: t.reason,
    };
  });
  const summary =
    down.length > 0
      ? `DOWN: ${down.length} of ${live.length} workload(s) not running`
      : `OK: ${running} workload(s) running${impaired.length > 0 ? `, ${impaired.length} impaired` : ''}`;
  return {
    at: now,
    summary,
    workloads: {
      total: live.length,
      running,
      down: down.length,
      impaired: impaired.length,
      unprotected: unprotected.length,
    },
    down,
    impaired,
    unprotected,
    blades: {
      total: input.blades.length,
      active: count('active'),
      standby: count('standby'),
      failed: count('failed'),
      maintenance: count('maintenance'),
    },
    pool: { eligible: pool.length, blades: pool },
    alarms: [...input.alarms].sort(byUrgency).map(toAlarmView),
    transfers,
    survivability: input.survivability ? { verdict: input.survivability.verdict } : null,
  };
}
