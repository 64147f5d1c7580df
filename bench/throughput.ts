// Cascade rounds and simulated years, each measured in a child process so its peak memory is its own.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HardwareFamily } from './instances.js';
import { median, sig } from './measure.js';

const child = fileURLToPath(new URL('./child.ts', import.meta.url));

function runChild(args: readonly string[]): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', child, ...args],
      { maxBuffer: 16 * 2 ** 20 },
      (error, stdout, stderr) => {
        if (error !== null)
          reject(new Error(`bench child ${args.join(' ')}: ${stderr.trim().split('\n').slice(-3).join(' ')}`));
        else resolve(JSON.parse(stdout) as Record<string, number>);
      },
    );
  });
}

export interface CascadeRow {
  /** generated: the simulator's blade mix (a few dozen shapes); varied: every size drawn on its own (hundreds). */
  readonly family: HardwareFamily;
  readonly candidates: number;
  readonly standby: number;
  readonly runs: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Peak resident memory of the process during the rounds, above what the inputs took before the first round. */
  readonly roundMemoryMiB: number;
  readonly peakRssMiB: number;
  readonly moves: number;
  readonly deferred: number;
}

export async function cascadeRounds(
  candidates: number,
  runs: number,
  family: HardwareFamily = 'generated',
  standby = candidates,
): Promise<CascadeRow> {
  const r = await runChild(['cascade', String(candidates), String(runs), family, String(standby)]);
  const ms = r['ms'] as unknown as number[];
  return {
    family,
    candidates,
    standby,
    runs,
    medianMs: sig(median(ms)),
    minMs: sig(Math.min(...ms)),
    maxMs: sig(Math.max(...ms)),
    roundMemoryMiB: sig(r['peakRssMiB']! - r['baseRssMiB']!, 3),
    peakRssMiB: sig(r['peakRssMiB']!, 3),
    moves: r['moves']!,
    deferred: r['deferred']!,
  };
}

export interface SimulationRow {
  readonly blades: number;
  readonly runs: number;
  readonly events: number;
  readonly transfers: number;
  readonly cascades: number;
  readonly failovers: number;
  readonly medianMs: number;
  readonly eventsPerSecond: number;
  readonly peakRssMiB: number;
  readonly generateMs: number;
}

export async function simulatedYear(blades: number, runs: number): Promise<SimulationRow> {
  const results: Record<string, number>[] = [];
  for (let run = 0; run < runs; run++) results.push(await runChild(['simulate', String(blades)]));
  const ms = median(results.map((r) => r['ms']!));
  const first = results[0]!;
  return {
    blades,
    runs,
    events: first['events']!,
    transfers: first['transfers']!,
    cascades: first['cascades']!,
    failovers: first['failovers']!,
    medianMs: sig(ms),
    eventsPerSecond: sig(first['events']! / (ms / 1000), 3),
    peakRssMiB: sig(median(results.map((r) => r['peakRssMiB']!)), 3),
    generateMs: sig(median(results.map((r) => r['generateMs']!))),
  };
}
