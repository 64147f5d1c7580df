// One long-lived `virsh` process per host connection, fed commands on stdin: state persists across calls.
//
// Why one process: libvirt's test driver (and any per-connection state) lives only as long as the connection,
// and a fresh `virsh` per call would also pay a connection set-up each time. virsh runs no shell: its own
// tokenizer reads the quoted arguments written here. Each command is framed by `echo` markers (one before it
// and one after it on stdout, one after it on stderr), so the reader knows where its output and errors are.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { classifyVirshError, LibvirtError } from './libvirt-error.js';

export interface VirshSessionOptions {
  /** The virsh binary; default `virsh` on PATH. */
  readonly virsh?: string;
  /** Default deadline of one command; default 60 s (a save of a large VM takes a while). */
  readonly timeoutMs?: number;
}

interface Pending {
  readonly id: number;
  readonly lines: readonly string[];
  readonly resolve: (stdout: string) => void;
  readonly reject: (error: LibvirtError) => void;
  readonly timer: NodeJS.Timeout;
}

/** virsh's interactive prompt, which it prints (with the command read) even when stdin is not a terminal. */
const PROMPTS = ['virsh # ', 'virsh $ '];

export class VirshSession {
  readonly #virsh: string;
  readonly #timeoutMs: number;
  #child: ChildProcessWithoutNullStreams | null = null;
  #stdout = '';
  #stderr = '';
  #pending: Pending | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #next = 1;
  #closed = false;

  constructor(
    readonly uri: string,
    options: VirshSessionOptions = {},
  ) {
    this.#virsh = options.virsh ?? 'virsh';
    this.#timeoutMs = options.timeoutMs ?? 60_000;
  }

  /** Runs one virsh command (its words, unquoted) and resolves with what it printed; rejects on any `error:` line. */
  run(args: readonly string[], timeoutMs = this.#timeoutMs): Promise<string> {
    const turn = this.#queue.then(() => this.#runNow(args, timeoutMs));
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  /** Ends the virsh process for good: later commands are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue;
    const child = this.#child;
    this.#child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.stdin.end('quit\n');
      setTimeout(() => child.kill('SIGKILL'), 2_000).unref();
    });
  }

  #runNow(args: readonly string[], timeoutMs: number): Promise<string> {
    if (this.#closed)
      return Promise.reject(new LibvirtError('session-died', `virsh ${this.uri}: the session is closed`));
    for (const arg of args) {
      if (/[\r\n\0]/.test(arg))
        return Promise.reject(new LibvirtError('bad-argument', `virsh ${this.uri}: an argument holds a line break`));
    }
    let child: ChildProcessWithoutNullStreams;
    try {
      child = this.#ensureChild();
    } catch (error) {
      return Promise.reject(error instanceof LibvirtError ? error : new LibvirtError('session-died', String(error)));
    }
    const id = this.#next++;
    const lines = [
      `echo --split ${outMarkerCommand('begin', id)}`,
      args.map(quote).join(' '),
      `echo --err ${errMarker(id)}`,
      `echo --split ${outMarkerCommand('end', id)}`,
    ];
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        // A hung virsh is replaced: the next command starts a new process (and a new connection).
        if (this.#child === child) this.#child = null;
        this.#fail(
          new LibvirtError('timeout', `virsh ${this.uri}: \`${args[0] ?? ''}\` gave no answer within ${timeoutMs} ms`),
        );
        child.kill('SIGKILL');
      }, timeoutMs);
      this.#pending = { id, lines, resolve, reject, timer };
      child.stdin.write(lines.map((l) => `${l}\n`).join(''));
    });
  }

  #ensureChild(): ChildProcessWithoutNullStreams {
    if (this.#child) return this.#child;
    this.#stdout = '';
    this.#stderr = '';
    const child = spawn(this.#virsh, ['-q', '-c', this.uri], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: virshEnvironment(),
    });
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    // A replaced process (timed out, killed) may still flush or exit: only the current one counts.
    child.stdout.on('data', (chunk: string) => {
      if (this.#child !== child) return;
      this.#stdout += chunk;
      this.#settle();
    });
    child.stderr.on('data', (chunk: string) => {
      if (this.#child !== child) return;
      this.#stderr += chunk;
      this.#settle();
    });
    child.stdin.on('error', () => undefined);
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (this.#child !== child) return;
      this.#child = null;
      const code = error.code === 'ENOENT' ? 'not-installed' : 'session-died';
      const what =
        error.code === 'ENOENT' ? `${this.#virsh} is not installed (apt-get install libvirt-clients)` : error.message;
      this.#fail(new LibvirtError(code, `virsh ${this.uri}: ${what}`));
    });
    child.on('exit', () => {
      if (this.#child !== child) return;
      this.#child = null;
      // virsh exits at once when it cannot connect; its last error lines say why.
      const said = errorLines(this.#stderr).join('; ');
      const code = said === '' ? 'session-died' : classifyVirshError(said);
      this.#fail(new LibvirtError(code, `virsh ${this.uri}: ${said === '' ? 'the virsh process ended' : said}`));
    });
    this.#child = child;
    return child;
  }

  /** Resolves the pending command once both of its markers have arrived. */
  #settle(): void {
    const p = this.#pending;
    if (!p) return;
    const begin = this.#stdout.indexOf(outMarkerText('begin', p.id));
    const end = this.#stdout.indexOf(outMarkerText('end', p.id));
    const err = this.#stderr.indexOf(`error: ${errMarker(p.id)}\n`);
    if (begin < 0 || end < 0 || err < 0) return;
    const stdout = printedBetween(
      this.#stdout.slice(begin + outMarkerText('begin', p.id).length, end),
      errMarker(p.id),
    );
    const stderr = this.#stderr.slice(0, err);
    this.#stdout = this.#stdout.slice(end + outMarkerText('end', p.id).length);
    this.#stderr = this.#stderr.slice(err + `error: ${errMarker(p.id)}\n`.length);
    this.#pending = null;
    clearTimeout(p.timer);
    const errors = errorLines(stderr);
    if (errors.length > 0) p.reject(new LibvirtError(classifyVirshError(errors.join('; ')), errors.join('; ')));
    else p.resolve(stdout);
  }

