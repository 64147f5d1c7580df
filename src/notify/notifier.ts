// Sends audit events (alarm changes by default) to webhooks and alert scripts as they enter the log: in order per
// destination, each failed attempt tried again with a doubling backoff, and every outcome in the audit log.
// The log is the notifier's memory: an open alarm not yet delivered is sent after a restart or a takeover.
import { execFile } from 'node:child_process';
import { followLog, type LogWaiter } from '../alarms/follow-log.js';
import { AlarmNews } from './alarm-news.js';
import { catchUp } from './catch-up.js';
import type { Clock } from '../ports/clock.js';
import type { AuditEvent, NewAuditEvent, Store } from '../ports/store.js';
import { alertmanagerBody, jsonBody, noticeOf, scriptEnvironment, type Notice } from './formats.js';
import { DEFAULT_NOTIFIED, type NotificationsConfig, type ScriptConfig, type WebhookConfig } from './notify-config.js';

export interface NotifierOptions {
  readonly store: Store;
  readonly tail: LogWaiter;
  readonly clock: Clock;
  readonly config: NotificationsConfig;
  /** Only the leading controller notifies, so an HA pair sends each event once. */
  readonly leads: () => boolean;
  /**
   * Whether this process committed the event: a standby sends the leadership.lost alarms it raised itself, since
   * no leader exists to send them.
   */
  readonly committedHere?: (seq: number) => boolean;
  readonly log?: (level: 'info' | 'warn', message: string) => void;
}

interface Destination {
  readonly name: string;
  readonly events: readonly string[];
  deliver(n: Notice): Promise<void>;
}

/** The actor of the notification.* events. */
const ACTOR = 'controller';
/** How many notices a standby holds for the leader it may become; the oldest go first beyond it. */
const HELD_AT_MOST = 10_000;

