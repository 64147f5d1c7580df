// The README's commands, run as a newcomer would: in order, from the repository, against a fresh data directory,
// each once the controller has settled (as a person reading its log would wait). A command that fails fails this.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ServeChild } from '../serve/serve-child.js';

/**
 * Every shell block of the README runs here, in order, unless the README marks it on the line before its fence
 * with `<!-- readme-test: skip: WHY -->`: the test lists those as skipped, with the README's reason.
 */
const SKIP = /^<!-- readme-test: skip: (.+) -->$/;
/** Commands that follow a stream until stopped: they pass when still running, quietly, when Ctrl-C stops them. */
const FOLLOWS = [/events --follow/, /curl -N/];
/** Commands that fail a blade: a person waits for the controller to notice and fail its workload over. */
const FAILS = /cascade (?:fail|fault (?:power-loss|memory-fault|fail)) (\S+)/;

interface Block {
  readonly section: string;
  readonly lines: string[];
  /** The README's reason not to run this block here, or null. */
  readonly skip: string | null;
}

function shellBlocks(readme: string): Block[] {
  const blocks: Block[] = [];
  let section = '';
  let open: Block | null = null;
  let previous = '';
  for (const line of readme.split('\n')) {
    if (open === null && /^#{2,3} /.test(line)) section = line;
    else if (open === null && line === '```sh') {
      open = { section, lines: [], skip: SKIP.exec(previous)?.[1] ?? null };
      blocks.push(open);
    } else if (open !== null && line.startsWith('```')) open = null;
    else if (open !== null && line.trim() !== '' && !line.trim().startsWith('#')) open.lines.push(line);
    previous = line;
  }
  return blocks;
}

/** A command the README shows with its output (`$ ./bin/cascade ...` opening a plain block), and its first line. */
interface Shown {
  readonly section: string;
  readonly command: string;
  readonly first: string;
  readonly skip: string | null;
}

function shownCommands(readme: string): Shown[] {
  const lines = readme.split('\n');
  const shown: Shown[] = [];
  let section = '';
  let fenced = false;
  lines.forEach((line, i) => {
    if (!fenced && /^#{2,3} /.test(line)) section = line;
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced && line.startsWith('$ ./bin/cascade ') && lines[i - 1] === '```')
      shown.push({
        section,
        command: line.slice(2),
        first: lines[i + 1] ?? '',
        skip: SKIP.exec(lines[i - 2] ?? '')?.[1] ?? null,
      });
  });
  return shown;
}

/** A figure that differs from run to run (how long a check took). */
const timing = (text: string): string => text.replace(/\d+ ms\b/g, 'N ms');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const blocks = shellBlocks(readme);
const running = blocks.filter((b) => b.skip === null);
const shown = shownCommands(readme);
const dir = mkdtempSync(join(tmpdir(), 'cascade-readme-'));
let serve: ServeChild;
let port = 0;
/** The shell's exports so far: `export X=$(...)` lines carry over to the next commands, as in one terminal. */
const env: Record<string, string> = {};

beforeAll(async () => {
  // A working directory that looks like the clone (./bin, ./examples), with its own ./data.
  for (const entry of ['bin', 'examples']) symlinkSync(join(ROOT, entry), join(dir, entry));
  port = await freePort();
  serve = new ServeChild('serve', ['--port', String(port)], {}, undefined, dir);
  await serve.waitFor((l) => l.msg === 'ready', 'serve ready', 90_000);
}, 120_000);
afterAll(async () => {
  await serve?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs one README line in bash in the working directory, with the exports so far; 8080 is this test's port. */
function runLine(line: string): Promise<{ code: number | null; out: string; err: string; follows: boolean }> {
  const follows = FOLLOWS.some((pattern) => pattern.test(line));
  const exported = /^export (\w+)=(.*)$/.exec(line);
  const script = (exported ? `${exported[1]}=${exported[2]}; printf %s "$${exported[1]}"` : line).replaceAll(
    '127.0.0.1:8080',
    `127.0.0.1:${port}`,
  );
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', `set -o pipefail; ${script}`], {
      cwd: dir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    let stopped = false;
    const stop = follows
      ? setTimeout(() => {
          stopped = true;
          child.kill('SIGINT');
        }, 4_000)
      : null;
    child.once('exit', (code) => {
      if (stop) clearTimeout(stop);
      if (exported) env[exported[1]!] = out;
      resolve({ code: stopped ? 0 : code, out, err, follows });
    });
  });
}

/** Waits until no transfer is open, as a person waits for the log to go quiet before the next command. */
async function settled(): Promise<void> {
  const token = env['CASCADE_TOKEN'];
  if (!token) return;
  for (const until = Date.now() + 90_000; Date.now() < until; await new Promise((r) => setTimeout(r, 250))) {
    const reply = await fetch(`http://127.0.0.1:${port}/api/v1/transfers?open=true`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (reply.ok && ((await reply.json()) as { items: unknown[] }).items.length === 0) return;
  }
  throw new Error('the controller did not settle within 90 s');
}

/** After a line that fails a blade: the controller saw it fail, and its workload runs elsewhere (or waits). */
async function noticed(blade: string): Promise<void> {
  const token = env['CASCADE_TOKEN'];
  if (!token) return;
  const get = async (path: string): Promise<unknown> =>
    (await fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${token}` } })).json();
  for (const until = Date.now() + 90_000; Date.now() < until; await new Promise((r) => setTimeout(r, 250))) {
    const view = (await get(`/api/v1/blades/${blade}`)) as { state?: string };
    const on = (await get(`/api/v1/workloads?blade=${blade}`)) as { items?: unknown[] };
    if (view.state === 'failed' && on.items?.length === 0) return;
  }
  throw new Error(`the controller did not fail ${blade} over within 90 s`);
}

describe('the README, command by command', () => {
  it('runs every shell block but those the README marks, and says why for each one it skips', () => {
    expect(running.length).toBeGreaterThan(0);
    expect(blocks.filter((b) => b.skip !== null).map((b) => b.section)).toStrictEqual([
      '## Two commands',
      '### Several controllers',
      '## Chaos: randomized faults, nothing lost',
    ]);
  });

  for (const b of blocks.filter((block) => block.skip !== null))
    it.skip(`${b.section}: not run here: ${b.skip}`, () => undefined);

  for (const c of shown.filter((x) => x.skip !== null))
    it.skip(`${c.section}: ${c.command}: not run here: ${c.skip}`, () => undefined);

  it.each(shown.filter((c) => c.skip === null).map((c) => [c.section, c.command, c.first] as const))(
    '%s: %s prints what the README shows',
    async (_section, command, first) => {
      const result = await runLine(command);
      expect({ command, code: result.code, first: timing((result.out || result.err).split('\n')[0]!) }).toStrictEqual({
        command,
        code: 0,
        first: timing(first),
      });
    },
  );

  it.each(running.flatMap((b) => b.lines.map((line) => [b.section, line] as const)))(
    '%s: %s',
    async (_section, line) => {
      await settled();
      const result = await runLine(line);
      expect({ line, code: result.code, stderr: result.err.trim() }).toEqual({
        line,
        code: 0,
        stderr: expect.any(String),
      });
      if (result.follows)
        expect(result.err).not.toMatch(/error|curl: \(|refused/i); // curl's progress meter is not an error
      else expect(result.out.length, `${line} printed nothing`).toBeGreaterThan(0);
      const failed = FAILS.exec(line)?.[1];
      if (failed) await noticed(failed);
    },
    120_000,
  );
});
