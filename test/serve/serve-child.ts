// A `cascade serve` child process seen from a test: its JSON log lines, waiting for one, its stderr and exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'cascade');

export interface ServeLine {
  readonly msg: string;
  readonly time?: number;
  readonly [key: string]: unknown;
}

export class ServeChild {
  readonly process: ChildProcess;
  readonly lines: ServeLine[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #waiters: { match: (l: ServeLine) => boolean; resolve: (l: ServeLine) => void }[] = [];

  constructor(
    readonly name: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv = {},
    onLine?: (line: ServeLine, child: ServeChild) => void,
  ) {
    this.process = spawn(process.execPath, [BIN, 'serve', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.process.once('exit', (code, signal) => resolve({ code, signal })));
    createInterface({ input: this.process.stderr! }).on('line', (text) => this.stderr.push(text));
    createInterface({ input: this.process.stdout! }).on('line', (text) => {
      let line: ServeLine;
      try {
        line = JSON.parse(text) as ServeLine;
      } catch {
        return;
      }
      this.lines.push(line);
      onLine?.(line, this);
      this.#waiters = this.#waiters.filter((w) => (w.match(line) ? (w.resolve(line), false) : true));
    });
  }

  waitFor(match: (l: ServeLine) => boolean, what: string, timeoutMs = 30_000): Promise<ServeLine> {
    const already = this.lines.find(match);
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const tail = this.lines.slice(-20).map((l) => JSON.stringify(l)).join('\n');
        reject(new Error(`${this.name}: timed out waiting for ${what}; stderr: ${this.stderr.join('\n')}; last lines:\n${tail}`));
      }, timeoutMs);
      this.#waiters.push({ match, resolve: (l) => (clearTimeout(timer), resolve(l)) });
    });
  }

  /** SIGTERM (a clean stop), or SIGKILL if it does not exit within a few seconds. */
  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 8_000);
    await this.exited;
    clearTimeout(timer);
  }
}
