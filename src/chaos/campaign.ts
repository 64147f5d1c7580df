// A chaos campaign: many seeded runs, a few at a time, with a progress line, the figures for docs/reliability.md, and
// for every failing run its seed, a shrunk schedule written to a replay file, and the command that replays it.
import { writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import type { ChaosViolation } from './invariants.js';
import type { ReplayCounts, RunResult } from './run.js';
import { judged, loopDelayOf, runIsolated, type LoopDelay } from './run-isolated.js';
import { ACTION_KINDS, generateSchedule, type ActionKind, type Schedule } from './schedule.js';
import { shrinkSchedule } from './shrink.js';
import { SLOW_ANSWER_MS } from './invariants-operator.js';
import { withOperatorMix, type OperatorAnswer } from './operator-actions.js';
import { FENCED_THROUGH, withFencingMix, type FencedThrough } from './fencing-actions.js';
import { withManagementMix } from './management-actions.js';

export interface CampaignOptions {
  readonly runs: number;
  /** Run i plays the schedule of seed + i. */
  readonly seed: number;
  readonly parallel: number;
  /** Instead of generated schedules: this one, `runs` times. */
  readonly replay?: Schedule;
  /** Shrink failing runs and write replay files here; null: neither. */
  readonly replayDir: string | null;
  readonly onProgress?: (p: Progress) => void;
  /** Add the operator mix (operator-actions.ts) to every generated schedule. */
  readonly operators?: boolean;
  /** Add the management-path mix (management-actions.ts). */
  readonly management?: boolean;
  /** Add the fencing mix and give every blade four fencing levels (fencing-actions.ts). */
  readonly fencing?: boolean;
}

export interface Progress {
  readonly done: number;
  readonly runs: number;
  readonly faults: number;
  readonly kills: number;
  readonly violations: number;
  readonly errors: number;
  readonly elapsedMs: number;
}

export interface FailedRun {
  readonly seed: number;
  readonly violations: readonly ChaosViolation[];
  readonly error: string | null;
  readonly replayFile: string | null;
  readonly replayCommand: string | null;
  /** Actions in the shrunk schedule, of how many. */
  readonly shrunkTo: number | null;
  readonly actions: number;
  readonly tail: readonly string[];
}

export interface CampaignSummary {
  readonly runs: number;
  readonly seed: number;
  readonly parallel: number;
  readonly passed: number;
  /** Faults and operator actions applied, by kind (kills counted apart). */
  readonly faults: Record<Exclude<ActionKind, 'kill'>, number>;
  readonly faultsTotal: number;
  readonly kills: number;
  readonly violations: number;
  readonly violationsByRule: Record<string, number>;
  readonly harnessErrors: number;
  /** Runs whose controller missed part of the data center at its first start, and found it by rediscovery. */
  readonly lateSetups: number;
  /** Every decision of every run replayed from its stored round. */
  readonly replays: ReplayCounts;
  /** The operator mix's API answers: how many, 5xx and unanswered, and latencies while BMCs hung (ms). */
  readonly operatorAnswers: AnswerFigures;
  /** Failovers completed, by the fencing level that confirmed the source off (operator: `fence confirm`). */
  readonly fencedThrough: Record<FencedThrough, number>;
  readonly failed: readonly FailedRun[];
  readonly durationMs: number;
  readonly runMs: { readonly mean: number; readonly p50: number; readonly p95: number; readonly max: number };
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryGiB: number;
    readonly os: string;
    readonly node: string;
  };
  readonly startedAt: string;
  /** The campaign process's event-loop delay (ms): it only starts runs and adds up their figures. */
  readonly harnessLoopDelayMs: LoopDelay;
  /** Each run's own harness (emulator, desk) lateness: the worst p99 and max over the runs (ms). */
  readonly runLoopDelayMs: { readonly p99: number; readonly max: number };
  /** Runs that failed while their harness was late, and were played again (the second verdict counts). */
  readonly lateRetries: number;
  /** Runs per minute of wall time. */
  readonly runsPerMinute: number;
}

