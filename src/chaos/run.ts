// One chaos run: the site and the controller child, the schedule played against them in real time (faults on the
// emulated hardware, operator calls on the controller's API, SIGKILLs), then quiet, then the invariants.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditEvent } from '../ports/store.js';
import { ControllerProcess } from './controller-process.js';
import { checkRun, type ChaosViolation, type RunRecords, type StoreRecords } from './invariants.js';
import { failoversByLevel, type FencedThrough } from './fencing-actions.js';
import { healthyDisrupted } from './invariants-healthy.js';
import { answerViolations, healthyFailed } from './invariants-operator.js';
import { isOperatorAction, type OperatorAnswer } from './operator-actions.js';
import type { ActionKind, Schedule } from './schedule.js';
import { storeAgrees } from './quiet-agree.js';
import { readStore, type ReplayCounts } from './run-store.js';
import { Player } from './player.js';
import { startSite, type Site } from './site.js';

export type { ReplayCounts } from './run-store.js';

export interface RunOptions {
  /** How long the system may take to go quiet after the last fault, in ms. */
  readonly settleTimeoutMs?: number;
  /** Keep the run's directory (store, config) when it fails. */
  readonly keepFailed?: boolean;
}

export interface RunResult {
  readonly seed: number;
  readonly violations: readonly ChaosViolation[];
  /** Actions applied, by kind (a kill while the controller was already down, or a fault on a blade not there, is skipped). */
  readonly applied: Partial<Record<ActionKind, number>>;
  readonly skipped: number;
  readonly kills: number;
  readonly durationMs: number;
  /** Set when the harness itself failed (could not start the controller...): the run proves nothing either way. */
  readonly error: string | null;
  /** The controller's last log lines, for a failing run. */
  readonly tail: readonly string[];
  readonly dir: string | null;
  /** The first start missed part of the data center (a BMC slow to the first inventory); rediscovery completed it. */
  readonly lateSetup: boolean;
  /** Every decision of the run (transfer.created, cascade.proposed) recomputed from its stored round. */
  readonly replays: ReplayCounts;
  /** The operator mix's API answers (status, latency), when the schedule had one. */
  readonly answers: readonly OperatorAnswer[];
  /** Failovers completed, by the fencing level that let them go on. */
  readonly fencedThrough: Partial<Record<FencedThrough, number>>;
}

const NO_REPLAYS: ReplayCounts = { identical: 0, different: 0, unavailable: 0 };

/** What the harness saw of a run before it broke; a run that broke before starting saw nothing. */
type SeenBeforeBreaking = Pick<RunResult, 'applied' | 'skipped' | 'kills' | 'tail' | 'dir' | 'lateSetup'>;
const NOTHING_SEEN: SeenBeforeBreaking = { applied: {}, skipped: 0, kills: 0, tail: [], dir: null, lateSetup: false };

/** A run the harness could not finish: it proves nothing either way, so it carries no violations and no figures. */
export function brokenRun(seed: number, started: number, error: string, seen = NOTHING_SEEN): RunResult {
  return {
    ...seen,
    seed,
    violations: [],
    durationMs: Date.now() - started,
    error,
    replays: NO_REPLAYS,
    answers: [],
    fencedThrough: {},
  };
}

/** How long nothing but checkpoints may happen before the system counts as quiet: above one replan period. */
const QUIET_MS = 1_300;

/**
 * How long the first start may take to see the whole data center. A BMC too slow for the first inventory leaves its
 * blade out until the controller's next discovery (CHAOS_TIMING.controller.discoverMs); past this, the run fails.
 * No fault has been injected yet, so waiting longer on a loaded machine excuses nothing the invariants judge.
 */
const SETUP_TIMEOUT_MS = 30_000;

