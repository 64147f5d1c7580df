// The live controller as a user runs it: a real `cascade serve` child on an emulated data center (default
// configuration, checkpoints on): time to ready, its memory, and one emulator fault to the failover decision.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/cascade', import.meta.url));
const PER_CHASSIS = 50;

export interface LiveRow {
  readonly blades: number;
  /** From the spawn to the "ready" log line; null when it never got ready within the limit. */
  readonly readyMs: number | null;
  readonly rssMiB: number | null;
  readonly peakRssMiB: number | null;
  /** From the emulator fault to the controller's "blade X failed"; null when not seen in time. */
  readonly decisionMs: number | null;
  /** Failure verdicts on blades that were not failed on purpose, while it ran. */
  readonly falseVerdicts: number;
  readonly crashed: boolean;
  readonly load: readonly number[];
}

/** One serve child of `blades` blades, stopped (its whole process group) before this returns. */
export async function liveStart(blades: number, limitMs = 240_000, soakMs = 10_000): Promise<LiveRow> {
  const dir = await mkdtemp(join(tmpdir(), 'cascade-live-'));
  const config = join(dir, 'cascade.yaml');
  await writeFile(
    config,
    [
      'emulator:',
      `  chassis: ${Math.ceil(blades / PER_CHASSIS)}`,
      `  bladesPerChassis: ${Math.min(PER_CHASSIS, blades)}`,
      'listen:',
      '  api: { port: 0 }',
      'log: { format: json }',
      '',
    ].join('\n'),
  );
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'serve', '--config', config, '--data', join(dir, 'data')], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let readyMs: number | null = null;
  let failedAt: { blade: string; at: number } | null = null;
  let decisionMs: number | null = null;
  let falseVerdicts = 0;
  let crashed = false;
  const waiters: (() => void)[] = [];
  const wake = (): void => {
    for (const w of waiters.splice(0)) w();
  };
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const msg = /"msg":"([^"]*)"/.exec(line)?.[1] ?? '';
      if (msg === 'ready' && readyMs === null) readyMs = performance.now() - started;
      const failed = /^blade (\S+) failed$/.exec(msg);
      if (failed) {
        if (failedAt && failed[1] === failedAt.blade) decisionMs ??= performance.now() - failedAt.at;
        else falseVerdicts++;
      }
      wake();
    }
  });
  child.stderr.resume();
  child.on('exit', (code, signal) => {
    if (signal !== 'SIGTERM' && signal !== 'SIGKILL') crashed = code !== 0 || readyMs === null;
    wake();
  });
  const until = async (done: () => boolean, ms: number): Promise<void> => {
    const end = performance.now() + ms;
    while (!done() && !crashed && child.exitCode === null && performance.now() < end)
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 250).unref();
      });
  };
  let rss: { now: number; peak: number } | null = null;
  try {
    await until(() => readyMs !== null, limitMs);
    if (readyMs !== null) {
      const blade = await runningBlade(join(dir, 'data'));
      failedAt = { blade: blade.id, at: performance.now() };
      await blade.fail();
      await until(() => decisionMs !== null, 30_000);
      await until(() => false, soakMs);
    }
    rss = child.pid === undefined ? null : await memoryOf(child.pid);
  } finally {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Gone already.
      }
      await until(() => child.exitCode !== null, 10_000);
      if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
  }
  return {
    blades,
    readyMs,
    rssMiB: rss?.now ?? null,
    peakRssMiB: rss?.peak ?? null,
    decisionMs,
    falseVerdicts,
    crashed,
    load: loadavg(),
  };
}

/** The live targets at 10,000 blades, against this run's row (one run: no median yet). */
export function liveTargets(rows: readonly LiveRow[]): { target: string; measured: string; met: boolean | null }[] {
  const row = rows.find((r) => r.blades === 10_000);
  if (!row) return [];
  const ms = (v: number | null): string => (v === null ? 'not seen' : `${Math.round(v)} ms`);
  return [
    { target: 'live 10,000 blades ready < 20 s', measured: ms(row.readyMs), met: (row.readyMs ?? Infinity) < 20_000 },
    {
      target: 'live 10,000 blades fault to decision < 1 s',
      measured: ms(row.decisionMs),
      met: (row.decisionMs ?? Infinity) < 1_000,
    },
    {
      target: 'live 10,000 blades RSS < 1 GiB',
      measured: row.peakRssMiB === null ? 'unknown' : `${Math.round(row.peakRssMiB)} MiB`,
      met: row.peakRssMiB === null ? null : row.peakRssMiB < 1024,
    },
  ];
}

/** A blade that runs a workload, from the emulator's control API (serve.json names it), and how to fail it. */
async function runningBlade(data: string): Promise<{ id: string; fail: () => Promise<void> }> {
  const state = JSON.parse(await readFile(join(data, 'serve.json'), 'utf8')) as {
    emulator: { url: string; token: string | null };
  };
  const headers: Record<string, string> = state.emulator.token
    ? { Authorization: `Bearer ${state.emulator.token}` }
    : {};
  const listed = (await (await fetch(`${state.emulator.url}/emulator/v1/workloads`, { headers })).json()) as {
    workloads: { state: string; blade: string | null }[];
  };
  const id = listed.workloads.find((w) => w.state === 'running' && w.blade !== null)?.blade;
  if (!id) throw new Error('live bench: no running workload to fail');
  return {
    id,
    fail: async () => {
      const reply = await fetch(`${state.emulator.url}/emulator/v1/blades/${encodeURIComponent(id)}/faults`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ kind: 'fail' }),
      });
      if (!reply.ok) throw new Error(`live bench: fault on ${id} answered ${reply.status}`);
    },
  };
}

async function memoryOf(pid: number): Promise<{ now: number; peak: number } | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { now: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

// `tsx bench/live.ts N [SOAK_S]`: one row as JSON, for a measurement outside `npm run bench`.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const row = await liveStart(Number(process.argv[2] ?? 2_000), 300_000, Number(process.argv[3] ?? 10) * 1000);
  process.stdout.write(`${JSON.stringify(row)}\n`);
}
