// The chaos run's data center: a FakeWorld served by the emulator in the harness's own process (so it outlives every
// controller it kills), the controller's configuration and data directory, and an operator token in its store.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeWorld } from '../adapters/fake/index.js';
import { newToken } from '../api/tokens.js';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { fencingSection } from './fencing-actions.js';
import type { Schedule } from './schedule.js';

/** Short everything: a run lasts seconds, not minutes. */
export const CHAOS_TIMING = {
  tickMs: 5,
  unreachableDelayMs: 100,
  controller: {
    pollMs: 150,
    checkpointMs: 400,
    discoverMs: 500,
    callMs: 600,
    powerPollMs: 25,
    stepMs: 2_000,
    backoffMs: 20,
    maxBackoffMs: 200,
  },
  redfishTimeoutMs: 600,
} as const;

export interface Site {
  readonly world: FakeWorld;
  readonly emulator: Emulator;
  readonly dir: string;
  readonly db: string;
  readonly dataDir: string;
  readonly config: string;
  /** The controller's environment: Redfish credentials and the emulator's control token. */
  readonly env: Readonly<Record<string, string>>;
  /** An operator token for the controller's API. */
  readonly token: string;
  /** An admin token (policy changes, token revocation in the operator mix). */
  readonly adminToken: string;
  close(keepFiles: boolean): Promise<void>;
}

export async function startSite(schedule: Schedule): Promise<Site> {
  const world = new FakeWorld({
    tickMs: CHAOS_TIMING.tickMs,
    unreachableDelayMs: CHAOS_TIMING.unreachableDelayMs,
    blades: schedule.blades.map((b) => ({
      id: b.id,
      resources: b.resources,
      location: { chassis: b.chassis, slot: b.slot },
      power: b.power,
      powerDelayMs: b.powerDelayMs,
    })),
    workloads: schedule.workloads.map((w) => ({ id: w.id, requirements: w.requirements, blade: w.blade })),
  });
  const emulator = await startEmulator({ world });
  const dir = mkdtempSync(join(tmpdir(), 'cascade-chaos-'));
  const db = join(dir, 'cascade.db');
  const dataDir = join(dir, 'data');
  const config = join(dir, 'serve.yaml');
  writeFileSync(config, configText(emulator.url, db, schedule));
  const [token, adminToken] = await operatorToken(db);
  return {
    world,
    emulator,
    dir,
    db,
    dataDir,
    config,
    env: {
      CHAOS_REDFISH_USER: emulator.credentials.username,
      CHAOS_REDFISH_PASSWORD: emulator.credentials.password,
      CHAOS_CONTROL_TOKEN: emulator.controlToken ?? '',
    },
    token,
    adminToken,
    async close(keepFiles) {
      await emulator.close();
      if (!keepFiles) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function configText(url: string, db: string, schedule: Schedule): string {
  const c = CHAOS_TIMING.controller;
  const w = schedule.world ?? {};
  return [
    `db: '${db}'`,
    `redfish: [{ name: emulator, url: '${url}', usernameEnv: CHAOS_REDFISH_USER, passwordEnv: CHAOS_REDFISH_PASSWORD, timeoutMs: ${CHAOS_TIMING.redfishTimeoutMs}, retries: 0 }]`,
    `workloads: { emulatorUrl: '${url}', tokenEnv: CHAOS_CONTROL_TOKEN }`,
    `controller: { pollMs: ${c.pollMs}, checkpointMs: ${c.checkpointMs}, discoverMs: ${c.discoverMs}, callMs: ${c.callMs}, powerPollMs: ${c.powerPollMs}, stepMs: ${c.stepMs}, backoffMs: ${c.backoffMs}, maxBackoffMs: ${c.maxBackoffMs} }`,
    'policy: { cooldownSeconds: 0, replanSeconds: 1 }',
    'log: { level: info, format: json }',
    ...(w.failAfterMs === undefined ? [] : [`detection: { failAfterMs: ${w.failAfterMs} }`]),
    ...(w.fencing ? fencingSection(schedule, url, CHAOS_TIMING.redfishTimeoutMs) : []),
    '',
  ].join('\n');
}

/** Written straight into the store before the first start, as `cascade token create --db` would. */
async function operatorToken(db: string): Promise<[string, string]> {
  const store = SqliteStore.open(db);
  try {
    await store.migrate();
    const made = newToken('operator', 'chaos', Date.now());
    const admin = newToken('admin', 'chaos-admin', Date.now());
    await store.commit({ tokens: [made.record, admin.record] });
    return [made.secret, admin.secret];
  } finally {
    await store.close();
  }
}
