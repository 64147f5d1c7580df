// The CLI as a user meets it: whole `cascade` processes (start-up, reading the file, deciding, printing), timed
// from outside with their peak memory, so that they compare with the peers' whole processes on the same input.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { median, now, sig } from './measure.js';

const BIN = fileURLToPath(new URL('../bin/cascade', import.meta.url));
/** GNU time prints the child's peak resident set (KiB) on stderr; without it only times are reported. */
const TIME = '/usr/bin/time';

export interface ProcessRun {
  readonly ms: number;
  readonly peakRssMiB: number | null;
  readonly stdout: string;
}

export function runProcess(command: string, args: readonly string[], timeoutMs = 600_000): Promise<ProcessRun> {
  const timed = existsSync(TIME);
  const [file, argv] = timed ? [TIME, ['-f', '%M', command, ...args]] : [command, args];
  const start = now();
  return new Promise((resolve, reject) => {
    execFile(file, argv, { timeout: timeoutMs, maxBuffer: 1024 * 2 ** 20 }, (error, stdout, stderr) => {
      const ms = now() - start;
      if (error !== null)
        return reject(
          new Error(`${command} ${args.join(' ')}: ${stderr.trim().split('\n').slice(-2).join(' ') || error.message}`),
        );
      const kib = timed ? Number(stderr.trim().split('\n').at(-1)) : Number.NaN;
      resolve({ ms, peakRssMiB: Number.isFinite(kib) ? sig(kib / 1024, 3) : null, stdout });
    });
  });
}

/** One `cascade` command line, whole-process. */
export function cascadeProcess(args: readonly string[]): Promise<ProcessRun> {
  return runProcess(process.execPath, [BIN, ...args]);
}

export interface StartRow {
  readonly runs: number;
  /** `cascade --version`, whole-process. */
  readonly versionMs: number;
  /** `node -e 0` in the same runs, interleaved: the floor no Node program starts below. */
  readonly nodeMs: number;
}

export async function cliStart(runs: number): Promise<StartRow> {
  const version: number[] = [];
  const node: number[] = [];
  for (let run = 0; run < runs; run++) {
    version.push((await cascadeProcess(['--version'])).ms);
    node.push((await runProcess(process.execPath, ['-e', '0'])).ms);
  }
  return { runs, versionMs: sig(median(version), 3), nodeMs: sig(median(node), 3) };
}

export interface PlanRow {
  readonly blades: number;
  readonly format: 'json' | 'yaml';
  readonly runs: number;
  readonly medianMs: number;
  readonly peakRssMiB: number | null;
}

/** `cascade plan FILE --fail ID --json` on `failing` blades in turn; medians over the runs. */
export async function cliPlan(
  file: string,
  blades: number,
  format: 'json' | 'yaml',
  failing: readonly string[],
): Promise<PlanRow> {
  const ms: number[] = [];
  const rss: number[] = [];
  for (const id of failing) {
    const run = await cascadeProcess(['plan', file, '--fail', id, '--json']);
    ms.push(run.ms);
    if (run.peakRssMiB !== null) rss.push(run.peakRssMiB);
  }
  return {
    blades,
    format,
    runs: failing.length,
    medianMs: sig(median(ms), 3),
    peakRssMiB: rss.length === 0 ? null : Math.max(...rss),
  };
}
