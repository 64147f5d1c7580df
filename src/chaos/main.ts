// `npm run chaos -- --runs N --seed S [--parallel P] [--json] [--out FILE] [--replay FILE]`: the chaos campaign's
// command line (mixes: --operators, --management, --fencing). Progress on stderr; the summary (text, or JSON with
// --json) on stdout and, with --out, in a file.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { z } from 'zod';
import { runCampaign, type AnswerTimes, type CampaignSummary, type Progress } from './campaign.js';
import { SLOW_ANSWER_MS } from './invariants-operator.js';
import { CASCADE_BIN, ROOT } from './controller-process.js';
import { scheduleSchema, type Schedule } from './schedule.js';

const optionsSchema = z.object({
  runs: z.coerce.number().int().min(1).max(1_000_000).optional(),
  seed: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 31)
    .default(1),
  parallel: z.coerce.number().int().min(1).max(64).default(2),
  json: z.boolean().default(false),
  out: z.string().min(1).optional(),
  replay: z.string().min(1).optional(),
  replayDir: z.string().min(1).default(tmpdir()),
  shrink: z.boolean().default(true),
  operators: z.boolean().default(false),
  management: z.boolean().default(false),
  fencing: z.boolean().default(false),
});

async function main(argv: readonly string[]): Promise<number> {
  const cli = new Command('chaos')
    .description(
      'Randomized faults against the real controller (a child process) and an emulated data center; checks the invariants after each run',
    )
    .option('--runs <n>', 'how many runs (default 10; with --replay 3)')
    .option('--seed <s>', 'run i plays the schedule of seed + i', '1')
    .option('--parallel <p>', 'runs at once', '2')
    .option('--json', 'print the summary as JSON')
    .option('--out <file>', 'also write the JSON summary to this file')
    .option('--replay <file>', 'play this schedule (a replay file a failing run wrote) instead of generated ones')
    .option('--replay-dir <dir>', 'where failing runs write their shrunk replay files', tmpdir())
    .option('--no-shrink', 'report failing runs without shrinking them')
    .option(
      '--operators',
      'add the operator mix (maintenance, repairs, withdrawals, unknown submits, policy, tokens, bad bodies)',
    )
    .option(
      '--management',
      'add the management-path mix (Redfish service outages, password changes, Absent, contradictions)',
    )
    .option('--fencing', 'add the fencing mix (hung BMC with its workload dead, failing fencing levels, fence confirm)')
    .exitOverride();
  try {
    cli.parse(argv, { from: 'user' });
  } catch (error) {
    // Commander printed the help, or what was wrong with the arguments.
    return error instanceof CommanderError &&
      (error.code === 'commander.helpDisplayed' || error.code === 'commander.help')
      ? 0
      : 2;
  }
  const parsed = optionsSchema.safeParse(cli.opts());
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    process.stderr.write(`chaos: --${String(issue?.path[0] ?? 'options')}: ${issue?.message ?? 'invalid'}\n`);
    return 2;
  }
  const o = parsed.data;
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    process.stderr.write(`chaos: ${CASCADE_BIN} needs dist/: run "npm run build" first\n`);
    return 2;
  }
  let replay: Schedule | undefined;
  if (o.replay !== undefined) {
    const loaded = loadReplay(o.replay);
    if (typeof loaded === 'string') {
      process.stderr.write(`chaos: ${loaded}\n`);
      return 2;
    }
    replay = loaded;
  }
  const runs = o.runs ?? (replay ? 3 : 10);
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  const onProgress = (p: Progress) => {
    const line = progressLine(p);
    // On a terminal, one line rewritten; in a log file, a line every 10 runs and at the end.
    if (tty) process.stderr.write(`\r${line}`);
    else if (p.done % 10 === 0 || p.done === p.runs || Date.now() - lastLine > 60_000) {
      lastLine = Date.now();
      process.stderr.write(`${line}\n`);
    }
  };
  const summary = await runCampaign({
    runs,
    seed: o.seed,
    parallel: o.parallel,
    ...(replay ? { replay } : {}),
    replayDir: o.shrink ? o.replayDir : null,
    onProgress,
    operators: o.operators,
    management: o.management,
    fencing: o.fencing,
  });
  if (tty) process.stderr.write('\n');
  if (o.out !== undefined) writeFileSync(o.out, `${JSON.stringify(summary, null, 2)}\n`);
  process.stdout.write(o.json ? `${JSON.stringify(summary, null, 2)}\n` : textSummary(summary));
  return summary.failed.length === 0 ? 0 : 1;
}

