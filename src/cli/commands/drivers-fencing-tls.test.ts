// Fencing devices over HTTPS take the Redfish driver's TLS options: a device whose certificate a test CA signed is
// trusted through tls.caFile (a path from the site file's folder), refused without it or with another CA, accepted
// unverified only with tls.insecure; a caFile that cannot be read is named as the field, by drivers check and serve.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { FakeWorld } from '../../adapters/fake/index.js';
import { ConfigError, parseConfig } from '../../app/config.js';
import { fencingDevices } from '../../app/fencing-config.js';
import { startEmulator, type Emulator } from '../../emulator/server.js';
import { runCli } from '../testing/run-cli.js';

const TLS = join(import.meta.dirname, '..', '..', 'adapters', 'redfish', 'testing', 'tls');
let dir: string;
let emulator: Emulator;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cascade-fencing-tls-'));
  copyFileSync(join(TLS, 'cert.pem'), join(dir, 'ca.pem'));
  copyFileSync(join(TLS, 'other-cert.pem'), join(dir, 'other.pem'));
  const world = new FakeWorld({
    blades: [{ id: 'A', resources: { memoryGiB: 64 }, location: { chassis: 'c1', slot: 1 } }],
  });
  const tls = { key: readFileSync(join(TLS, 'key.pem'), 'utf8'), cert: readFileSync(join(TLS, 'cert.pem'), 'utf8') };
  emulator = await startEmulator({ world, controlToken: null, tls });
});
afterAll(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

function fencing(tls: Record<string, unknown> | undefined): Record<string, unknown> {
  const redfish = { url: emulator.url, ...emulator.credentials, timeoutMs: 2_000, retries: 0, ...(tls ? { tls } : {}) };
  return {
    devices: [{ name: 'enc', redfish }],
    blades: {
      A: [
        { level: 'enclosure', device: 'enc', chassis: 'Blade-A' },
        { level: 'pdu', device: 'enc', outlet: 'c1/1' },
      ],
    },
  };
}

async function check(tls: Record<string, unknown> | undefined): Promise<{ code: number; out: string; err: string }> {
  const file = join(dir, 'site.yaml');
  writeFileSync(file, YAML.stringify({ fencing: fencing(tls) }));
  return runCli(['drivers', 'check', file]);
}

describe('fencing devices over TLS', () => {
  it('trusts a device through tls.caFile, read from the site file folder', async () => {
    const r = await check({ caFile: 'ca.pem' });
    expect(r.out).toContain('Fencing: 2 of 2 levels answered');
    expect(r.out).toMatch(/A\s+enclosure\s+enclosure enc\s+Blade-A\s+Chassis Blade-A PowerState On/);
    expect(r.code).toBe(0);
  });

  it('refuses a certificate it cannot trust, saying what to configure; insecure only when told', async () => {
    for (const tls of [undefined, { caFile: 'other.pem' }]) {
      const r = await check(tls);
      expect(r.code).toBe(1);
      expect(r.out).toContain('Fencing: 0 of 2 levels answered');
      expect(r.err).toMatch(/TLS certificate not trusted \(\w+\); set tls\.caFile/);
    }
    expect((await check({ insecure: true })).out).toContain('Fencing: 2 of 2 levels answered');
  });

  it('names the field of a CA file that cannot be read, in drivers check and at serve start', async () => {
    const r = await check({ caFile: 'missing.pem' });
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(`fencing.devices[0].redfish.tls.caFile: cannot read ${join(dir, 'missing.pem')}`);
    const config = parseConfig({ fencing: fencing({ caFile: 'missing.pem' }) }, 'site.yaml', dir);
    expect(() => fencingDevices(config.fencing!)).toThrow(ConfigError);
    expect(() => fencingDevices(config.fencing!)).toThrow('fencing.devices[0].redfish.tls.caFile: cannot read');
  });
});
