// A call's deadline measures the peer's silence, not the controller's own lateness.
import { once } from 'node:events';
import { type AddressInfo, createServer, connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../adapters/fake/manual-clock.js';
import { systemClock } from '../ports/clock.js';
import { DeadlineError, withDeadline } from './deadline.js';
import { stall } from '../testing/stall.js';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** A connected pair of loopback sockets: what the server writes reaches the client through the kernel. */
async function pair(): Promise<{ server: Socket; client: Socket }> {
  const listener = createServer();
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const accepted = once(listener, 'connection') as Promise<[Socket]>;
  const client = connect((listener.address() as AddressInfo).port, '127.0.0.1');
  await once(client, 'connect');
  const [server] = await accepted;
  closers.push(() => {
    client.destroy();
    server.destroy();
    listener.close();
  });
  return { server, client };
}

describe('withDeadline', () => {
  it('an answer that arrived while the process was stalled wins over the deadline that fired late', async () => {
    const { server, client } = await pair();
    const answer = new Promise<string>((resolve) => client.once('data', (d: Buffer) => resolve(d.toString())));
    const call = withDeadline(systemClock, answer, 50, 'status of A');
    // The peer answers at once; the controller only gets to read it after a stall longer than the deadline, when the
    // deadline's timer is due as well (timers run before I/O in a turn of the event loop).
    server.write('On');
    stall(200);
    await expect(call).resolves.toBe('On');
  });

  it('a peer that stays silent is given up after the deadline', async () => {
    const clock = new ManualClock();
    const call = withDeadline(clock, new Promise<never>(() => {}), 500, 'status of A');
    await clock.run(499, 499);
    let outcome: unknown = 'pending';
    call.catch((e: unknown) => (outcome = e));
    await clock.run(0);
    expect(outcome).toBe('pending');
    await clock.run(1, 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(outcome).toBeInstanceOf(DeadlineError);
    expect(String((outcome as Error).message)).toBe('status of A: no answer within 500 ms');
  });

  it('a deadline that comes more than half its length late gives the peer its time once more, then gives up', async () => {
    const clock = new ManualClock();
    let outcome: unknown = 'pending';
    withDeadline(clock, new Promise<never>(() => {}), 500, 'status of A').catch((e: unknown) => (outcome = e));
    // The process did not run for 2 s: the silence it saw is its own.
    clock.advance(2_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(outcome).toBe('pending');
    await clock.run(499, 499);
    expect(outcome).toBe('pending');
    // Late again, but only once more: a peer silent while the process runs is given up.
    clock.advance(5_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(outcome).toBeInstanceOf(DeadlineError);
  });
});
