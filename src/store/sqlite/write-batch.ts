// How one Batch becomes rows; the caller runs it inside a single transaction so it lands whole or not at all.
import type { Statement } from 'better-sqlite3';
import type { Policy } from '../../core/model.js';
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
import { alarmParams, upsertAlarmSql } from '../alarm-rows.js';

const UPSERT_ALARM = upsertAlarmSql(() => '?');

export type Prepare = (sql: string) => Statement<unknown[]>;

const UPSERT_BLADE = `
INSERT INTO blades (id, resources, state, power, health, endpoint, chassis, slot, name, slot_label,
  verdict, verdict_reason, burn_in_since, system_state, chassis_power, failure_bmc, failure_workload)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
  resources = excluded.resources, state = excluded.state, power = excluded.power, health = excluded.health,
  endpoint = excluded.endpoint, chassis = excluded.chassis, slot = excluded.slot, name = excluded.name,
  slot_label = excluded.slot_label, verdict = excluded.verdict, verdict_reason = excluded.verdict_reason,
  burn_in_since = excluded.burn_in_since, system_state = excluded.system_state, chassis_power = excluded.chassis_power,
  failure_bmc = excluded.failure_bmc, failure_workload = excluded.failure_workload`;

const UPSERT_WORKLOAD = `
INSERT INTO workloads (id, requirements, source, priority, blade, state, moved_at, pending_reason, minimum, pinned)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
  requirements = excluded.requirements, source = excluded.source, priority = excluded.priority,
  blade = excluded.blade, state = excluded.state, moved_at = excluded.moved_at,
  pending_reason = excluded.pending_reason, minimum = excluded.minimum, pinned = excluded.pinned`;

// ON CONFLICT DO UPDATE rather than INSERT OR REPLACE: REPLACE deletes the row first, which would
// cascade to the steps and, later, to anything else that points at a transfer.
const UPSERT_TRANSFER = `
INSERT INTO transfers (id, kind, workload, from_blade, to_blade, fit_before, fit_after, status, reason, drain,
                       created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
  kind = excluded.kind, workload = excluded.workload, from_blade = excluded.from_blade,
  to_blade = excluded.to_blade, fit_before = excluded.fit_before, fit_after = excluded.fit_after,
  status = excluded.status, reason = excluded.reason, drain = excluded.drain,
  created_at = excluded.created_at, updated_at = excluded.updated_at`;

const DELETE_STEPS = 'DELETE FROM transfer_steps WHERE transfer = ?';
const INSERT_STEP = `
INSERT INTO transfer_steps (transfer, position, name, status, attempt, started_at, ended_at, error, output)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;

const INSERT_CHECKPOINT = 'INSERT INTO checkpoints (workload, blade, sequence, data, taken_at) VALUES (?, ?, ?, ?, ?)';
const INSERT_ROUND = 'INSERT INTO rounds (hash, at, body) VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING';
const INSERT_EVENT = 'INSERT INTO events (at, actor, type, subject, data) VALUES (?, ?, ?, ?, ?)';
const UPSERT_POLICY = 'INSERT INTO policy (id, body) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body';

/** Writes the batch in a fixed order and returns its events with the seq the database gave them. */
export function writeBatch(prepare: Prepare, batch: Batch): AuditEvent[] {
  for (const blade of batch.blades ?? []) writeBlade(prepare, blade);
  for (const workload of batch.workloads ?? []) writeWorkload(prepare, workload);
  for (const transfer of batch.transfers ?? []) writeTransfer(prepare, transfer);
  for (const checkpoint of batch.checkpoints ?? []) writeCheckpoint(prepare, checkpoint);
  if (batch.policy !== undefined) writePolicy(prepare, batch.policy);
  for (const token of batch.tokens ?? []) writeToken(prepare, token);
  for (const round of batch.rounds ?? []) prepare(INSERT_ROUND).run(round.hash, round.at, round.body);
  for (const alarm of batch.alarms ?? []) prepare(UPSERT_ALARM).run(...alarmParams(alarm));
  return (batch.events ?? []).map((event) => appendEvent(prepare, event));
}

function writeBlade(prepare: Prepare, b: BladeRecord): void {
  const { chassis, slot } = b.location ?? { chassis: null, slot: null };
  prepare(UPSERT_BLADE).run(
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
  );
}

function writeWorkload(prepare: Prepare, w: WorkloadRecord): void {
  prepare(UPSERT_WORKLOAD).run(
    w.id,
    jsonText(w.requirements),
    w.source,
    w.priority,
    w.blade,
    w.state,
    w.movedAt,
    w.pendingReason,
    w.minimum === undefined ? null : jsonText(w.minimum),
    w.pinned === true ? 1 : 0,
  );
}

/** The record is the truth: its steps replace whatever the database held for the transfer. */
function writeTransfer(prepare: Prepare, t: TransferRecord): void {
  prepare(UPSERT_TRANSFER).run(
    t.id,
    t.kind,
    t.workload,
    t.from,
    t.to,
    t.before === null ? null : jsonText(t.before),
    jsonText(t.after),
    t.status,
    t.reason,
    t.drain ? 1 : 0,
    t.createdAt,
    t.updatedAt,
  );
  prepare(DELETE_STEPS).run(t.id);
  t.steps.forEach((s, position) => {
    prepare(INSERT_STEP).run(t.id, position, s.name, s.status, s.attempt, s.startedAt, s.endedAt, s.error, s.output);
  });
}

function writeCheckpoint(prepare: Prepare, c: CheckpointMeta): void {
  prepare(INSERT_CHECKPOINT).run(c.workload, c.blade, c.sequence, c.data, c.takenAt);
}

function writePolicy(prepare: Prepare, policy: Policy): void {
  prepare(UPSERT_POLICY).run(jsonText(policy));
}

// API tokens, upserted by id; a name or hash another token holds breaks a UNIQUE constraint.
const UPSERT_TOKEN = `
INSERT INTO tokens (id, name, role, hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
  name = excluded.name, role = excluded.role, hash = excluded.hash,
  created_at = excluded.created_at, revoked_at = excluded.revoked_at`;

function writeToken(prepare: Prepare, t: TokenRecord): void {
  prepare(UPSERT_TOKEN).run(t.id, t.name, t.role, t.hash, t.createdAt, t.revokedAt);
}

function appendEvent(prepare: Prepare, e: NewAuditEvent): AuditEvent {
  const data = jsonText(e.data);
  const { lastInsertRowid } = prepare(INSERT_EVENT).run(e.at, e.actor, e.type, e.subject, data);
  // A fresh copy of what was stored, so the caller sees exactly what a later read returns.
  const stored: unknown = JSON.parse(data);
  return {
    seq: Number(lastInsertRowid),
    at: e.at,
    actor: e.actor,
    type: e.type,
    subject: e.subject,
    data: asRecord(stored),
  };
}

/**
 * JSON.stringify silently turns NaN and Infinity into null, which no reader accepts: one bad number
 * would make every later read of that row fail. Refuse it here, inside the transaction, instead.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, (key, item: unknown) => {
    if (typeof item === 'number' && !Number.isFinite(item)) {
      throw new TypeError(`cannot store ${String(item)} at "${key}": JSON has no such number`);
    }
    return item;
  });
}

function asRecord(value: unknown): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { ...value };
  throw new TypeError(`event data must be an object, got ${JSON.stringify(value)}`);
}
