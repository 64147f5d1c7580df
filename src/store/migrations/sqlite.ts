// The SQLite schema as an ordered list of versioned migrations; the runner applies the pending ones.

export interface Migration {
  /** 1, 2, 3, ... with no gaps; never renumber or edit a migration that has shipped: add a new one. */
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/*
 * Why it looks like this:
 * - STRICT tables: SQLite otherwise stores a string in an INTEGER column without a word; we want the
 *   same type errors PostgreSQL would raise. Times are whole milliseconds since the epoch (INTEGER).
 * - Resources, requirements, fits, step outputs, event data and the policy are JSON text: they are
 *   read and written whole, never queried by key, and any resource key may appear (DESIGN section 2).
 * - CHECK constraints repeat the record types' unions so a bug cannot store a state no reader knows.
 * - No foreign keys between blades, workloads and transfers: the audit trail must keep a transfer
 *   whose blade was later removed. Steps do belong to their transfer.
 * - events is append-only in the database itself (triggers), not only by convention in the code:
 *   it is the audit trail, and AUTOINCREMENT keeps a seq from ever being handed out twice.
 */
const V1_INITIAL = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_at INTEGER NOT NULL
) STRICT;

CREATE TABLE blades (
  id        TEXT PRIMARY KEY,
  resources TEXT NOT NULL CHECK (json_valid(resources)),
  state     TEXT NOT NULL CHECK (state IN ('active', 'standby', 'failed', 'maintenance')),
  power     TEXT NOT NULL CHECK (power IN ('on', 'off', 'unknown')),
  health    TEXT NOT NULL CHECK (health IN ('ok', 'warning', 'critical', 'unreachable')),
  endpoint  TEXT NOT NULL,
  chassis   TEXT,
  slot      INTEGER,
  CHECK ((chassis IS NULL) = (slot IS NULL))
) STRICT;

CREATE TABLE workloads (
  id             TEXT PRIMARY KEY,
  requirements   TEXT NOT NULL CHECK (json_valid(requirements)),
  source         TEXT NOT NULL CHECK (source IN ('declared', 'vm-metadata', 'measured', 'host')),
  priority       REAL NOT NULL,
  blade          TEXT,
  state          TEXT NOT NULL CHECK (state IN ('running', 'pending', 'transferring', 'finished')),
  moved_at       INTEGER,
  pending_reason TEXT
) STRICT;

