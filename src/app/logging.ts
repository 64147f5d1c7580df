// Logging for `cascade serve`: pino, one line per transfer step, blade failure and decision; JSON for machines,
// or short text lines for a person at a terminal. Secrets are redacted even if some caller passed one by mistake.
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LogOptions {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly format: 'json' | 'text';
  /** Default stdout. */
  readonly stream?: NodeJS.WritableStream;
}

const REDACT = ['password', 'token', 'authorization', '*.password', '*.token', '*.authorization', 'credentials'];

export function createLogger(o: LogOptions): Logger {
  const out = o.stream ?? process.stdout;
  const destination = o.format === 'json' ? out : textLines(out);
  return pino(
    {
      level: o.level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT, censor: '[redacted]' },
    },
    destination,
  );
}

/** Adapts the controller's and the drivers' log callbacks to the logger. */
export function logTo(logger: Logger, bindings: Record<string, unknown> = {}) {
  return (entry: {
    readonly level: 'info' | 'warn' | 'error';
    readonly msg: string;
    readonly [key: string]: unknown;
  }): void => {
    const { level, msg, ...fields } = entry;
    logger[level]({ ...bindings, ...fields }, msg);
  };
}

const SKIP = new Set(['level', 'time', 'msg']);
const LEVELS: Readonly<Record<number, string>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
};

/** `12:00:01.234 INFO  step fence succeeded workload=w0001 from=b0001 to=b0042`: pino's JSON lines, for people. */
function textLines(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        try {
          const record = JSON.parse(line) as Record<string, unknown>;
          const time = typeof record['time'] === 'string' ? record['time'].slice(11, 23) : '';
          const fields = Object.entries(record)
            .filter(([key, value]) => !SKIP.has(key) && value !== null && value !== undefined)
            .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
          out.write(
            `${time} ${LEVELS[Number(record['level'])] ?? 'INFO '} ${String(record['msg'] ?? '')}${fields.length ? ` ${fields.join(' ')}` : ''}\n`,
          );
        } catch {
          out.write(`${line}\n`);
        }
      }
      done();
    },
  });
}
