// What an operator expects of notifications across restarts and leadership: an alarm open at start is sent once
// (not again on the next start), a second raise of an open alarm is not sent, a standby holds what it may not send
// until it leads (dropping what another process delivered), and a standby sends the leadership.lost it raised.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AlarmMonitor } from '../alarms/alarm-monitor.js';
import { LogTail } from '../api/log-tail.js';
import { eventually } from '../orchestrator/testing/harness.js';
import { systemClock } from '../ports/clock.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { alarmEvent } from '../wire/alarms.js';
import { Notifier } from './notifier.js';
import { notificationsSchema } from './notify-config.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A receiver that keeps the `event.seq` and `status` of every body it is sent. */
async function receiver(): Promise<{ url: string; got: string[] }> {
  const got: string[] = [];
  const server: Server = createServer((request, response) => {
    let text = '';
    request.on('data', (c: Buffer) => (text += c.toString()));
    request.on('end', () => {
      const body = JSON.parse(text) as { status: string; event: { seq: number; subject: string } };
      got.push(`${body.event.subject}:${body.status}:${body.event.seq}`);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, got };
}

async function openStore(): Promise<{ store: SqliteStore; tail: LogTail }> {
  const store = SqliteStore.open(':memory:');
  await store.migrate();
  const tail = new LogTail(store, undefined, 20);
  await tail.start();
  cleanups.push(async () => {
    tail.stop();
    await store.close();
  });
  return { store, tail };
}

/** A notifier as `cascade serve` starts one: from the log's head now. */
function notifier(
  s: { store: SqliteStore; tail: LogTail },
  url: string,
  leads: () => boolean,
  committedHere?: (seq: number) => boolean,
): Notifier {
  const n = new Notifier({
    store: s.store,
    tail: s.tail,
    clock: systemClock,
    config: notificationsSchema.parse({ webhooks: [{ name: 'ops', url }], retry: { attempts: 2, backoffMs: 10 } }),
    leads,
    ...(committedHere ? { committedHere } : {}),
  });
  n.start(s.tail.head());
  cleanups.push(() => n.stop());
  return n;
}

/** Commits alarm events and projects them into their records, as the alarm monitor does. */
async function commitAlarms(s: { store: SqliteStore; tail: LogTail }, ...events: ReturnType<typeof alarmEvent>[]) {
  const monitor = new AlarmMonitor({
    store: s.store,
    clock: systemClock,
    tail: s.tail,
    policy: () => undefined,
    leads: () => false,
  });
  const committed = await s.store.commit({ events });
  await monitor.project(committed);
  return committed;
}

const raise = (subject: string) =>
  alarmEvent('alarm.raised', Date.now(), 'controller', subject, { kind: 'workload.down', message: `${subject} down` });
const clear = (subject: string) =>
  alarmEvent('alarm.cleared', Date.now(), 'controller', subject, { kind: 'workload.down', message: 'runs' });

const delivered = async (store: SqliteStore): Promise<number> =>
  (await store.events(0, 1000)).filter((e) => e.type === 'notification.delivered').length;

describe('notifications across restarts and leadership', () => {
  it('sends an alarm open at start once, not again on the next start, and the clear of one that was open', async () => {
    const s = await openStore();
    const hook = await receiver();
    const [w1] = await commitAlarms(s, raise('W1'));
    await commitAlarms(s, raise('W2'), clear('W2')); // cleared before the start: the past
    const first = notifier(s, hook.url, () => true);
    await eventually(async () => (await delivered(s.store)) === 1, 10_000, 'the open alarm delivered');
    await first.idle();
    first.stop();
    expect(hook.got).toStrictEqual([`W1:firing:${w1!.seq}`]);

    const second = notifier(s, hook.url, () => true);
    const [cleared] = await commitAlarms(s, clear('W1'));
    await eventually(async () => (await delivered(s.store)) === 2, 10_000, 'the clear delivered');
    await second.idle();
    expect(hook.got).toStrictEqual([`W1:firing:${w1!.seq}`, `W1:resolved:${cleared!.seq}`]);
  });

  it('owes at start an alarm raised again after a clear, though its first raise was delivered', async () => {
    const s = await openStore();
    const hook = await receiver();
    const first = notifier(s, hook.url, () => true);
    await commitAlarms(s, raise('W1'));
    await commitAlarms(s, clear('W1'));
    await eventually(async () => (await delivered(s.store)) === 2, 10_000, 'the first episode delivered');
    await first.idle();
    first.stop();
    const [again] = await commitAlarms(s, raise('W1')); // raised while no notifier ran
    const second = notifier(s, hook.url, () => true);
    await eventually(async () => (await delivered(s.store)) === 3, 10_000, 'the second raise delivered');
    await second.idle();
    expect(hook.got.slice(2)).toStrictEqual([`W1:firing:${again!.seq}`]);
  });

  it('does not send a second raise of an alarm already open, nor a clear of one already cleared', async () => {
    const s = await openStore();
    const hook = await receiver();
    const n = notifier(s, hook.url, () => true);
    const [first] = await commitAlarms(s, raise('W1'));
    await commitAlarms(s, raise('W1')); // a second controller raised it at the same time
    const [cleared] = await commitAlarms(s, clear('W1'));
    await commitAlarms(s, clear('W1'));
    await eventually(async () => (await delivered(s.store)) === 2, 10_000, 'two deliveries');
    await n.idle();
    expect(hook.got).toStrictEqual([`W1:firing:${first!.seq}`, `W1:resolved:${cleared!.seq}`]);
  });

  it('holds on a standby what another process delivers, and sends the rest once it leads', async () => {
    const s = await openStore();
    const hook = await receiver();
    let leading = false;
    const standby = notifier(s, hook.url, () => leading);
    const [w1] = await commitAlarms(s, raise('W1'));
    const [w2] = await commitAlarms(s, raise('W2'));
    // The leader of the time delivered W1's raise and then died before W2's.
    await s.store.commit({
      events: [
        {
          at: Date.now(),
          actor: 'controller',
          type: 'notification.delivered',
          subject: 'ops',
          data: { destination: 'ops', seq: w1!.seq, type: 'alarm.raised', attempt: 1 },
        },
      ],
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // the standby's flush ran at least once
    expect(hook.got).toStrictEqual([]);
    leading = true;
    await eventually(async () => (await delivered(s.store)) === 2, 10_000, 'the held raise delivered');
    await standby.idle();
    expect(hook.got).toStrictEqual([`W2:firing:${w2!.seq}`]);
  });

  it('lets a standby send the leadership.lost it raised itself, and only that', async () => {
    const s = await openStore();
    const hook = await receiver();
    const own = new Set<number>();
    const standby = notifier(
      s,
      hook.url,
      () => false,
      (seq) => own.has(seq),
    );
    await commitAlarms(s, raise('W1'));
    const [lost] = await commitAlarms(
      s,
      alarmEvent('alarm.raised', Date.now(), 'controller', 'cascade', {
        kind: 'leadership.lost',
        message: 'no controller leads',
      }),
    );
    own.add(lost!.seq);
    await eventually(async () => (await delivered(s.store)) === 1, 10_000, 'leadership.lost delivered');
    await standby.idle();
    expect(hook.got).toStrictEqual([`cascade:firing:${lost!.seq}`]);
  });
});
