// Turns SQLite rows into the store's records, checking every column so a read never yields an unchecked value.
import { z } from 'zod';
import type { Fit } from '../../core/fit.js';
import { fitSchema } from '../../wire/fit.js';
import { policyRecordSchema } from '../../wire/policy-record.js';
import { VERDICTS } from '../../core/verdict.js';
import { DEFAULT_POLICY, type Policy, type Resources } from '../../core/model.js';
import type {
  AuditEvent,
  BladeRecord,
  CheckpointMeta,
  RoundRecord,
  StepRecord,
  TokenRecord,
  TransferRecord,
  WorkloadRecord,
} from '../../ports/store.js';
import { STEP_NAMES } from '../../wire/steps.js';

/** A JSON text column, parsed and then checked against `schema`. */
function json<T extends z.ZodType>(schema: T) {
  return z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

const resources: z.ZodType<Resources> = z.record(z.string(), z.union([z.number(), z.string()]));

const fit: z.ZodType<Fit> = fitSchema;

/** Every field optional: a policy written by an older Cascade lacks newer fields, which take their defaults. */
const policyBody = policyRecordSchema.partial();

const bladeRow = z.object({
  id: z.string(),
  resources: json(resources),
  state: z.enum(['active', 'standby', 'failed', 'maintenance']),
  power: z.enum(['on', 'off', 'unknown']),
  health: z.enum(['ok', 'warning', 'critical', 'unreachable']),
  endpoint: z.string(),
  chassis: z.string().nullable(),
  slot: z.number().nullable(),
  name: z.string().nullish(),
  slot_label: z.string().nullish(),
  verdict: z.enum(VERDICTS).nullish(),
  verdict_reason: z.string().nullish(),
  burn_in_since: z.coerce.number().nullish(),
  system_state: z.string().nullish(),
  chassis_power: z.enum(['on', 'off']).nullish(),
  failure_bmc: z.enum(['answered', 'silent']).nullish(),
  failure_workload: z.enum(['alive', 'lost', 'unknown']).nullish(),
});

const workloadRow = z.object({
  id: z.string(),
  requirements: json(resources),
  source: z.enum(['declared', 'vm-metadata', 'measured', 'host']),
  priority: z.number(),
  blade: z.string().nullable(),
  state: z.enum(['running', 'pending', 'transferring', 'finished']),
  moved_at: z.number().nullable(),
  pending_reason: z.string().nullable(),
  minimum: json(z.record(z.string(), z.number())).nullish(),
  pinned: z.union([z.literal(0), z.literal(1), z.boolean()]).nullish(),
});

const transferRow = z.object({
  id: z.string(),
  kind: z.enum(['failover', 'cascade', 'place']),
  workload: z.string(),
  from_blade: z.string().nullable(),
  to_blade: z.string(),
  fit_before: json(fit).nullable(),
  fit_after: json(fit),
  status: z.enum(['running', 'waiting', 'done', 'aborted']),
  reason: z.string().nullable(),
  drain: z.union([z.literal(0), z.literal(1)]),
  created_at: z.number(),
  updated_at: z.number(),
});

const stepRow = z.object({
  name: z.enum(STEP_NAMES),
  status: z.enum(['started', 'succeeded', 'failed']),
  attempt: z.number(),
  started_at: z.number(),
  ended_at: z.number().nullable(),
  error: z.string().nullable(),
  output: z.string().nullable(),
});

const checkpointRow = z.object({
  workload: z.string(),
  blade: z.string(),
  sequence: z.number(),
  data: z.string(),
  taken_at: z.number(),
});

const eventRow = z.object({
  seq: z.number(),
  at: z.number(),
  actor: z.string(),
  type: z.string(),
  subject: z.string(),
  data: json(z.record(z.string(), z.unknown())),
});

const policyRow = z.object({ body: json(policyBody) });

export function toBlade(row: unknown): BladeRecord {
  const r = bladeRow.parse(row);
  const blade = {
    id: r.id,
    resources: r.resources,
    state: r.state,
    power: r.power,
    health: r.health,
    endpoint: r.endpoint,
    ...(r.name ? { name: r.name } : {}),
    ...(r.verdict ? { verdict: r.verdict, verdictReason: r.verdict_reason ?? '' } : {}),
    ...(r.burn_in_since === null || r.burn_in_since === undefined ? {} : { burnInSince: r.burn_in_since }),
    ...(r.system_state ? { systemState: r.system_state } : {}),
    ...(r.chassis_power ? { chassisPower: r.chassis_power } : {}),
    ...(r.failure_bmc && r.failure_workload ? { failure: { bmc: r.failure_bmc, workload: r.failure_workload } } : {}),
  };
  // `location` is optional in the type: absent, not undefined, when the blade has none.
  if (r.chassis === null || r.slot === null) return blade;
  return { ...blade, location: { chassis: r.chassis, slot: r.slot, ...(r.slot_label ? { label: r.slot_label } : {}) } };
}

export function toWorkload(row: unknown): WorkloadRecord {
  const r = workloadRow.parse(row);
  return {
    id: r.id,
    requirements: r.requirements,
    source: r.source,
    priority: r.priority,
    blade: r.blade,
    state: r.state,
    movedAt: r.moved_at,
    pendingReason: r.pending_reason,
    ...(r.minimum === null || r.minimum === undefined ? {} : { minimum: r.minimum }),
    ...(r.pinned === 1 || r.pinned === true ? { pinned: true } : {}),
  };
}

export function toTransfer(row: unknown, stepRows: readonly unknown[]): TransferRecord {
  const r = transferRow.parse(row);
  return {
    id: r.id,
    kind: r.kind,
    workload: r.workload,
    from: r.from_blade,
    to: r.to_blade,
    before: r.fit_before,
    after: r.fit_after,
    status: r.status,
    reason: r.reason,
    drain: r.drain === 1,
    steps: stepRows.map(toStep),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toStep(row: unknown): StepRecord {
  const r = stepRow.parse(row);
  return {
    name: r.name,
    status: r.status,
    attempt: r.attempt,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    error: r.error,
    output: r.output,
  };
}

export function toCheckpoint(row: unknown): CheckpointMeta {
  const r = checkpointRow.parse(row);
  return { workload: r.workload, blade: r.blade, sequence: r.sequence, data: r.data, takenAt: r.taken_at };
}

export function toEvent(row: unknown): AuditEvent {
  return eventRow.parse(row);
}

export function toPolicy(row: unknown): Policy {
  const { body } = policyRow.parse(row);
  return { ...DEFAULT_POLICY, ...body, weights: { ...(body.weights ?? {}) } };
}

// API tokens.
const tokenRow = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(['viewer', 'operator', 'admin']),
  hash: z.string(),
  created_at: z.number(),
  revoked_at: z.number().nullable(),
});

export function toToken(row: unknown): TokenRecord {
  const r = tokenRow.parse(row);
  return { id: r.id, name: r.name, role: r.role, hash: r.hash, createdAt: r.created_at, revokedAt: r.revoked_at };
}

const roundRow = z.object({ hash: z.string(), at: z.coerce.number(), body: z.string() });

export function toRound(row: unknown): RoundRecord {
  return roundRow.parse(row);
}