CREATE TABLE transfers (
  id         TEXT PRIMARY KEY,
  kind       TEXT NOT NULL CHECK (kind IN ('failover', 'cascade', 'place')),
  workload   TEXT NOT NULL,
  from_blade TEXT,
  to_blade   TEXT NOT NULL,
  fit_before TEXT CHECK (fit_before IS NULL OR json_valid(fit_before)),
  fit_after  TEXT NOT NULL CHECK (json_valid(fit_after)),
  status     TEXT NOT NULL CHECK (status IN ('running', 'waiting', 'done', 'aborted')),
  reason     TEXT,
  drain      INTEGER NOT NULL CHECK (drain IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
-- The reconcile loop asks for open transfers on every pass; the API asks per workload.
CREATE INDEX transfers_by_status ON transfers (status, created_at, id);
CREATE INDEX transfers_by_workload ON transfers (workload, created_at, id);

-- One row per step attempt, in the order the transfer record lists them.
CREATE TABLE transfer_steps (
  transfer   TEXT NOT NULL REFERENCES transfers (id) ON DELETE CASCADE,
  position   INTEGER NOT NULL CHECK (position >= 0),
  name       TEXT NOT NULL,
  status     TEXT NOT NULL CHECK (status IN ('started', 'succeeded', 'failed')),
  attempt    INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at   INTEGER,
  error      TEXT,
  output     TEXT,
  PRIMARY KEY (transfer, position)
) STRICT;

-- History is kept; the latest is the highest sequence, then the latest taken_at, then the last inserted.
CREATE TABLE checkpoints (
  id       INTEGER PRIMARY KEY,
  workload TEXT NOT NULL,
  blade    TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  data     TEXT NOT NULL,
  taken_at INTEGER NOT NULL
) STRICT;
CREATE INDEX checkpoints_latest ON checkpoints (workload, sequence DESC, taken_at DESC, id DESC);

CREATE TABLE events (
  seq     INTEGER PRIMARY KEY AUTOINCREMENT,
  at      INTEGER NOT NULL,
  actor   TEXT NOT NULL,
  type    TEXT NOT NULL,
  subject TEXT NOT NULL,
  data    TEXT NOT NULL CHECK (json_valid(data))
) STRICT;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE refused'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE refused'); END;
-- INSERT OR REPLACE deletes the old row without firing DELETE triggers: refuse reusing a seq up front.
CREATE TRIGGER events_no_replace BEFORE INSERT ON events
WHEN EXISTS (SELECT 1 FROM events WHERE seq = NEW.seq)
BEGIN SELECT RAISE(ABORT, 'events are append-only: REPLACE refused'); END;

-- A single row: the CHECK makes a second one impossible.
CREATE TABLE policy (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  body TEXT NOT NULL CHECK (json_valid(body))
) STRICT;
`;

/*
 * Leadership: one row per partition. `epoch` only grows: a grant updates the row in place,
 * never deletes it, so an epoch is never handed out twice even across lapses. Times are the store's
 * clock in ms; for SQLite that is the clock of the machine the file lives on, shared by every process.
 */
const V2_LEASES = `
CREATE TABLE leases (
  name        TEXT PRIMARY KEY,
  holder      TEXT NOT NULL,
  epoch       INTEGER NOT NULL CHECK (epoch >= 1),
  acquired_at INTEGER NOT NULL,
  renewed_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
) STRICT;
CREATE TRIGGER leases_no_delete BEFORE DELETE ON leases
BEGIN SELECT RAISE(ABORT, 'leases are never deleted: an epoch must not be reused'); END;
CREATE TRIGGER leases_epoch_grows BEFORE UPDATE OF epoch ON leases
WHEN NEW.epoch < OLD.epoch
BEGIN SELECT RAISE(ABORT, 'a lease epoch never goes back'); END;
`;

/*
 * Tokens: the HTTP API's bearer tokens. Only a sha256 of each secret is kept: tokens are
 * 32 random bytes, so a fast hash is enough (nothing to brute-force), and a stolen database opens no door.
 * Names are unique because the audit log records changes as `token:<name>`.
 */
const V3_TOKENS = `
CREATE TABLE tokens (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  role       TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  hash       TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;
`;

/*
 * Round snapshots: the input of every planning round that started a transfer or a proposal, so a decision can
 * be replayed. Keyed by a sha256 of the snapshot: identical rounds are stored once (INSERT OR IGNORE).
 */
const V4_ROUNDS = `
CREATE TABLE rounds (
  hash TEXT PRIMARY KEY CHECK (length(hash) = 64),
  at   INTEGER NOT NULL,
  body TEXT NOT NULL CHECK (json_valid(body))
) STRICT;
`;

/* What the BMC calls a blade, and its slot as the enclosure prints it ("Blade 1"): shown next to the id. */
const V5_BLADE_NAMES = `
ALTER TABLE blades ADD COLUMN name TEXT;
ALTER TABLE blades ADD COLUMN slot_label TEXT;
`;

/** The failure detector's verdict on each blade and why (null: not observed since this version). */
const V6_BLADE_VERDICTS = `
ALTER TABLE blades ADD COLUMN verdict TEXT
  CHECK (verdict IS NULL OR verdict IN ('healthy', 'degraded', 'suspect', 'failed', 'credentials'));
ALTER TABLE blades ADD COLUMN verdict_reason TEXT;
`;

/*
 * Policy rules kept per record: a workload's hard floors (JSON) and whether it is pinned, and when a blade was last
 * repaired or added, from which its burn-in counts.
 */
const V7_POLICY_RULES = `
ALTER TABLE workloads ADD COLUMN minimum TEXT;
ALTER TABLE workloads ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1));
ALTER TABLE blades ADD COLUMN burn_in_since INTEGER;
`;

/*
 * Alarms: one row per kind and subject, projected from the `alarm.*` audit events (the log stays the history;
 * a condition raised again after a clear reuses its row). `seq` is the last event applied to the row.
 */
const V8_ALARMS = `
CREATE TABLE alarms (
  id              TEXT PRIMARY KEY,
  kind            TEXT NOT NULL,
  subject         TEXT NOT NULL,
  severity        TEXT NOT NULL CHECK (severity IN ('critical', 'warning')),
  message         TEXT NOT NULL,
  raised_at       INTEGER NOT NULL,
  raised_by       TEXT NOT NULL,
  acknowledged_at INTEGER,
  acknowledged_by TEXT,
  note            TEXT,
  cleared_at      INTEGER,
  cleared_by      TEXT,
  seq             INTEGER NOT NULL
) STRICT;
CREATE INDEX alarms_open ON alarms (cleared_at, raised_at);
`;

/** What eligibility reads besides the verdict: the System's Status.State and its enclosure's power (null: unread). */
const V9_TARGET_FACTS = `
ALTER TABLE blades ADD COLUMN system_state TEXT;
ALTER TABLE blades ADD COLUMN chassis_power TEXT CHECK (chassis_power IS NULL OR chassis_power IN ('on', 'off'));
`;

/** What a failed blade's verdict rested on: its BMC answered or not, its workload alive, lost or not asked. */
const V10_FAILURE_EVIDENCE = `
ALTER TABLE blades ADD COLUMN failure_bmc TEXT CHECK (failure_bmc IS NULL OR failure_bmc IN ('answered', 'silent'));
ALTER TABLE blades ADD COLUMN failure_workload TEXT
  CHECK (failure_workload IS NULL OR failure_workload IN ('alive', 'lost', 'unknown'));
`;

export const SQLITE_MIGRATIONS: readonly Migration[] = Object.freeze([
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

/** The schema version this code brings a database to. */
export const SQLITE_SCHEMA_VERSION: number = SQLITE_MIGRATIONS.at(-1)?.version ?? 0;
