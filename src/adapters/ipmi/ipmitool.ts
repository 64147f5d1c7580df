// Runs ipmitool against one BMC, without a shell, with a deadline, and with the password out of argv and logs.
//
// The password reaches ipmitool through `-E` (ipmitool reads IPMI_PASSWORD from its environment): the child's
// environment is readable only by its own user and root, while argv shows in every `ps`. The child gets a
// minimal environment (PATH, LC_ALL, the password), so nothing else of the controller's leaks into it.
import { spawn } from 'node:child_process';
import { classifyIpmitool, IpmiError } from './ipmi-error.js';

export interface BmcTarget {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** RMCP+ cipher suite: 3 (HMAC-SHA1, AES-128) by default; 17 (HMAC-SHA256) on newer BMCs. */
  readonly cipherSuite: number;
}

export interface IpmitoolOptions {
  /** The ipmitool binary; default `ipmitool` on PATH. */
  readonly ipmitool?: string;
  /** Hard deadline of one call; ipmitool is killed after it. */
  readonly timeoutMs: number;
  /** ipmitool's own per-attempt timeout (-N, seconds) and retries (-R). */
  readonly attemptSeconds: number;
  readonly retries: number;
}

/** The arguments ipmitool gets: everything but the password, which travels in the environment. */
export function ipmitoolArgs(
  target: BmcTarget,
  command: readonly string[],
  options: IpmitoolOptions,
  verbose: boolean,
): string[] {
  return [
    '-I',
    'lanplus',
    '-C',
    String(target.cipherSuite),
    '-H',
    target.host,
    '-p',
    String(target.port),
    '-U',
    target.username,
    '-E',
    '-N',
    String(options.attemptSeconds),
    '-R',
    String(options.retries),
    ...(verbose ? ['-v'] : []),
    ...command,
  ];
}

/**
 * Runs one ipmitool command and resolves with its stdout. `verbose` (-v) adds the reason of a refused login
 * to stderr; only commands whose stdout -v leaves unchanged (chassis ...) ask for it.
 */
export function runIpmitool(
  blade: string,
  target: BmcTarget,
  command: readonly string[],
  options: IpmitoolOptions,
  verbose = false,
): Promise<string> {
  const binary = options.ipmitool ?? 'ipmitool';
  const what = `blade ${blade} (BMC ${target.host}:${target.port})`;
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ipmitoolArgs(target, command, options, verbose), {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', IPMI_PASSWORD: target.password },
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === 'ENOENT')
        reject(new IpmiError('not-installed', `${what}: ${binary} is not installed (apt-get install ipmitool)`, blade));
      else reject(new IpmiError('command-failed', `${what}: cannot run ${binary}: ${error.message}`, blade));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(
          new IpmiError(
            'timeout',
            `${what}: \`${command.join(' ')}\` gave no answer within ${options.timeoutMs} ms`,
            blade,
          ),
        );
        return;
      }
      if (code === 0) {
        resolve(stdout);
        return;
      }
      const kind = classifyIpmitool(stderr);
      const said = redact(lastWords(stderr), target.password);
      if (kind === 'auth-refused')
        reject(
          new IpmiError(kind, `${what}: the BMC refused the credentials of user ${target.username} (${said})`, blade),
        );
      else if (kind === 'unreachable')
        reject(
          new IpmiError(
            kind,
            `${what}: no IPMI session: the BMC does not answer, or refused the login (${said})`,
            blade,
          ),
        );
      else reject(new IpmiError(kind, `${what}: \`${command.join(' ')}\` failed: ${said}`, blade));
    });
  });
}

/** The lines that say what went wrong, without -v's chatter. */
function lastWords(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim().replace(/^>\s*/, ''))
    .filter(
      (l) =>
        l !== '' &&
        !/^(Loading IANA|Running Get VSO|Invalid completion code received: Invalid command|Discovered IPMB)/.test(l),
    );
  return lines.slice(-3).join('; ') || 'no message';
}

/** ipmitool never prints the password, but a message is the wrong place to be sure of that. */
function redact(text: string, password: string): string {
  return password === '' ? text : text.split(password).join('***');
}
