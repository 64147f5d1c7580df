// Keeps driver credentials out of everything that leaves the process: HTTP answers, the event stream, log lines.
import { destination, pino, type DestinationStream, type Logger } from 'pino';

/** Below this length a "secret" would redact ordinary words; such secrets are refused by config anyway. */
const SHORTEST = 4;
export const REDACTED = '[redacted]';

/** Replaces every occurrence of each secret (and its JSON-escaped form) with [redacted]. */
export function secretRedactor(secrets: readonly string[]): (text: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < SHORTEST) continue;
    forms.add(secret);
    // Inside JSON a quote or backslash in the secret is escaped; redact that spelling too.
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(encodeURIComponent(secret));
  }
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  if (ordered.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const form of ordered) if (out.includes(form)) out = out.split(form).join(REDACTED);
    return out;
  };
}

/** A pino destination that redacts each line before writing it on. */
export function redactingDestination(target: DestinationStream, redact: (text: string) => string): DestinationStream {
  return { write: (line: string) => target.write(redact(line)) };
}

export interface LoggerOptions {
  readonly secrets?: readonly string[];
  readonly level?: string;
  /** Where lines go; standard output by default. */
  readonly destination?: DestinationStream;
}

/**
 * The logger `cascade serve` should give the API (and the controller): structured JSON lines, the
 * Authorization header censored by path, and every configured secret censored by value, wherever it
 * hides (an error message quoting a URL with a password, a driver's reply).
 */
export function redactingLogger(options: LoggerOptions = {}): Logger {
  const redact = secretRedactor(options.secrets ?? []);
  return pino(
    {
      level: options.level ?? 'info',
      redact: {
        paths: ['req.headers.authorization', 'headers.authorization', '*.password', '*.token'],
        censor: REDACTED,
      },
    },
    redactingDestination(options.destination ?? destination(1), redact),
  );
}
