// The PostgreSQL schema: the same versions, names and meaning as the SQLite migrations, in PostgreSQL's dialect.
import type { Migration } from './sqlite.js';

/*
 * Why it differs from the SQLite text, and only there:
 * - Ids are COLLATE "C": byte-wise order, as SQLite sorts, whatever the database's locale.
 * - JSON columns are `json`, not `jsonb`: json keeps the text exactly as written (key order, number
 *   spelling), so a record reads back byte for byte, as from SQLite's TEXT; nothing queries by key.
 * - Times, sequences and slots are bigint (SQLite INTEGER is 64-bit); priority is double precision
 *   (SQLite REAL). The store parses bigint to a JS number and refuses one beyond 2^53.
 * - drain is boolean; the store reads it as 0/1 so both engines share one row checker.
 * - seq and checkpoint ids are identity columns: GENERATED ALWAYS refuses a caller-chosen seq.
 * - events is append-only by triggers, as in SQLite, and TRUNCATE is refused too.
 */
const V1_INITIAL = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    integer PRIMARY KEY,
  name       text NOT NULL,
  applied_at bigint NOT NULL
);

CREATE TABLE blades (
  id        text COLLATE "C" PRIMARY KEY,
  resources json NOT NULL,
  state     text NOT NULL CHECK (state IN ('active', 'standby', 'failed', 'maintenance')),
  power     text NOT NULL CHECK (power IN ('on', 'off', 'unknown')),
  health    text NOT NULL CHECK (health IN ('ok', 'warning', 'critical', 'unreachable')),
  endpoint  text NOT NULL,
  chassis   text,
  slot      bigint,
  CHECK ((chassis IS NULL) = (slot IS NULL))
);

CREATE TABLE workloads (
  id             text COLLATE "C" PRIMARY KEY,
  requirements   json NOT NULL,
  source         text NOT NULL CHECK (source IN ('declared', 'vm-metadata', 'measured', 'host')),
  priority       double precision NOT NULL,
  blade          text COLLATE "C",
  state          text NOT NULL CHECK (state IN ('running', 'pending', 'transferring', 'finished')),
  moved_at       bigint,
  pending_reason text
);