export async function runCampaign(o: CampaignOptions): Promise<CampaignSummary> {
  const startedAt = new Date();
  const t0 = Date.now();
  const loop = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  const faults = Object.fromEntries(ACTION_KINDS.filter((k) => k !== 'kill').map((k) => [k, 0])) as Record<
    Exclude<ActionKind, 'kill'>,
    number
  >;
  const byRule: Record<string, number> = {};
  const failed: FailedRun[] = [];
  const durations: number[] = [];
  let kills = 0;
  let violations = 0;
  let errors = 0;
  let lateSetups = 0;
  const replays = { identical: 0, different: 0, unavailable: 0 };
  let done = 0;
  let next = 0;
  const answers: OperatorAnswer[] = [];
  const fencedThrough = Object.fromEntries(FENCED_THROUGH.map((l) => [l, 0])) as Record<FencedThrough, number>;
  const progress = () =>
    o.onProgress?.({
      done,
      runs: o.runs,
      faults: Object.values(faults).reduce((a, b) => a + b, 0),
      kills,
      violations,
      errors,
      elapsedMs: Date.now() - t0,
    });

  let lateRetries = 0;
  const runLate = { p99: 0, max: 0 };
  const one = async (index: number): Promise<void> => {
    const schedule = o.replay ?? mixed(generateSchedule(o.seed + index), o);
    const result = await judged(schedule, () => lateRetries++);
    runLate.p99 = Math.max(runLate.p99, result.harnessLateMs.p99);
    runLate.max = Math.max(runLate.max, result.harnessLateMs.max);
    for (const a of result.answers) answers.push(a);
    for (const [level, n] of Object.entries(result.fencedThrough)) fencedThrough[level as FencedThrough] += n;
    durations.push(result.durationMs);
    kills += result.kills;
    if (result.lateSetup) lateSetups++;
    replays.identical += result.replays.identical;
    replays.different += result.replays.different;
    replays.unavailable += result.replays.unavailable;
    for (const [kind, n] of Object.entries(result.applied))
      if (kind !== 'kill')
        faults[kind as Exclude<ActionKind, 'kill'>] = (faults[kind as Exclude<ActionKind, 'kill'>] ?? 0) + n;
    violations += result.violations.length;
    for (const v of result.violations) byRule[v.rule] = (byRule[v.rule] ?? 0) + 1;
    if (result.error !== null) errors++;
    done++;
    progress();
    if (result.violations.length > 0 || result.error !== null) failed.push(await report(schedule, result, o.replayDir));
  };
  const workers = Array.from({ length: Math.max(1, Math.min(o.parallel, o.runs)) }, async () => {
    while (next < o.runs) {
      const index = next++;
      await one(index).catch((error: unknown) => {
        // The harness itself broke (e.g. no free port): count it, report it, go on.
        errors++;
        done++;
        failed.push({
          seed: o.replay?.seed ?? o.seed + index,
          violations: [],
          error: error instanceof Error ? error.message : String(error),
          replayFile: null,
          replayCommand: null,
          shrunkTo: null,
          actions: 0,
          tail: [],
        });
        progress();
      });
    }
  });
  await Promise.all(workers);
  loop.disable();
  const sorted = [...durations].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    runs: o.runs,
    seed: o.replay?.seed ?? o.seed,
    parallel: o.parallel,
    passed: o.runs - failed.length,
    faults,
    faultsTotal: Object.values(faults).reduce((a, b) => a + b, 0),
    kills,
    violations,
    violationsByRule: byRule,
    harnessErrors: errors,
    lateSetups,
    replays,
    operatorAnswers: answerFigures(answers),
    fencedThrough,
    failed: failed.sort((a, b) => a.seed - b.seed),
    durationMs: Date.now() - t0,
    runMs: {
      mean: Math.round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
      p50: at(0.5),
      p95: at(0.95),
      max: sorted.at(-1) ?? 0,
    },
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      os: `${platform()} ${release()}`,
      node: process.version,
    },
    startedAt: startedAt.toISOString(),
    harnessLoopDelayMs: loopDelayOf(loop),
    runLoopDelayMs: runLate,
    lateRetries,
    runsPerMinute: Math.round((o.runs / Math.max(1, Date.now() - t0)) * 60_000 * 10) / 10,
  };
}

/** A generated schedule with the mixes the campaign asked for, each from its own random stream. */
export function mixed(s: Schedule, o: Pick<CampaignOptions, 'operators' | 'management' | 'fencing'>): Schedule {
  const operators = o.operators ? withOperatorMix(s) : s;
  const management = o.management ? withManagementMix(operators) : operators;
  return o.fencing ? withFencingMix(management) : management;
}

/** A failing run: shrink its schedule (violations only: a harness error is no invariant to keep failing) and save it. */
async function report(schedule: Schedule, result: RunResult, replayDir: string | null): Promise<FailedRun> {
  const base = {
    seed: schedule.seed,
    violations: result.violations,
    error: result.error,
    actions: schedule.actions.length,
    tail: result.tail.slice(-40),
  };
  if (replayDir === null) return { ...base, replayFile: null, replayCommand: null, shrunkTo: null };
  // Shrinking replays the run many times and a long campaign may be stopped before it ends: what the failing run
  // saw is written first, so it is never lost with the summary.
  writeFileSync(
    join(replayDir, `cascade-chaos-seed-${schedule.seed}.failed.json`),
    `${JSON.stringify({ ...base, schedule }, null, 2)}\n`,
  );
  let minimal = schedule;
  if (result.violations.length > 0) {
    const rules = new Set(result.violations.map((v) => v.rule));
    const shrunk = await shrinkSchedule(schedule, async (s) =>
      (await runIsolated(s)).violations.some((v) => rules.has(v.rule)),
    );
    minimal = shrunk.schedule;
  }
  const file = join(replayDir, `cascade-chaos-seed-${schedule.seed}.json`);
  writeFileSync(file, `${JSON.stringify(minimal, null, 2)}\n`);
  return {
    ...base,
    replayFile: file,
    replayCommand: `npm run chaos -- --replay ${file}`,
    shrunkTo: minimal.actions.length,
  };
}

/** Percentiles of answer times, in ms. */
export interface AnswerTimes {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  /** Answers slower than SLOW_ANSWER_MS. */
  readonly slow: number;
}

export interface AnswerFigures {
  readonly total: number;
  readonly serverErrors: number;
  readonly unanswered: number;
  /** Answered while at least one BMC hung, and while none did: the same machine, the same load, side by side. */
  readonly hung: AnswerTimes;
  readonly calm: AnswerTimes;
}

function answerTimes(ms: readonly number[]): AnswerTimes {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    count: sorted.length,
    p50: at(0.5),
    p95: at(0.95),
    max: sorted.at(-1) ?? 0,
    slow: sorted.filter((m) => m > SLOW_ANSWER_MS).length,
  };
}

function answerFigures(answers: readonly OperatorAnswer[]): AnswerFigures {
  const answered = answers.filter((a) => a.status !== null);
  return {
    total: answers.length,
    serverErrors: answered.filter((a) => a.status !== null && a.status >= 500).length,
    unanswered: answers.length - answered.length,
    hung: answerTimes(answered.filter((a) => a.hungBmcs > 0).map((a) => a.ms)),
    calm: answerTimes(answered.filter((a) => a.hungBmcs === 0).map((a) => a.ms)),
  };
}