export class Notifier {
  private stopped = true;
  private readonly destinations: Destination[];
  /** Per destination, the chain of deliveries in progress: each waits for the one before it. */
  private readonly chains = new Map<string, Promise<void>>();
  /** Notices not sent yet (no leader here), by destination and seq: a delivery by another process drops one. */
  private readonly held = new Map<string, { readonly d: Destination; readonly n: Notice }>();
  private news = new AlarmNews([]);
  /** Where following the log starts: what came before is the past (catch-up.ts owes what it still must). */
  private head = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: NotifierOptions) {
    this.destinations = [...o.config.webhooks.map((w) => webhook(w)), ...o.config.scripts.map((s) => alertScript(s))];
  }

  /**
   * Follows the log after `head` (the head when the controller started). What happened before is not sent again,
   * except the latest change of each alarm still open that the log shows no delivery of (catch-up.ts).
   */
  start(head: number): void {
    if (this.destinations.length === 0) return;
    this.stopped = false;
    this.head = head;
    void this.run(head);
    // Leadership can arrive without a new event: held notices go out then.
    this.timer = setInterval(() => this.flush(), 1_000);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Resolves when every delivery started so far has ended (delivered or given up). */
  async idle(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  private async run(head: number): Promise<void> {
    const byName = new Map(this.destinations.map((d) => [d.name, d]));
    for (;;) {
      try {
        const owed = await catchUp(this.o.store, head, [...byName.keys()], (d, type) =>
          byName.get(d)!.events.includes(type),
        );
        this.head = owed.head;
        this.news = new AlarmNews(owed.open);
        for (const { destination, event } of owed.owed) this.hold(byName.get(destination)!, event);
        break;
      } catch {
        if (this.stopped) return;
        await new Promise((resolve) => setTimeout(resolve, 1_000).unref());
      }
    }
    this.flush();
    await followLog(
      this.o.store,
      this.o.tail,
      this.head,
      async (page) => this.hear(page),
      () => this.stopped,
    );
  }

  private async hear(page: readonly AuditEvent[]): Promise<void> {
    for (const event of page) {
      if (event.type === 'notification.delivered') this.held.delete(`${event.subject}\n${String(event.data['seq'])}`);
      if (event.type.startsWith('notification.')) continue;
      if (!this.news.hear(event)) continue;
      for (const d of this.destinations) if (d.events.includes(event.type)) this.hold(d, event);
    }
    this.flush();
  }

  private hold(d: Destination, event: AuditEvent): void {
    this.held.set(`${d.name}\n${event.seq}`, { d, n: noticeOf(event) });
    if (this.held.size <= HELD_AT_MOST) return;
    const [oldest] = this.held.keys();
    this.held.delete(oldest!);
    this.o.log?.('warn', `notifications: more than ${HELD_AT_MOST} held while no controller leads; oldest dropped`);
  }

  /** Sends what this process may send now: everything when it leads, a standby only its own leadership.lost. */
  private flush(): void {
    if (this.stopped || this.held.size === 0) return;
    const leads = this.o.leads();
    for (const [key, { d, n }] of this.held) {
      const own = n.alarm?.kind === 'leadership.lost' && this.o.committedHere?.(n.event.seq) === true;
      if (!leads && !own) continue;
      this.held.delete(key);
      const before = this.chains.get(d.name) ?? Promise.resolve();
      this.chains.set(
        d.name,
        before.then(() => this.deliver(d, n)),
      );
    }
  }

  private async deliver(d: Destination, n: Notice): Promise<void> {
    const { attempts, backoffMs, maxBackoffMs } = this.o.config.retry;
    const about = {
      destination: d.name,
      seq: n.event.seq,
      type: n.event.type,
      ...(n.alarm ? { alarm: n.alarm.id } : {}),
    };
    for (let attempt = 1; attempt <= attempts && !this.stopped; attempt++) {
      try {
        await d.deliver(n);
        await this.record('notification.delivered', d.name, { ...about, attempt });
        return;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (attempt === attempts) {
          this.o.log?.(
            'warn',
            `notification to ${d.name} of event ${n.event.seq} failed ${attempts} time(s): ${message}`,
          );
          await this.record('notification.failed', d.name, { ...about, attempt, error: message });
          return;
        }
        const wait = Math.min(maxBackoffMs, backoffMs * 2 ** (attempt - 1));
        await this.record('notification.retry', d.name, { ...about, attempt, error: message, retryInMs: wait });
        await new Promise((resolve) => setTimeout(resolve, wait).unref());
      }
    }
  }

  private async record(type: string, subject: string, data: Record<string, unknown>): Promise<void> {
    const event: NewAuditEvent = { at: this.o.clock.now(), actor: ACTOR, type, subject, data };
    await this.o.store.commit({ events: [event] }).catch(() => {
      /* the store is closing: the delivery happened (or not) all the same */
    });
  }
}

function webhook(w: WebhookConfig): Destination {
  return {
    name: w.name,
    events: w.events ?? DEFAULT_NOTIFIED,
    async deliver(n) {
      const body = w.format === 'alertmanager' ? alertmanagerBody(n, w.name) : jsonBody(n);
      const response = await fetch(w.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'cascade-notifier' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(w.timeoutMs),
      }).catch((error: unknown) => {
        const cause =
          error instanceof Error && error.cause instanceof Error
            ? error.cause.message
            : error instanceof Error
              ? error.message
              : String(error);
        throw new Error(`POST ${redactUrl(w.url)}: ${cause}`);
      });
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) throw new Error(`POST ${redactUrl(w.url)} answered ${response.status}`);
    },
  };
}

function alertScript(s: ScriptConfig): Destination {
  return {
    name: s.name,
    events: s.events ?? DEFAULT_NOTIFIED,
    deliver(n) {
      // The event only, no secret of the controller's environment; PATH so a shell script finds its tools.
      const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...scriptEnvironment(n, s.recipient) };
      return new Promise((resolve, reject) => {
        execFile(
          s.path,
          [],
          { env, timeout: s.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024 },
          (error, _stdout, stderr) => {
            if (error === null) return resolve();
            const killed = 'killed' in error && error.killed === true;
            const detail = killed
              ? `killed after ${s.timeoutMs} ms`
              : `exited ${String((error as { code?: unknown }).code ?? 'abnormally')}`;
            reject(
              new Error(
                `${s.path} ${detail}${stderr.trim() ? `: ${stderr.trim().split('\n').at(-1)!.slice(0, 200)}` : ''}`,
              ),
            );
          },
        );
      });
    },
  };
}

function redactUrl(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}
