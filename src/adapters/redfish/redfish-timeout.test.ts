// A Redfish call's timeout measures the service's silence, not the controller's own lateness: a reply that reached
// the socket while the process was stalled is read, not thrown away as a timeout.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RedfishClient } from './redfish-client.js';
import { stall } from '../../testing/stall.js';

let server: Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = null;
});

/** A service that answers every GET at once (and for blade A, then stalls the shared process for `stallMs`), or never. */
async function service(answer: 'at once, then stall' | 'never', stallMs = 0): Promise<string> {
  server = createServer((req, res) => {
    if (answer === 'never') return;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ '@odata.id': req.url, PowerState: 'On' }));
    if (req.url?.endsWith('/A')) stall(stallMs);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('Redfish call timeout', () => {
  it('a reply that arrived while the process was stalled past the timeout is read', async () => {
    // The service and the client share this process: the service's reply is written, then the process stalls for
    // four timeouts, so the timeout's timer and the reply are both due when the event loop turns again.
    const url = await service('at once, then stall', 200);
    // The first call loads fetch's machinery and connects (a stall of its own, on a loaded machine longer than the
    // timeout below): done first, so that the only stall is the one the service makes.
    const patient = new RedfishClient({ url, username: 'u', password: 'p', auth: 'basic', retries: 0 });
    await patient.get('/redfish/v1/Systems/B');
    const client = new RedfishClient({ url, username: 'u', password: 'p', auth: 'basic', timeoutMs: 50, retries: 0 });
    await expect(client.get('/redfish/v1/Systems/A')).resolves.toMatchObject({ PowerState: 'On' });
  });

  it('a service that stays silent still times out', async () => {
    const url = await service('never');
    const client = new RedfishClient({ url, username: 'u', password: 'p', auth: 'basic', timeoutMs: 50, retries: 0 });
    await expect(client.get('/redfish/v1/Systems/A')).rejects.toMatchObject({
      code: 'timeout',
      message: expect.stringContaining('no answer within 50 ms'),
    });
  });
});
