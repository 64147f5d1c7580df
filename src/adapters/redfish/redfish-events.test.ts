// The driver's event stream survives its service going away: it reconnects with backoff, logs in again (the new
// service knows no old session), and goes on delivering; and it parses text/event-stream however it is chunked.
import { describe, expect, it } from 'vitest';
import { FakeWorld } from '../fake/index.js';
import { startEmulator } from '../../emulator/server.js';
import { eventually } from '../../ports/contract-support.js';
import type { HardwareEvent } from '../../ports/hardware.js';
import { serverSentEvents } from './redfish-events.js';
import { RedfishHardware, type RedfishLogEntry } from './redfish-hardware.js';

describe('Redfish event stream', () => {
  it('reconnects after the service restarts, with a fresh session, and keeps delivering', async () => {
    const world = new FakeWorld({ blades: [{ id: 'b1', resources: { memoryGiB: 64 } }] });
    const credentials = { username: 'admin', password: 'pw-3d9a' };
    const first = await startEmulator({ world, credentials });
    const port = Number(new URL(first.url).port);
    const logs: RedfishLogEntry[] = [];
    const driver = new RedfishHardware({
      url: first.url,
      ...credentials,
      timeoutMs: 1_000,
      eventRetryMs: 20,
      log: (e) => logs.push(e),
    });
    const heard: HardwareEvent[] = [];
    const stop = driver.subscribe((e) => heard.push(e));
    await driver.setPower('b1', 'on'); // the stream is open once this returns
    await first.close();
    await eventually(
      async () => logs.some((l) => l.msg.includes('reconnect')),
      (yes) => yes,
      5_000,
      'a reconnect attempt',
    );
    const second = await startEmulator({ world, credentials, port });
    try {
      let probes = 0;
      await eventually(
        async () => {
          // A change on every probe: one made before the stream is back would be missed, not replayed.
          world.setHealth('b1', probes++ % 2 === 0 ? 'warning' : 'ok');
          return heard.length;
        },
        (n) => n > 0,
        10_000,
        'an event through the new connection',
      );
      expect(heard[0]).toMatchObject({ kind: 'health', blade: 'b1' });
    } finally {
      stop();
      await driver.close();
      await second.close();
    }
  });

  it('parses messages split anywhere, with CRLF, comments, ids and multi-line data', async () => {
    const text = ': hello\r\nid: 7\r\ndata: {"a":\r\ndata: 1}\r\n\r\nevent: x\ndata: two\n\n';
    for (const size of [1, 2, 5, 1000]) {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(new TextEncoder().encode(text.slice(i, i + size)));
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(chunk);
          controller.close();
        },
      });
      const seen = [];
      for await (const message of serverSentEvents(body, new AbortController().signal)) seen.push(message);
      expect(seen, `chunks of ${size}`).toEqual([
        { id: '7', data: '{"a":\n1}' },
        { id: '7', data: 'two' },
      ]);
    }
  });
});