function progressLine(p: Progress): string {
  const s = Math.round(p.elapsedMs / 1000);
  return `chaos: runs ${p.done}/${p.runs}  faults ${p.faults}  kills ${p.kills}  violations ${p.violations}${p.errors > 0 ? `  harness errors ${p.errors}` : ''}  ${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

function loadReplay(file: string): Schedule | string {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return `--replay: cannot read ${file} as JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  const parsed = scheduleSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `--replay: ${file}: ${issue?.path.map(String).join('.') || '(top level)'}: ${issue?.message ?? 'invalid'}`;
  }
  return parsed.data;
}

/** One class of operator answers' times, for the text summary. */
function times(what: string, t: AnswerTimes): string {
  return `${what} ${t.count}: p50 ${t.p50} ms, p95 ${t.p95} ms, max ${t.max} ms, over ${SLOW_ANSWER_MS} ms ${t.slow}`;
}

function textSummary(s: CampaignSummary): string {
  const lines = [
    `chaos: ${s.runs} runs from seed ${s.seed} (${s.parallel} at a time) in ${Math.round(s.durationMs / 1000)} s; a run took ${s.runMs.p50} ms (median), ${s.runMs.p95} ms (p95)`,
    `faults and actions: ${s.faultsTotal} (${Object.entries(s.faults)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')})`,
    `controller kills (SIGKILL): ${s.kills}`,
    `blades the first start missed and rediscovery found: ${s.lateSetups} run(s)`,
    `decisions replayed from their stored rounds: ${s.replays.identical} identical, ${s.replays.different} different, ${s.replays.unavailable} without a round`,
    `operator answers: ${s.operatorAnswers.total} (5xx ${s.operatorAnswers.serverErrors}, unanswered ${s.operatorAnswers.unanswered}); ${times('while BMCs hung', s.operatorAnswers.hung)}; ${times('while none did', s.operatorAnswers.calm)}`,
    `failovers completed, by fencing level: ${Object.entries(s.fencedThrough)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
    `pace: ${s.runsPerMinute} runs a minute; campaign event-loop delay p50 ${s.harnessLoopDelayMs.p50} ms, p99 ${s.harnessLoopDelayMs.p99} ms, max ${s.harnessLoopDelayMs.max} ms; each run's harness: worst p99 ${s.runLoopDelayMs.p99} ms, worst max ${s.runLoopDelayMs.max} ms; runs played again after failing with a late harness: ${s.lateRetries}`,
    `invariant violations: ${s.violations}${s.harnessErrors > 0 ? `; harness errors: ${s.harnessErrors}` : ''}`,
  ];
  for (const f of s.failed) {
    lines.push('', `FAILED seed ${f.seed}${f.error ? ` (harness error: ${f.error})` : ''}`);
    for (const v of f.violations) lines.push(`  ${v.rule}: ${v.message}`);
    if (f.replayFile) lines.push(`  minimal reproduction (${f.shrunkTo} of ${f.actions} actions): ${f.replayCommand}`);
    lines.push(`  the whole run again: npm run chaos -- --runs 1 --seed ${f.seed}`);
  }
  return `${lines.join('\n')}\n`;
}

process.exitCode = await main(process.argv.slice(2));
