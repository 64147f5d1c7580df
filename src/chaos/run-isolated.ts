// Runs one chaos schedule in a child process (run-child.ts), so that parallel runs do not share one event loop: on a
// loaded machine a shared loop served every run's emulator late, and its Redfish answers and operator calls missed
// their deadlines as if BMCs and the API had failed. The child reports how late its own loop was, and a run whose
// loop was late enough to make the emulator miss the controller's deadlines is marked as such.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './controller-process.js';
import type { IntervalHistogram } from 'node:perf_hooks';
import { brokenRun, type RunOptions, type RunResult } from './run.js';
import type { Schedule } from './schedule.js';
import { CHAOS_TIMING } from './site.js';

/** Event-loop delay percentiles of the harness process (ms). */
export interface LoopDelay {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface IsolatedResult extends RunResult {
  /** How late the run's own harness (emulator, desk, player) served its timers and sockets. */
  readonly harnessLateMs: LoopDelay;
}

/**
 * A harness whose loop stalled this long answered some Redfish calls past the controller's deadline (half of it: a
 * call waits on the controller's side too): the emulator looked like a lost BMC, and a heartbeat like a dead workload.
 */
export const HARNESS_LATE_MS = CHAOS_TIMING.redfishTimeoutMs / 2;

export function harnessWasLate(r: IsolatedResult): boolean {
  return r.harnessLateMs.max >= HARNESS_LATE_MS;
}

/** Longer than any run's settle and setup timeouts together: a child past it is stuck. */
const CHILD_TIMEOUT_MS = 15 * 60_000;

const self = import.meta.filename;
const CHILD = join(import.meta.dirname, self.endsWith('.ts') ? 'run-child.ts' : 'run-child.js');

export async function runIsolated(schedule: Schedule, options: RunOptions = {}): Promise<IsolatedResult> {
  const dir = mkdtempSync(join(tmpdir(), 'cascade-chaos-run-'));
  const scheduleFile = join(dir, 'schedule.json');
  const resultFile = join(dir, 'result.json');
  writeFileSync(scheduleFile, JSON.stringify(schedule));
  const started = Date.now();
  const args = [
    ...(CHILD.endsWith('.ts') ? ['--import', 'tsx'] : []),
    CHILD,
    scheduleFile,
    resultFile,
    ...(options.keepFailed ? ['keep'] : []),
  ];
  try {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = `${stderr}${chunk.toString()}`.slice(-4_000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    clearTimeout(timer);
    if (code !== 0) return failedChild(schedule, started, `the run's process exited with ${code}: ${stderr.trim()}`);
    return JSON.parse(readFileSync(resultFile, 'utf8')) as IsolatedResult;
  } catch (error) {
    return failedChild(schedule, started, error instanceof Error ? error.message : String(error));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function failedChild(schedule: Schedule, started: number, error: string): IsolatedResult {
  return { ...brokenRun(schedule.seed, started, error), harnessLateMs: { p50: 0, p99: 0, max: 0 } };
}

/** An event-loop delay histogram's figures in ms (it counts in ns). */
export function loopDelayOf(h: IntervalHistogram): LoopDelay {
  const ms = (ns: number) => Math.round(ns / 1e6);
  return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) };
}

/**
 * One run in its own process, and its verdict. A run that failed (or broke) while its harness was late (harnessWasLate: the
 * emulator itself answered past the controller's deadlines) is played again once; failing again with a late harness,
 * it is a harness error that quotes its violations (the campaign still fails, nothing is hidden); failing again with
 * a punctual harness, its violations stand.
 */
export async function judged(schedule: Schedule, retried: () => void): Promise<IsolatedResult> {
  const first = await runIsolated(schedule, { keepFailed: true });
  const passed = (r: IsolatedResult) => r.violations.length === 0 && r.error === null;
  if (passed(first) || !harnessWasLate(first)) return first;
  retried();
  const again = await runIsolated(schedule, { keepFailed: true });
  if (passed(again) || !harnessWasLate(again) || again.violations.length === 0) return again;
  const seen = again.violations.map((v) => `${v.rule}: ${v.message}`).join('; ');
  return {
    ...again,
    violations: [],
    error: `the harness was late (its event loop stalled ${first.harnessLateMs.max} ms, then ${again.harnessLateMs.max} ms): not judged; violations seen: ${seen}`,
  };
}