  #fail(error: LibvirtError): void {
    const p = this.#pending;
    this.#pending = null;
    if (!p) return;
    clearTimeout(p.timer);
    // What the dead process left half-read belongs to no later command.
    this.#stdout = '';
    this.#stderr = '';
    p.reject(error);
  }
}

/**
 * LC_ALL=C: the parsers read English labels ("CPU time:", "error:"). VIRSH_* variables (VIRSH_DEBUG, VIRSH_LOG_FILE,
 * ...) would change what virsh prints, so the child does not inherit them.
 */
function virshEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('VIRSH_')) env[key] = value;
  return { ...env, LC_ALL: 'C' };
}

function errorLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('error:'))
    .map((l) => l.slice('error:'.length).trim());
}

/** virsh's tokenizer: inside single quotes nothing is special, so a quote itself is closed, escaped and reopened. */
export function quote(arg: string): string {
  return `'${arg.replaceAll("'", "'\\''")}'`;
}

function errMarker(id: number): string {
  return `__cascade_end_${id}__`;
}

/** `--split` turns the commas into line breaks, so the output differs from the echoed command line. */
function outMarkerCommand(which: 'begin' | 'end', id: number): string {
  return `__cascade_${which}__,${id},__`;
}

function outMarkerText(which: 'begin' | 'end', id: number): string {
  return `__cascade_${which}__\n${id}\n__`;
}

/**
 * What a command printed, from the stdout between its begin and end markers. virsh echoes each line it reads
 * after its prompt; how it echoes a long line depends on the terminal type (readline may scroll it
 * sideways), so the command's own echo is skipped as a whole line, never compared. The short marker lines
 * that follow the output are found by their text.
 */
function printedBetween(segment: string, errorMarker: string): string {
  let text = segment.replace(/^\n+/, '');
  const prompt = PROMPTS.find((p) => text.startsWith(p));
  if (prompt !== undefined) {
    const endOfEcho = text.indexOf('\n');
    text = endOfEcho < 0 ? '' : text.slice(endOfEcho + 1);
  }
  const trailer = Math.min(
    ...PROMPTS.map((p) => text.indexOf(`${p}echo --err ${errorMarker}`)).filter((i) => i >= 0),
    text.length,
  );
  return text.slice(0, trailer).replace(/\s+$/, '');
}
