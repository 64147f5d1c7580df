// A `cascade serve` child process seen from a test: its JSON log lines, waiting for one, its stderr and exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { JsonLines } from '../support/json-lines.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'cascade');

export interface ServeLine {
  readonly msg: string;
  readonly time?: number;
  readonly [key: string]: unknown;
}

export class ServeChild {
  readonly process: ChildProcess;
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #out: JsonLines<ServeLine>;

  constructor(
    readonly name: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv = {},
    onLine?: (line: ServeLine, child: ServeChild) => void,
    cwd: string = ROOT,
  ) {
    this.process = spawn(process.execPath, [BIN, 'serve', ...args], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => this.process.once('exit', (code, signal) => resolve({ code, signal })));
    createInterface({ input: this.process.stderr! }).on('line', (text) => this.stderr.push(text));
    this.#out = new JsonLines<ServeLine>(
      this.process.stdout!,
      name,
      (line) => onLine?.(line, this),
      () => `; stderr: ${this.stderr.join('\n')}`,
    );
  }

  get lines(): readonly ServeLine[] {
    return this.#out.lines;
  }

  waitFor(match: (l: ServeLine) => boolean, what: string, timeoutMs = 30_000): Promise<ServeLine> {
    return this.#out.waitFor(match, what, timeoutMs);
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
