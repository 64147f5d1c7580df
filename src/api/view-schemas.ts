// The API's answers as zod schemas: the views of blades, workloads, transfers, plans and more, for OpenAPI.
import { z } from 'zod';
import { EXCLUSION_REASONS } from '../core/eligibility.js';
import { fenceProofShape } from '../wire/fence-proof.js';
import { fitSchema } from '../wire/fit.js';
import { policyRecordSchema } from '../wire/policy-record.js';
import { proposalSchema } from '../wire/proposal.js';
import { bladeStates, healths, roles, transferKinds, transferStatuses, workloadStates } from './field-schemas.js';

/** In answers: whatever the drivers reported, unbounded. */
const resourcesView = z.record(z.string(), z.union([z.number(), z.string()]));

// --- responses ---

export const fit = fitSchema;

/** `label`: the slot as the enclosure prints it ("Blade 1"), when the driver knows it. */
const location = z.object({ chassis: z.string(), slot: z.number(), label: z.string().optional() }).nullable();

export const bladeView = z.object({
  id: z.string(),
  resources: resourcesView,
  state: z.enum(bladeStates),
  power: z.enum(['on', 'off', 'unknown']),
  health: z.enum(healths),
  location,
  /** What the BMC calls it (the Redfish System Name), when that says more than the id. */
  name: z.string().optional(),
  /** The driver that manages it, with any user:password removed. */
  endpoint: z.string(),
  /** The workload running on it or moving onto it. */
  workload: z.string().nullable(),
  /** The failure detector's verdict and its reason, once the blade was observed. */
  verdict: z.enum(['healthy', 'degraded', 'suspect', 'failed', 'credentials']).optional(),
  verdictReason: z.string().optional(),
  /** When it was last repaired or added: its burn-in (policy.repairBurnInSeconds) counts from here. */
  burnInSince: z.number().optional(),
});

export const workloadView = z.object({
  id: z.string(),
  requirements: resourcesView,
  source: z.enum(['declared', 'vm-metadata', 'measured', 'host']),
  priority: z.number(),
  blade: z.string().nullable(),
  state: z.enum(workloadStates),
  movedAt: z.number().nullable(),
  pendingReason: z.string().nullable(),
  minimum: z.record(z.string(), z.number()).optional(),
  pinned: z.boolean().optional(),
  /** Its fit on its blade; null without one. */
  fit: fit.nullable(),
});

export const stepView = z.object({
  name: z.string(),
  attempt: z.number(),
  status: z.enum(['started', 'succeeded', 'failed']),
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  durationMs: z.number().nullable(),
  error: z.string().nullable(),
  /** A fence that confirmed: the level, its device, what it answered and read, and every level tried before it. */
  fence: z.object(fenceProofShape).optional(),
});

export const transferView = z.object({
  id: z.string(),
  kind: z.enum(transferKinds),
  workload: z.string(),
  from: z.string().nullable(),
  to: z.string(),
  before: fit.nullable(),
  after: fit,
  status: z.enum(transferStatuses),
  reason: z.string().nullable(),
  drain: z.boolean(),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** updatedAt - createdAt once it ended; time so far while open. */
  durationMs: z.number(),
  /** The step in progress or the last one that ran. */
  step: z.string().nullable(),
});

export const transferDetail = transferView.extend({ steps: z.array(stepView) });

const transferBrief = transferView.pick({ id: true, kind: true, from: true, to: true, status: true, createdAt: true });

export const bladeDetail = bladeView.extend({ fit: fit.nullable(), transfers: z.array(transferBrief) });

export const workloadDetail = workloadView.extend({
  checkpoint: z.object({ blade: z.string(), sequence: z.number(), takenAt: z.number() }).nullable(),
  transfers: z.array(transferBrief),
});

const runnerUp = z.object({
  blade: z.string(),
  fit,
  lost: z.enum(['infeasible', 'worse-fit', 'tie-break', 'taken', 'not-worthwhile']),
  takenBy: z.string().optional(),
});

export const placement = z.object({
  workload: z.string(),
  kind: z.enum(transferKinds),
  from: z.string().nullable(),
  to: z.string(),
  before: fit.nullable(),
  after: fit,
  runnersUp: z.array(runnerUp),
});

export const cascadeMove = placement.extend({ saving: z.number() });

export const candidateView = z.object({
  workload: z.string(),
  blade: z.string(),
  fit,
  /** Cooling down after its last move, or in a transfer now. */
  frozen: z.boolean(),
  /** The move the cascade optimum has for it now, if any. */
  move: z.object({ to: z.string(), after: fit, saving: z.number() }).nullable(),
});

export const candidatesView = z.object({
  items: z.array(candidateView),
  totals: z.object({ surplus: z.number(), deficit: z.number(), running: z.number() }),
});

export const poolView = z.object({ items: z.array(bladeView), size: z.number() });

/** The blades a what-if left out as targets: counts per reason, and each one not simply active, in words. */
export const exclusionsView = z.object({
  counts: z.array(z.object({ reason: z.enum(EXCLUSION_REASONS), count: z.number().int() })),
  blades: z.array(z.object({ blade: z.string(), reason: z.enum(EXCLUSION_REASONS), text: z.string() })),
});

export const planView = z.object({
  fail: z.array(z.string()),
  placements: z.array(placement),
  pending: z.array(
    z.object({
      workload: z.string(),
      from: z.string().nullable(),
      reason: z.enum(['no-standby', 'no-feasible-standby', 'lower-priority']),
      detail: z.string(),
    }),
  ),
  rounds: z.array(z.array(cascadeMove)),
  truncated: z.boolean(),
  /** The standby pool once everything above happened. */
  pool: z.array(z.string()),
  placementsAfter: z.record(z.string(), z.string().nullable()),
  /** The blades left out as the failovers' targets, with the eligibility rule's reasons. */
  excluded: exclusionsView,
});

export const policyView = policyRecordSchema.extend({
  /** Whether cascades may run now (inside a cascade window, or no windows set). */
  cascadesOpen: z.boolean().optional(),
});

export const eventView = z.object({
  seq: z.number(),
  at: z.number(),
  actor: z.string(),
  type: z.string(),
  subject: z.string(),
  data: z.record(z.string(), z.unknown()),
});

export const eventPage = z.object({
  items: z.array(eventView),
  /** Pass as `after` for the next page. */
  next: z.number(),
  more: z.boolean(),
});

export const proposalView = proposalSchema;

export const tokenView = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(roles),
  createdAt: z.number(),
  revokedAt: z.number().nullable(),
});
export const newTokenView = tokenView.extend({ token: z.string() });

export function page<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    /** Pass as `after` for the next page; null on the last page. */
    next: z.string().nullable(),
    /** How many match the filters, on every page. */
    total: z.number(),
  });
}

export const errorView = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** Where the problem is, e.g. "body.requirements.memoryGiB" or "query.limit". */
    field: z.string().optional(),
  }),
});

export const healthView = z.object({ status: z.enum(['ok', 'stopped']) });
export const readyView = z.object({ status: z.enum(['ready', 'not-ready']), checks: z.record(z.string(), z.string()) });
