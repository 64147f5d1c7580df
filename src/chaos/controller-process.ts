// The controller under test: `cascade serve` as a child process on a SQLite file, managing the chaos site's emulator
// over HTTP. It can be killed with SIGKILL at any moment and started again on the same store.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
/** The compiled CLI (`npm run build`): the same program an operator runs. */
export const CASCADE_BIN = join(ROOT, 'bin', 'cascade');

export interface ControllerLaunch {
  readonly config: string;
  readonly dataDir: string;
  /** Credentials for the child, through its environment (never argv). */
  readonly env: Readonly<Record<string, string>>;
  /** Keeps the last lines of every incarnation's output, for a failing run's report. */
  readonly keepLines?: number;
}

interface Incarnation {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  apiUrl: string | null;
}

export class ControllerProcess {
  #current: Incarnation | null = null;
  #starts = 0;
  #kills = 0;
  readonly tail: string[] = [];

  constructor(private readonly launch: ControllerLaunch) {}

  get starts(): number {
    return this.#starts;
  }

  get kills(): number {
    return this.#kills;
  }

  /** The API's URL while a started controller is up, else null. */
  get apiUrl(): string | null {
    return this.#current?.apiUrl ?? null;
  }

  get running(): boolean {
    return this.#current !== null;
  }

  /** Starts it and resolves once it logged `ready` (its API listening); rejects if it exits first or takes too long. */
  async start(timeoutMs = 30_000): Promise<void> {
    if (this.#current) throw new Error('the controller is already running');
    // The site's data center already runs its workloads when the first controller meets it: --init adopts them then
    // (every blade observed first). Later starts find the store, and the flag does nothing.
    const child = spawn(
      process.execPath,
      [CASCADE_BIN, 'serve', '--config', this.launch.config, '--data', this.launch.dataDir, '--port', '0', '--init'],
      {
        cwd: ROOT,
        env: { ...process.env, ...this.launch.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.#starts++;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const incarnation: Incarnation = { child, exited, apiUrl: null };
    this.#current = incarnation;
    const keep = this.launch.keepLines ?? 200;
    const remember = (line: string) => {
      this.tail.push(line);
      if (this.tail.length > keep) this.tail.splice(0, this.tail.length - keep);
    };
    createInterface({ input: child.stderr! }).on('line', (line) => remember(`[stderr] ${line}`));
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the controller was not ready within ${timeoutMs} ms`)),
        timeoutMs,
      );
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error('the controller exited before it was ready'));
      });
      createInterface({ input: child.stdout! }).on('line', (line) => {
        remember(line);
        const url = /API listening on (https?:\/\/[^\s"]+)/.exec(line)?.[1];
        if (url) incarnation.apiUrl = url;
        if (line.includes('"msg":"ready"')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    try {
      await ready;
    } catch (error) {
      await this.kill();
      throw error;
    }
  }

  /** SIGKILL: no shutdown, no flush beyond what SQLite already committed. */
  async kill(): Promise<void> {
    const current = this.#current;
    if (!current) return;
    this.#current = null;
    this.#kills++;
    current.child.kill('SIGKILL');
    await current.exited;
  }

  /** SIGTERM (a clean stop), SIGKILL if it takes more than a few seconds. Not counted as a kill. */
  async stop(): Promise<void> {
    const current = this.#current;
    if (!current) return;
    this.#current = null;
    current.child.kill('SIGTERM');
    const timer = setTimeout(() => current.child.kill('SIGKILL'), 8_000);
    await current.exited;
    clearTimeout(timer);
  }
}
