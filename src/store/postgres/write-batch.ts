// How one Batch becomes rows in PostgreSQL; the caller runs it inside one transaction, as for SQLite.
import type { PoolClient } from 'pg';
import type {
  AuditEvent,
  Batch,
  BladeRecord,
  CheckpointMeta,
  NewAuditEvent,
  TokenRecord,
  TransferRecord,
  WorkloadRecord,
} from '../../ports/store.js';
import { jsonText } from '../sqlite/write-batch.js';
import { alarmParams, upsertAlarmSql } from '../alarm-rows.js';

const UPSERT_ALARM = upsertAlarmSql((n) => `$${n}`);

const UPSERT_BLADE = `
INSERT INTO blades (id, resources, state, power, health, endpoint, chassis, slot, name, slot_label,
  verdict, verdict_reason, burn_in_since, system_state, chassis_power, failure_bmc, failure_workload)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
ON CONFLICT (id) DO UPDATE SET
  resources = excluded.resources, state = excluded.state, power = excluded.power, health = excluded.health,
  endpoint = excluded.endpoint, chassis = excluded.chassis, slot = excluded.slot, name = excluded.name,
  slot_label = excluded.slot_label, verdict = excluded.verdict, verdict_reason = excluded.verdict_reason,
  burn_in_since = excluded.burn_in_since, system_state = excluded.system_state, chassis_power = excluded.chassis_power,
  failure_bmc = excluded.failure_bmc, failure_workload = excluded.failure_workload`;

const UPSERT_WORKLOAD = `
INSERT INTO workloads (id, requirements, source, priority, blade, state, moved_at, pending_reason, minimum, pinned)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (id) DO UPDATE SET
  requirements = excluded.requirements, source = excluded.source, priority = excluded.priority,
  blade = excluded.blade, state = excluded.state, moved_at = excluded.moved_at,
  pending_reason = excluded.pending_reason, minimum = excluded.minimum, pinned = excluded.pinned`;

const UPSERT_TRANSFER = `
INSERT INTO transfers (id, kind, workload, from_blade, to_blade, fit_before, fit_after, status, reason, drain,
                       created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT (id) DO UPDATE SET
  kind = excluded.kind, workload = excluded.workload, from_blade = excluded.from_blade,
  to_blade = excluded.to_blade, fit_before = excluded.fit_before, fit_after = excluded.fit_after,
  status = excluded.status, reason = excluded.reason, drain = excluded.drain,
  created_at = excluded.created_at, updated_at = excluded.updated_at`;

const DELETE_STEPS = 'DELETE FROM transfer_steps WHERE transfer = $1';
// All steps of a transfer in one statement: a transfer record rewrites them on every step.
const INSERT_STEPS = `
INSERT INTO transfer_steps (transfer, position, name, status, attempt, started_at, ended_at, error, output)
SELECT $1, s.position - 1, s.name, s.status, s.attempt, s.started_at, s.ended_at, s.error, s.output
FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::text[], $8::text[])
  WITH ORDINALITY AS s (name, status, attempt, started_at, ended_at, error, output, position)`;

const INSERT_CHECKPOINT =
  'INSERT INTO checkpoints (workload, blade, sequence, data, taken_at) VALUES ($1, $2, $3, $4, $5)';
const INSERT_ROUND = 'INSERT INTO rounds (hash, at, body) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING';
const INSERT_EVENT = 'INSERT INTO events (at, actor, type, subject, data) VALUES ($1, $2, $3, $4, $5) RETURNING seq';
const UPSERT_POLICY =
  'INSERT INTO policy (id, body) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET body = excluded.body';
// API tokens, upserted by id; a name or hash another token holds breaks a UNIQUE constraint.
const UPSERT_TOKEN = `
INSERT INTO tokens (id, name, role, hash, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (id) DO UPDATE SET
  name = excluded.name, role = excluded.role, hash = excluded.hash,
  created_at = excluded.created_at, revoked_at = excluded.revoked_at`;

/**
 * Taken before the first event of a commit and held until it ends: commits that append events run one
 * at a time, so seq order is commit order. Without it two commits could take seq 5 and 6 and commit 6
 * first, and a reader tailing the log by seq (the API's event stream) would skip 5 for ever.
 */
const EVENT_ORDER_LOCK = 0x6361_7363_0002n;

