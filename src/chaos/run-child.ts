// One chaos run in a process of its own (what run-isolated.ts starts): its emulator, operator desk and players get an
// event loop that no other run shares. Reads the schedule from a file, writes the result and how late its own event
// loop was to another: `run-child.ts SCHEDULE.json RESULT.json [keep]`.
import { readFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { runSchedule } from './run.js';
import { loopDelayOf } from './run-isolated.js';
import { scheduleSchema } from './schedule.js';

const [scheduleFile, resultFile, keep] = process.argv.slice(2);
if (scheduleFile === undefined || resultFile === undefined) {
  process.stderr.write('run-child: usage: run-child.ts SCHEDULE.json RESULT.json [keep]\n');
  process.exit(2);
}
const parsed = scheduleSchema.safeParse(JSON.parse(readFileSync(scheduleFile, 'utf8')));
if (!parsed.success) {
  const issue = parsed.error.issues[0];
  process.stderr.write(`run-child: ${scheduleFile}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}\n`);
  process.exit(2);
}
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const result = await runSchedule(parsed.data, { keepFailed: keep === 'keep' });
loop.disable();
writeFileSync(resultFile, JSON.stringify({ ...result, harnessLateMs: loopDelayOf(loop) }));
// The emulator's keep-alive sockets and the world's ticker would keep the process up: the run is over.
process.exit(0);
