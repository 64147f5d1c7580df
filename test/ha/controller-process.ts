// A controller child process seen from the test: its JSON log lines, waiting for one, commands, signals.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Emulator } from '../../src/emulator/server.js';
import { JsonLines } from '../support/json-lines.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CHILD = join(import.meta.dirname, 'ha-controller-child.ts');

export interface Line {
  readonly t: number;
  readonly holder: string;
  readonly msg: string;
  readonly [key: string]: unknown;
}

export class ControllerProcess {
  readonly process: ChildProcess;
  readonly exited: Promise<NodeJS.Signals | null>;
  private readonly out: JsonLines<Line>;

  constructor(
    readonly holder: string,
    args: { db: string; emulator: Emulator; ttlMs: number; adopt?: readonly { id: string; blade: string }[] },
    onLine?: (line: Line, child: ControllerProcess) => void,
  ) {
    const { emulator } = args;
    const argv = [CHILD, args.db, emulator.url, holder, String(args.ttlMs), JSON.stringify(args.adopt ?? [])];
    // Credentials in the environment, never in argv (visible to every user in ps).
    const env = {
      ...process.env,
      CASCADE_TEST_REDFISH_USER: emulator.credentials.username,
      CASCADE_TEST_REDFISH_PASSWORD: emulator.credentials.password,
      CASCADE_TEST_EMULATOR_TOKEN: emulator.controlToken ?? '',
    };
    this.process = spawn(process.execPath, ['--import', 'tsx', ...argv], {
      cwd: ROOT,
      env,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.exited = new Promise((resolve) => this.process.once('exit', (_code, signal) => resolve(signal)));
    this.out = new JsonLines<Line>(this.process.stdout!, holder, (line) => onLine?.(line, this));
  }

  get lines(): readonly Line[] {
    return this.out.lines;
  }

  /** The first line (already seen or still to come) that matches. */
  waitFor(match: (l: Line) => boolean, what: string, timeoutMs = 30_000): Promise<Line> {
    return this.out.waitFor(match, what, timeoutMs);
  }

  /** Like waitFor, but only lines logged after `since` (ms since the epoch) count. */
  waitForAfter(since: number, match: (l: Line) => boolean, what: string, timeoutMs = 30_000): Promise<Line> {
    return this.waitFor((l) => l.t >= since && match(l), what, timeoutMs);
  }

  send(command: string): void {
    this.process.stdin!.write(`${command}\n`);
  }

  signal(signal: NodeJS.Signals): void {
    this.process.kill(signal);
  }

  /** Asks it to exit (releasing its lease), or kills it if it does not within a few seconds. */
  async shutdown(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.process.kill('SIGCONT');
    this.send('exit');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}