/** Writes the batch in the same fixed order as SQLite and returns its events with their seq. */
export async function writeBatch(client: PoolClient, batch: Batch): Promise<AuditEvent[]> {
  for (const blade of batch.blades ?? []) await writeBlade(client, blade);
  for (const workload of batch.workloads ?? []) await writeWorkload(client, workload);
  for (const transfer of batch.transfers ?? []) await writeTransfer(client, transfer);
  for (const checkpoint of batch.checkpoints ?? []) await writeCheckpoint(client, checkpoint);
  if (batch.policy !== undefined) await client.query(UPSERT_POLICY, [jsonText(batch.policy)]);
  for (const token of batch.tokens ?? []) await writeToken(client, token);
  for (const round of batch.rounds ?? []) await client.query(INSERT_ROUND, [round.hash, round.at, round.body]);
  for (const alarm of batch.alarms ?? []) await client.query(UPSERT_ALARM, alarmParams(alarm));
  const events: AuditEvent[] = [];
  if ((batch.events ?? []).length > 0)
    await client.query('SELECT pg_advisory_xact_lock($1)', [EVENT_ORDER_LOCK.toString()]);
  for (const event of batch.events ?? []) events.push(await appendEvent(client, event));
  return events;
}

async function writeBlade(client: PoolClient, b: BladeRecord): Promise<void> {
  const { chassis, slot } = b.location ?? { chassis: null, slot: null };
  await client.query(UPSERT_BLADE, [
    b.id,
    jsonText(b.resources),
    b.state,
    b.power,
    b.health,
    b.endpoint,
    chassis,
    slot,
    b.name ?? null,
    b.location?.label ?? null,
    b.verdict ?? null,
    b.verdictReason ?? null,
    b.burnInSince ?? null,
    b.systemState ?? null,
    b.chassisPower ?? null,
    b.failure?.bmc ?? null,
    b.failure?.workload ?? null,
  ]);
}

async function writeWorkload(client: PoolClient, w: WorkloadRecord): Promise<void> {
  await client.query(UPSERT_WORKLOAD, [
    w.id,
    jsonText(w.requirements),
    w.source,
    w.priority,
    w.blade,
    w.state,
    w.movedAt,
    w.pendingReason,
    w.minimum === undefined ? null : jsonText(w.minimum),
    w.pinned === true,
  ]);
}

/** The record is the truth: its steps replace whatever the database held for the transfer. */
async function writeTransfer(client: PoolClient, t: TransferRecord): Promise<void> {
  await client.query(UPSERT_TRANSFER, [
    t.id,
    t.kind,
    t.workload,
    t.from,
    t.to,
    t.before === null ? null : jsonText(t.before),
    jsonText(t.after),
    t.status,
    t.reason,
    t.drain,
    t.createdAt,
    t.updatedAt,
  ]);
  await client.query(DELETE_STEPS, [t.id]);
  if (t.steps.length === 0) return;
  const column = <K extends keyof TransferRecord['steps'][number]>(key: K) => t.steps.map((s) => s[key]);
  await client.query(INSERT_STEPS, [
    t.id,
    column('name'),
    column('status'),
    column('attempt'),
    column('startedAt'),
    column('endedAt'),
    column('error'),
    column('output'),
  ]);
}

async function writeCheckpoint(client: PoolClient, c: CheckpointMeta): Promise<void> {
  await client.query(INSERT_CHECKPOINT, [c.workload, c.blade, c.sequence, c.data, c.takenAt]);
}

async function writeToken(client: PoolClient, t: TokenRecord): Promise<void> {
  await client.query(UPSERT_TOKEN, [t.id, t.name, t.role, t.hash, t.createdAt, t.revokedAt]);
}

async function appendEvent(client: PoolClient, e: NewAuditEvent): Promise<AuditEvent> {
  const data = jsonText(e.data);
  const { rows } = await client.query<{ seq: number }>(INSERT_EVENT, [e.at, e.actor, e.type, e.subject, data]);
  const seq = rows[0]?.seq;
  if (typeof seq !== 'number') throw new Error('events: the database returned no seq');
  const stored: unknown = JSON.parse(data);
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) {
    throw new TypeError(`event data must be an object, got ${data}`);
  }
  return { seq, at: e.at, actor: e.actor, type: e.type, subject: e.subject, data: { ...stored } };
}
