// Percent-escapes in a path reach the same route as the plain path, so they must meet the same guard.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeWorld } from '../adapters/fake/index.js';
import { startEmulator, type Emulator } from './server.js';

let emulator: Emulator;
beforeAll(async () => {
  const world = new FakeWorld({ blades: [{ id: 'b1', resources: { memoryGiB: 64 } }], workloads: [] });
  emulator = await startEmulator({ world, credentials: { username: 'admin', password: 'secret-91c4' } });
});
afterAll(() => emulator.close());

describe('authentication cannot be walked past with percent-encoding', () => {
  it.each([
    ['GET', '/%65mulator/v1/world'],
    ['GET', '/emulator/%761/history'],
    ['GET', '/%72edfish/v1/Systems'],
    ['GET', '/redfish/%76%31/Systems/b1'],
    ['POST', '/%72edfish/v1/Systems/b1/Actions/ComputerSystem.Reset'],
  ])('%s %s needs credentials', async (method, path) => {
    const response = await fetch(`${emulator.url}${path}`, {
      method,
      headers: method === 'POST' ? { 'Content-Type': 'application/json' } : {},
      ...(method === 'POST' ? { body: JSON.stringify({ ResetType: 'ForceOff' }) } : {}),
    });
    expect(response.status).toBe(401);
    expect(emulator.world.blade('b1')?.power).toBe('on');
  });

  it('still serves the encoded path to a caller with credentials (the guard, not the router, was the hole)', async () => {
    const basic = `Basic ${Buffer.from('admin:secret-91c4').toString('base64')}`;
    const response = await fetch(`${emulator.url}/%72edfish/v1/Systems/b1`, { headers: { Authorization: basic } });
    expect(response.status).toBe(200);
    const world = await fetch(`${emulator.url}/%65mulator/v1/world`, {
      headers: { Authorization: `Bearer ${emulator.controlToken}` },
    });
    expect(world.status).toBe(200);
  });
});
