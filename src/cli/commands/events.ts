// `cascade events [--follow]`: the audit log of a running controller; --follow streams it live and
// reconnects after a drop with Last-Event-ID, so no event is lost or printed twice.
import { InvalidArgumentError, type Command } from 'commander';
import type { AuditEvent } from '../../ports/store.js';
import { CliError } from '../cli-error.js';
import { call, query, remoteOf, remoteOptions, send, type Remote, type RemoteFlags } from '../remote/client.js';
import { readSse } from '../remote/sse.js';

interface Flags extends RemoteFlags {
  readonly follow?: boolean;
  readonly last: number;
  readonly after?: number;
  readonly type?: string[];
}

function count(flag: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${flag} must be an integer from ${min} to ${max}`);
    return n;
  };
}

export function eventLine(e: AuditEvent): string {
  const data = Object.keys(e.data).length === 0 ? '' : `  ${JSON.stringify(e.data)}`;
  return `${e.seq}  ${new Date(e.at).toISOString().replace('T', ' ').slice(0, 23)}  ${e.actor}  ${e.type}  ${e.subject}${data}`;
}

export function registerEvents(cli: Command): void {
  remoteOptions(
    cli
      .command('events')
      .description(
        'the audit log of a running controller: the latest events, then with --follow every new one as it happens',
      )
      .option('-f, --follow', 'keep streaming new events (Ctrl-C to stop)')
      .option('--last <n>', 'how many of the latest events to print first (default 20)', count('--last', 0, 1000), 20)
      .option(
        '--after <seq>',
        'start after this seq instead (0: from the beginning)',
        count('--after', 0, Number.MAX_SAFE_INTEGER),
      )
      .option('--type <prefix...>', 'only events whose type starts with a prefix (transfer., blade.failed, alarm.)'),
  ).action(async (o: Flags) => {
    const remote = remoteOf(o);
    const wanted = typeFilter(o.type);
    const print = (e: AuditEvent): void => {
      if (!wanted(e.type)) return;
      process.stdout.write(o.json ? `${JSON.stringify(e)}\n` : `${eventLine(e)}\n`);
    };
    let cursor = o.after ?? null;
    if (cursor !== null && !o.follow) {
      // Everything after the given seq, page by page.
      for (;;) {
        const page: { items: AuditEvent[]; next: number; more: boolean } = await call(
          remote,
          'GET',
          `/api/v1/events${query({ after: String(cursor), limit: '1000' })}`,
        );
        page.items.forEach(print);
        cursor = page.next;
        if (!page.more) return;
      }
    }
    if (cursor === null && o.last > 0) {
      const page = await call<{ items: AuditEvent[]; next: number }>(remote, 'GET', `/api/v1/events?last=${o.last}`);
      page.items.forEach(print);
      cursor = page.next;
    }
    if (o.follow) await follow(remote, cursor, print);
  });
}

/** Whether an event type is one asked for: any prefix matches; none asked for, every type. */
export function typeFilter(prefixes: readonly string[] | undefined): (type: string) => boolean {
  const list = (prefixes ?? [])
    .flatMap((p) => p.split(','))
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (list.length === 0) return () => true;
  return (type) => list.some((p) => type.startsWith(p));
}

/** Streams until interrupted; after a dropped connection it waits a little and resumes after the last event printed. */
async function follow(remote: Remote, after: number | null, print: (e: AuditEvent) => void): Promise<void> {
  const stop = new AbortController();
  const interrupt = (): void => stop.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  let last = after;
  let failures = 0;
  try {
    while (!stop.signal.aborted) {
      try {
        const headers: Record<string, string> = last === null ? {} : { 'last-event-id': String(last) };
        const response = await send(
          remote,
          'GET',
          '/api/v1/events',
          undefined,
          'text/event-stream',
          headers,
          stop.signal,
        );
        if (!response.ok || response.body === null) {
          const text = await response.text();
          throw new CliError(`the event stream was refused (${response.status}): ${text.slice(0, 200)}`, 1);
        }
        failures = 0;
        for await (const message of readSse(response.body)) {
          const event = JSON.parse(message.data) as AuditEvent;
          last = event.seq;
          print(event);
        }
      } catch (error) {
        if (stop.signal.aborted) return;
        if (error instanceof CliError && !error.message.startsWith('cannot reach')) throw error;
        failures++;
        if (failures > 1)
          process.stderr.write(
            `cascade: event stream interrupted (${error instanceof Error ? error.message : String(error)}); reconnecting\n`,
          );
      }
      if (!stop.signal.aborted)
        await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 250 * 2 ** Math.min(failures, 6))));
    }
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}