CREATE TABLE transfers (
  id         text COLLATE "C" PRIMARY KEY,
  kind       text NOT NULL CHECK (kind IN ('failover', 'cascade', 'place')),
  workload   text COLLATE "C" NOT NULL,
  from_blade text COLLATE "C",
  to_blade   text COLLATE "C" NOT NULL,
  fit_before json,
  fit_after  json NOT NULL,
  status     text NOT NULL CHECK (status IN ('running', 'waiting', 'done', 'aborted')),
  reason     text,
  drain      boolean NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
CREATE INDEX transfers_by_status ON transfers (status, created_at, id);
CREATE INDEX transfers_by_workload ON transfers (workload, created_at, id);

CREATE TABLE transfer_steps (
  transfer   text COLLATE "C" NOT NULL REFERENCES transfers (id) ON DELETE CASCADE,
  position   integer NOT NULL CHECK (position >= 0),
  name       text NOT NULL,
  status     text NOT NULL CHECK (status IN ('started', 'succeeded', 'failed')),
  attempt    bigint NOT NULL,
  started_at bigint NOT NULL,
  ended_at   bigint,
  error      text,
  output     text,
  PRIMARY KEY (transfer, position)
);

CREATE TABLE checkpoints (
  id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  workload text COLLATE "C" NOT NULL,
  blade    text COLLATE "C" NOT NULL,
  sequence bigint NOT NULL,
  data     text NOT NULL,
  taken_at bigint NOT NULL
);
CREATE INDEX checkpoints_latest ON checkpoints (workload, sequence DESC, taken_at DESC, id DESC);

CREATE TABLE events (
  seq     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at      bigint NOT NULL,
  actor   text NOT NULL,
  type    text NOT NULL,
  subject text NOT NULL,
  data    json NOT NULL
);
CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are append-only: % refused', TG_OP;
END
$$;
CREATE TRIGGER events_no_change BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();

CREATE TABLE policy (
  id   integer PRIMARY KEY CHECK (id = 1),
  body json NOT NULL
);
`;

/* Leadership, as in SQLite: one row per partition; the epoch only grows and a row is never deleted. */
const V2_LEASES = `
CREATE TABLE leases (
  name        text COLLATE "C" PRIMARY KEY,
  holder      text NOT NULL,
  epoch       bigint NOT NULL CHECK (epoch >= 1),
  acquired_at bigint NOT NULL,
  renewed_at  bigint NOT NULL,
  expires_at  bigint NOT NULL
);
CREATE FUNCTION leases_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'UPDATE' THEN
    RAISE EXCEPTION 'leases are never deleted: an epoch must not be reused (% refused)', TG_OP;
  END IF;
  IF NEW.epoch < OLD.epoch THEN
    RAISE EXCEPTION 'a lease epoch never goes back';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER leases_guard BEFORE UPDATE OR DELETE ON leases
  FOR EACH ROW EXECUTE FUNCTION leases_guard();
CREATE TRIGGER leases_no_truncate BEFORE TRUNCATE ON leases
  FOR EACH STATEMENT EXECUTE FUNCTION leases_guard();
`;

/* API tokens, as in SQLite: only a sha256 of each secret; names and hashes are unique. */
const V3_TOKENS = `
CREATE TABLE tokens (
  id         text COLLATE "C" PRIMARY KEY,
  name       text NOT NULL UNIQUE,
  role       text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  hash       text NOT NULL UNIQUE CHECK (length(hash) = 64),
  created_at bigint NOT NULL,
  revoked_at bigint
);
`;

/* Round snapshots, as in SQLite: content-addressed, identical rounds stored once. */
const V4_ROUNDS = `
CREATE TABLE rounds (
  hash text COLLATE "C" PRIMARY KEY CHECK (length(hash) = 64),
  at   bigint NOT NULL,
  body text NOT NULL
);
`;

/* What the BMC calls a blade, and its slot as the enclosure prints it ("Blade 1"): shown next to the id. */
const V5_BLADE_NAMES = `
ALTER TABLE blades ADD COLUMN name text;
ALTER TABLE blades ADD COLUMN slot_label text;
`;

/** The failure detector's verdict on each blade and why (null: not observed since this version). */
const V6_BLADE_VERDICTS = `
ALTER TABLE blades ADD COLUMN verdict text
  CHECK (verdict IS NULL OR verdict IN ('healthy', 'degraded', 'suspect', 'failed', 'credentials'));
ALTER TABLE blades ADD COLUMN verdict_reason text;
`;

/*
 * Policy rules kept per record: a workload's hard floors (JSON) and whether it is pinned, and when a blade was last
 * repaired or added, from which its burn-in counts.
 */
const V7_POLICY_RULES = `
ALTER TABLE workloads ADD COLUMN minimum text;
ALTER TABLE workloads ADD COLUMN pinned boolean NOT NULL DEFAULT false;
ALTER TABLE blades ADD COLUMN burn_in_since bigint;
`;

/* Alarms, as in SQLite: one row per kind and subject, projected from the alarm.* audit events. */
const V8_ALARMS = `
CREATE TABLE alarms (
  id              text COLLATE "C" PRIMARY KEY,
  kind            text NOT NULL,
  subject         text NOT NULL,
  severity        text NOT NULL CHECK (severity IN ('critical', 'warning')),
  message         text NOT NULL,
  raised_at       bigint NOT NULL,
  raised_by       text NOT NULL,
  acknowledged_at bigint,
  acknowledged_by text,
  note            text,
  cleared_at      bigint,
  cleared_by      text,
  seq             bigint NOT NULL
);
CREATE INDEX alarms_open ON alarms (cleared_at, raised_at);
`;

/** What eligibility reads besides the verdict: the System's Status.State and its enclosure's power (null: unread). */
const V9_TARGET_FACTS = `
ALTER TABLE blades ADD COLUMN system_state text;
ALTER TABLE blades ADD COLUMN chassis_power text CHECK (chassis_power IS NULL OR chassis_power IN ('on', 'off'));
`;

/** What a failed blade's verdict rested on: its BMC answered or not, its workload alive, lost or not asked. */
const V10_FAILURE_EVIDENCE = `
ALTER TABLE blades ADD COLUMN failure_bmc text CHECK (failure_bmc IS NULL OR failure_bmc IN ('answered', 'silent'));
ALTER TABLE blades ADD COLUMN failure_workload text
  CHECK (failure_workload IS NULL OR failure_workload IN ('alive', 'lost', 'unknown'));
`;

export const POSTGRES_MIGRATIONS: readonly Migration[] = Object.freeze([
  { version: 1, name: 'initial', sql: V1_INITIAL },
  { version: 2, name: 'leases', sql: V2_LEASES },
  { version: 3, name: 'tokens', sql: V3_TOKENS },
  { version: 4, name: 'rounds', sql: V4_ROUNDS },
  { version: 5, name: 'blade names', sql: V5_BLADE_NAMES },
  { version: 6, name: 'blade verdicts', sql: V6_BLADE_VERDICTS },
  { version: 7, name: 'policy rules', sql: V7_POLICY_RULES },
  { version: 8, name: 'alarms', sql: V8_ALARMS },
  { version: 9, name: 'target facts', sql: V9_TARGET_FACTS },
  { version: 10, name: 'failure evidence', sql: V10_FAILURE_EVIDENCE },
]);

export const POSTGRES_SCHEMA_VERSION: number = POSTGRES_MIGRATIONS.at(-1)?.version ?? 0;