export async function runSchedule(schedule: Schedule, options: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  const site = await startSite(schedule);
  const controller = new ControllerProcess({ config: site.config, dataDir: site.dataDir, env: site.env });
  const applied: Partial<Record<ActionKind, number>> = {};
  let skipped = 0;
  let failed = false;
  let lateSetup = false;
  try {
    await controller.start();
    // Faults start once the controller sees the whole data center: a BMC too slow for the first inventory joins,
    // with the workload running on it, at a later discovery.
    if (!(await setupComplete(site, controller, schedule))) {
      lateSetup = true;
      const deadline = Date.now() + SETUP_TIMEOUT_MS;
      while (!(await setupComplete(site, controller, schedule))) {
        if (Date.now() >= deadline)
          throw new Error(
            `setup incomplete: after ${SETUP_TIMEOUT_MS} ms the controller still did not know every blade and workload`,
          );
        await sleep(100);
      }
    }
    const player = new Player(site, controller);
    const outcomes = await player.play(schedule.actions);
    for (const [action, done] of outcomes) {
      if (done) applied[action.kind] = (applied[action.kind] ?? 0) + 1;
      else skipped++;
    }
    // The management path's outages and the hung BMCs are waited out, not cut short: they are the faults under test.
    await player.management.heal();
    await player.fencing.heal();
    await player.heal();
    if (schedule.actions.some(isOperatorAction)) await player.desk.clearMaintenance();
    const deadline = Date.now() + (options.settleTimeoutMs ?? 40_000);
    let quiesced = false;
    let store: StoreRecords;
    let replays = NO_REPLAYS;
    for (;;) {
      const quiet = await waitQuiet(site, controller, deadline - Date.now());
      quiesced = quiet.quiet;
      await controller.stop();
      ({ store, replays } = await readStore(site.db));
      // Work that began after the quiet spell (a blade discovered late, or back to health, then a plan) is left open
      // by the stop, or ended during it with nobody left to plan what it freed: not quiet after all. Start it again
      // and wait for it to end.
      const late = store.events.some((e) => e.seq > quiet.seen && e.type !== 'workload.checkpointed');
      if (
        !quiesced ||
        (!late && !store.transfers.some((t) => t.status === 'running' || t.status === 'waiting')) ||
        Date.now() >= deadline
      )
        break;
      await controller.start();
    }
    const records: RunRecords = { history: site.world.history(), world: finalWorld(site), store, quiesced };
    const operatorMix = schedule.actions.some(isOperatorAction);
    const violations = [
      ...checkRun(records),
      ...healthyDisrupted(records.history, store.transfers, store.events),
      ...(operatorMix ? [...answerViolations(player.desk.answers), ...healthyFailed(store)] : []),
    ];
    failed = violations.length > 0;
    // What the checks read, beside the store, for whoever debugs the run.
    if (failed && options.keepFailed)
      writeFileSync(join(site.dir, 'records.json'), JSON.stringify({ schedule, violations, ...records }, null, 1));
    return {
      seed: schedule.seed,
      violations,
      applied,
      skipped,
      kills: controller.kills,
      durationMs: Date.now() - started,
      error: null,
      tail: failed ? [...controller.tail] : [],
      dir: failed && options.keepFailed ? site.dir : null,
      lateSetup,
      replays,
      answers: player.desk.answers,
      fencedThrough: failoversByLevel(store.transfers),
    };
  } catch (error) {
    failed = true;
    const message = error instanceof Error ? error.message : String(error);
    return brokenRun(schedule.seed, started, message, {
      applied,
      skipped,
      kills: controller.kills,
      tail: [...controller.tail],
      dir: options.keepFailed ? site.dir : null,
      lateSetup,
    });
  } finally {
    await controller.stop().catch(() => undefined);
    await site.close(failed && options.keepFailed === true);
  }
}

async function setupComplete(site: Site, controller: ControllerProcess, schedule: Schedule): Promise<boolean> {
  const headers = { authorization: `Bearer ${site.token}` };
  const total = async (path: string) =>
    ((await (await fetch(`${controller.apiUrl ?? ''}${path}`, { headers })).json()) as { total?: number }).total;
  try {
    return (
      (await total('/api/v1/blades?limit=1')) === schedule.blades.length &&
      (await total('/api/v1/workloads?limit=1')) === schedule.workloads.length
    );
  } catch {
    return false;
  }
}

/**
 * Whether the system went quiet in time, and the last event seq seen by then. Quiet: no open transfer, the store's
 * running workloads running there, nothing but checkpoints logged for QUIET_MS.
 */
async function waitQuiet(
  site: Site,
  controller: ControllerProcess,
  timeoutMs: number,
): Promise<{ quiet: boolean; seen: number }> {
  const deadline = Date.now() + timeoutMs;
  const headers = { authorization: `Bearer ${site.token}` };
  let seen = 0;
  let lastChange = Date.now();
  while (Date.now() < deadline) {
    await sleep(100);
    const url = controller.apiUrl;
    if (url === null) return { quiet: false, seen };
    try {
      const open = (await (await fetch(`${url}/api/v1/transfers?open=true&limit=1`, { headers })).json()) as {
        total: number;
      };
      for (;;) {
        const page = (await (await fetch(`${url}/api/v1/events?after=${seen}&limit=1000`, { headers })).json()) as {
          items: AuditEvent[];
          more: boolean;
        };
        for (const e of page.items) if (e.type !== 'workload.checkpointed') lastChange = Date.now();
        seen = page.items.at(-1)?.seq ?? seen;
        if (!page.more) break;
      }
      if (open.total > 0 || !(await storeAgrees(site.world, url, site.token))) lastChange = Date.now();
      else if (Date.now() - lastChange >= QUIET_MS) return { quiet: true, seen };
    } catch {
      lastChange = Date.now();
    }
  }
  return { quiet: false, seen };
}

function finalWorld(site: Site): RunRecords['world'] {
  return site.world.workloadIds().map((id) => ({ id, runningOn: site.world.runningOn(id) }));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
