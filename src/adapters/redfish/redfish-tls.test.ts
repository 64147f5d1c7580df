// TLS to a BMC with a self-signed certificate: trusted through tls.ca, refused (with a clear error) without it or
// with the wrong CA, and accepted unverified only with the explicit lab opt-in tls.insecure.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeWorld } from '../fake/index.js';
import { startEmulator, type Emulator } from '../../emulator/server.js';
import { RedfishError } from './redfish-error.js';
import { RedfishHardware, type RedfishHardwareOptions } from './redfish-hardware.js';

const TLS = join(import.meta.dirname, 'testing', 'tls');
const cert = readFileSync(join(TLS, 'cert.pem'), 'utf8');
let emulator: Emulator;

beforeAll(async () => {
  const world = new FakeWorld({ blades: [{ id: 'b1', resources: { memoryGiB: 64 } }] });
  emulator = await startEmulator({ world, tls: { key: readFileSync(join(TLS, 'key.pem'), 'utf8'), cert } });
});
afterAll(() => emulator.close());

async function statusWith(tls: RedfishHardwareOptions['tls']): Promise<unknown> {
  const driver = new RedfishHardware({
    url: emulator.url,
    ...emulator.credentials,
    timeoutMs: 2_000,
    retries: 0,
    ...(tls ? { tls } : {}),
  });
  try {
    return await driver.status('b1');
  } catch (error) {
    return error;
  } finally {
    await driver.close();
  }
}

describe('Redfish over TLS', () => {
  it('serves HTTPS', () => {
    expect(emulator.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('trusts the BMC through the configured CA', async () => {
    expect(await statusWith({ ca: cert })).toMatchObject({ power: 'on', health: 'ok' });
  });

  it('refuses an untrusted certificate with an error that says what to configure', async () => {
    for (const tls of [undefined, { ca: readFileSync(join(TLS, 'other-cert.pem'), 'utf8') }]) {
      const error = await statusWith(tls);
      expect(error).toBeInstanceOf(RedfishError);
      expect((error as RedfishError).code).toBe('tls');
      expect((error as RedfishError).message).toMatch(/TLS certificate not trusted \(\w+\); set tls\.caFile to/);
    }
  });

  it('skips verification only when told to (a lab)', async () => {
    expect(await statusWith({ insecure: true })).toMatchObject({ power: 'on', health: 'ok' });
  });

  it('refuses a CA that is not PEM', async () => {
    const error = await statusWith({ ca: 'not a certificate' });
    expect(error).toMatchObject({ code: 'tls', message: expect.stringContaining('tls.ca: expected PEM text') });
  });
});
