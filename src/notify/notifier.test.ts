// Notifications end to end: a real HTTP receiver on 127.0.0.1 that fails its first attempts, an Alertmanager-format
// receiver, a real alert script (and one that hangs past its timeout), the retries and every outcome in the log.
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogTail } from '../api/log-tail.js';
import { eventually } from '../orchestrator/testing/harness.js';
import { systemClock } from '../ports/clock.js';
import type { AuditEvent } from '../ports/store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { alarmEvent } from '../wire/alarms.js';
import { Notifier } from './notifier.js';
import { notificationsSchema } from './notify-config.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Answers 500 to its first `failures` requests, then 200; keeps every body it was sent. */
async function receiver(failures: number): Promise<{ url: string; bodies: unknown[]; attempts: () => number }> {
  const bodies: unknown[] = [];
  let attempts = 0;
  const read = async (request: IncomingMessage): Promise<string> => {
    let text = '';
    for await (const chunk of request) text += String(chunk);
    return text;
  };
  const server: Server = createServer((request, response) => {
    void read(request).then((text) => {
      attempts++;
      if (attempts <= failures) {
        response.writeHead(500).end('not yet');
        return;
      }
      bodies.push(JSON.parse(text));
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies, attempts: () => attempts };
}

async function started(
  config: unknown,
): Promise<{ store: SqliteStore; notifier: Notifier; events: () => Promise<AuditEvent[]> }> {
  const store = SqliteStore.open(':memory:');
  await store.migrate();
  const tail = new LogTail(store, undefined, 20);
  await tail.start();
  const notifier = new Notifier({
    store,
    tail,
    clock: systemClock,
    config: notificationsSchema.parse(config),
    leads: () => true,
  });
  notifier.start(0);
  cleanups.push(async () => {
    notifier.stop();
    tail.stop();
    await store.close();
  });
  return { store, notifier, events: async () => store.events(0, 1000) };
}

describe('notifications', () => {
  it('reach a webhook that fails twice, an Alertmanager receiver and an alert script, each delivery in the audit log', async () => {
    const flaky = await receiver(2);
    const alertmanager = await receiver(0);
    const dir = await mkdtemp(join(tmpdir(), 'cascade-notify-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const script = join(dir, 'alert.sh');
    await writeFile(
      script,
      `#!/bin/sh\nenv | grep '^CASCADE_alert_' | sort >> "${join(dir, 'seen')}"\necho --- >> "${join(dir, 'seen')}"\n`,
    );
    await chmod(script, 0o755);
    const { store, notifier, events } = await started({
      webhooks: [
        { name: 'ops', url: flaky.url },
        { name: 'am', url: alertmanager.url, format: 'alertmanager' },
      ],
      scripts: [{ name: 'pager', path: script, recipient: 'oncall@example.org' }],
      retry: { attempts: 4, backoffMs: 10, maxBackoffMs: 40 },
    });
    const raised = alarmEvent('alarm.raised', Date.UTC(2026, 11, 2), 'controller', 'W1', {
      kind: 'workload.down',
      message: 'W1 is down: no standby',
      severity: 'critical',
    });
    const cleared = alarmEvent('alarm.cleared', Date.UTC(2026, 11, 2, 0, 5), 'controller', 'W1', {
      kind: 'workload.down',
      message: 'W1 runs again',
    });
    await store.commit({
      events: [raised, { at: 1, actor: 'controller', type: 'blade.failed', subject: 'A', data: {} }],
    });
    await store.commit({ events: [cleared] });
    await eventually(
      async () => (await events()).filter((e) => e.type === 'notification.delivered').length === 6,
      10_000,
      'six deliveries',
    );
    await notifier.idle();

    expect(flaky.attempts()).toBe(4); // two refused, then the raise and the clear
    expect(flaky.bodies).toMatchObject([
      {
        source: 'cascade',
        status: 'firing',
        event: { type: 'alarm.raised', subject: 'W1' },
        alarm: { id: 'workload.down/W1', severity: 'critical', message: 'W1 is down: no standby' },
      },
      { status: 'resolved', event: { type: 'alarm.cleared' } },
    ]);
    expect(alertmanager.bodies[0]).toMatchObject({
      version: '4',
      status: 'firing',
      receiver: 'am',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'workload.down', subject: 'W1', severity: 'critical' },
          annotations: { summary: 'W1 is down: no standby' },
          startsAt: '2026-12-02T00:00:00.000Z',
        },
      ],
    });
    expect(alertmanager.bodies[1]).toMatchObject({
      status: 'resolved',
      alerts: [{ endsAt: '2026-12-02T00:05:00.000Z' }],
    });

    const seen = (await readFile(join(dir, 'seen'), 'utf8')).split('---\n');
    expect(seen[0]).toContain('CASCADE_alert_kind=alarm.raised\n');
    expect(seen[0]).toContain('CASCADE_alert_alarm=workload.down/W1\n');
    expect(seen[0]).toContain('CASCADE_alert_desc=W1 is down: no standby\n');
    expect(seen[0]).toContain('CASCADE_alert_recipient=oncall@example.org\n');
    expect(seen[0]).toContain('CASCADE_alert_timestamp=2026-12-02T00:00:00.000Z\n');
    expect(seen[1]).toContain('CASCADE_alert_status=resolved\n');

    const log = (await events()).filter((e) => e.type.startsWith('notification.'));
    const retries = log.filter((e) => e.type === 'notification.retry');
    expect(retries.map((e) => [e.subject, e.data['attempt'], e.data['retryInMs']])).toStrictEqual([
      ['ops', 1, 10],
      ['ops', 2, 20],
    ]);
    expect(retries[0]!.data['error']).toMatch(/answered 500$/);
    expect(
      log
        .filter((e) => e.type === 'notification.delivered')
        .map((e) => `${e.subject}:${String(e.data['type'])}:${String(e.data['attempt'])}`)
        .sort(),
    ).toStrictEqual([
      'am:alarm.cleared:1',
      'am:alarm.raised:1',
      'ops:alarm.cleared:1',
      'ops:alarm.raised:3',
      'pager:alarm.cleared:1',
      'pager:alarm.raised:1',
    ]);
  });

  it('gives up after its attempts on a script that hangs past its timeout, and says so in the log', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cascade-notify-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const script = join(dir, 'hang.sh');
    await writeFile(script, '#!/bin/sh\nexec sleep 30\n');
    await chmod(script, 0o755);
    const { store, notifier, events } = await started({
      scripts: [{ name: 'slow', path: script, timeoutMs: 200 }],
      retry: { attempts: 2, backoffMs: 10 },
    });
    await store.commit({
      events: [alarmEvent('alarm.raised', 1, 'controller', 'pool', { kind: 'pool.empty', message: 'no spare' })],
    });
    await eventually(
      async () => (await events()).some((e) => e.type === 'notification.failed'),
      10_000,
      'the final failure',
    );
    await notifier.idle();
    const failed = (await events()).find((e) => e.type === 'notification.failed')!;
    expect(failed).toMatchObject({
      subject: 'slow',
      data: { attempt: 2, alarm: 'pool.empty/pool', error: `${script} killed after 200 ms` },
    });
  });

  it('are configured with every field checked by name', () => {
    const bad = (raw: unknown): string => {
      const r = notificationsSchema.safeParse(raw);
      return r.success ? 'ok' : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    };
    expect(bad({ webhooks: [{ name: 'a', url: 'ftp://x' }] })).toBe('webhooks.0.url: expected an http(s) URL');
    expect(bad({ scripts: [{ name: 'a', path: 'alert.sh' }] })).toBe(
      'scripts.0.path: expected an absolute path to an executable',
    );
    expect(bad({ webhooks: [{ name: 'a', url: 'http://x', format: 'slack' }] })).toMatch(/^webhooks\.0\.format: /);
    expect(bad({ webhooks: [{ name: 'a', url: 'http://x' }], scripts: [{ name: 'a', path: '/bin/true' }] })).toBe(
      'scripts.0.name: expected a name no other destination has ("a" is taken)',
    );
    expect(bad({ retry: { attempts: 0 } })).toMatch(/^retry\.attempts: /);
    expect(bad({ webhooks: [{ name: 'a', url: 'http://x', colour: 'red' }] })).toMatch(/colour/);
  });
});
