// The real `cascade serve` (dist/) subscribed to the emulator's push events (push: in its config): with the SSE path
// killed and status polling off, only a pushed event can tell it that a blade failed, and the blade still fails over.
// The latency from the fault to the failover is printed, not asserted (speed is measured under bench/).
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ControllerProcess } from '../../src/chaos/controller-process.js';
import { generateSchedule } from '../../src/chaos/schedule.js';
import { startSite, type Site } from '../../src/chaos/site.js';

let site: Site | null = null;
let controller: ControllerProcess | null = null;
afterEach(async () => {
  await controller?.stop();
  await site?.close(false);
  controller = null;
  site = null;
});

interface TransferView {
  id: string;
  kind: string;
  workload: string;
  from: string | null;
  status: string;
}

async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end)
      throw new Error(
        `timed out waiting for ${what}; controller log:\n${controller?.tail.slice(-30).join('\n') ?? ''}`,
      );
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('cascade serve: Redfish push events', () => {
  it('a blade fails over on a pushed event while the SSE path is dead and polling is off', async () => {
    const schedule = generateSchedule(5);
    site = await startSite(schedule);
    // Polling off: a failed blade is found by an event or not at all. push: one listener, a secret made per start.
    // Checkpoints off too: a failed checkpoint must not be what finds the dead blade.
    const config = readFileSync(site.config, 'utf8').replace(
      /controller: \{ pollMs: \d+, checkpointMs: \d+,/,
      'controller: { pollMs: 0, checkpointMs: 0,',
    );
    writeFileSync(site.config, config);
    appendFileSync(site.config, 'push: { listen: { host: 127.0.0.1, port: 0, path: /redfish/events } }\n');
    expect(readFileSync(site.config, 'utf8')).toContain('pollMs: 0, checkpointMs: 0,');
    controller = new ControllerProcess({ config: site.config, dataDir: site.dataDir, env: site.env });
    await controller.start();
    const api = controller.apiUrl ?? '';
    const get = async <T>(path: string): Promise<T> =>
      (await (await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${site!.token}` } })).json()) as T;

    // Subscribed on start, and the log says which paths bring events.
    await until('a push subscription on the emulator', async () =>
      site!.emulator.subscriptions.ids().length === 1 ? true : undefined,
    );
    await until('the log line naming both paths', async () =>
      controller!.tail.some((l) => l.includes('events from push and SSE')) ? true : undefined,
    );

    // Kill the SSE path: open streams end, reconnections are refused.
    site.emulator.sse.setEnabled(false);
    await until('no SSE client left', async () => (site!.emulator.sse.clients === 0 ? true : undefined));

    // The first plan may cascade workloads: take one where it runs once nothing moves any more.
    const hosted = await until('a running workload and no transfer in flight', async () => {
      const { items } = await get<{ items: TransferView[] }>('/api/v1/transfers?limit=100');
      if (items.some((t) => t.status !== 'done' && t.status !== 'aborted')) return undefined;
      const w = await get<{ id: string; state: string; blade: string | null }>(
        `/api/v1/workloads/${schedule.workloads[0]!.id}`,
      );
      return w.state === 'running' && w.blade !== null ? { id: w.id, blade: w.blade } : undefined;
    });
    const deliveredBefore = site.emulator.subscriptions.delivered;
    const failedAt = Date.now();
    site.emulator.faults.inject(hosted.blade, { kind: 'fail' });
    const failover = await until('the failover', async () => {
      const { items } = await get<{ items: TransferView[] }>('/api/v1/transfers?limit=100');
      return items.find((t) => t.kind === 'failover' && t.workload === hosted.id && t.from === hosted.blade);
    });
    // From the fault to the controller's own log line deciding the failover (the API's lists may be a second stale).
    const lines = controller.tail
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; time: string });
    if (process.env['PUSH_DEBUG'])
      console.log(
        lines
          .filter((l) => Date.parse(l.time) >= failedAt - 50)
          .map((l) => `${Date.parse(l.time) - failedAt} ${l.msg}`)
          .join('\n'),
      );
    const decided = lines.find((l) => l.msg.startsWith(`failover ${hosted.id}: ${hosted.blade} ->`));
    const latencyMs = decided ? Date.parse(decided.time) - failedAt : Date.now() - failedAt;
    console.log(
      `push events: ${hosted.blade} failed; failover ${failover.id} of ${hosted.id} decided ${latencyMs} ms later (SSE dead, polling off)`,
    );
    expect(site.emulator.sse.clients).toBe(0);
    expect(site.emulator.subscriptions.failed).toBe(0);
    // The failure reached serve as pushed events (power off, health critical), the only path left open.
    expect(site.emulator.subscriptions.delivered).toBeGreaterThan(deliveredBefore);

    // Stopped cleanly: the subscription is deleted.
    await controller.stop();
    expect(site.emulator.subscriptions.ids()).toEqual([]);
  }, 90_000);
});
