// The serve configuration: no file means an emulated data center; every mistake is one line naming the field.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig, secretOf } from './config.js';

const fail = (raw: unknown): string => {
  try {
    parseConfig(raw, 'cascade.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('serve configuration', () => {
  it('defaults to an emulated data center of 4 chassis x 14 blades, SQLite in ./data', () => {
    const config = parseConfig({}, 'defaults');
    expect(config.emulator).toMatchObject({ enabled: true, chassis: 4, bladesPerChassis: 14, host: '127.0.0.1' });
    expect(config.data).toBe('./data');
    expect(config.redfish).toEqual([]);
  });

  it('turns the emulator off by default when Redfish endpoints are given, and then needs a workload driver', () => {
    const redfish = [{ url: 'https://10.0.0.5', username: 'admin', passwordEnv: 'BMC_PASSWORD' }];
    expect(fail({ redfish })).toBe(
      "cascade.yaml: workloads: with the emulator off, name the hypervisor: a libvirt: section, or the emulator's API (workloads.emulatorUrl)",
    );
    const config = parseConfig({ redfish, workloads: { emulatorUrl: 'http://127.0.0.1:9000' } }, 'x');
    expect(config.emulator.enabled).toBe(false);
    expect(config.redfish[0]).toMatchObject({ auth: 'auto', timeoutMs: 10_000, retries: 1 });
  });

  it('names the field of every mistake', () => {
    expect(fail({ redfish: [{ url: 'https://admin:pw@10.0.0.5', username: 'a', password: 'b' }] })).toBe(
      'cascade.yaml: redfish.0.url: put credentials in username/password (or their Env), not in the URL',
    );
    expect(fail({ emulator: { chassis: 0 } })).toMatch(/^cascade.yaml: emulator.chassis: /);
    expect(fail({ emulator: { chasis: 2 } })).toMatch(/^cascade.yaml: emulator: .*chasis/);
    expect(fail({ redfish: [{ url: 'ftp://x', username: 'a', password: 'b' }] })).toMatch(
      /^cascade.yaml: redfish.0.url: expected an http\(s\) URL/,
    );
    expect(fail({ redfish: [{ url: 'https://x', passwordEnv: 'not a name' }] })).toMatch(
      /^cascade.yaml: redfish.0.passwordEnv: expected an environment variable name/,
    );
  });

  it('takes secrets from the environment, and never shows them in a message', () => {
    const holder = { username: 'admin', passwordEnv: 'CASCADE_TEST_BMC_PASSWORD' };
    expect(secretOf(holder, 'password', 'redfish[0]', { CASCADE_TEST_BMC_PASSWORD: 's3cret' })).toBe('s3cret');
    expect(() => secretOf(holder, 'password', 'redfish[0]', {})).toThrow(
      'redfish[0].passwordEnv: environment variable CASCADE_TEST_BMC_PASSWORD is not set',
    );
    expect(() => secretOf({}, 'password', 'redfish[0]', {})).toThrow('redfish[0]: give password or passwordEnv');
  });

  it("reads YAML and resolves relative paths from the file's folder", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cascade-config-'));
    try {
      writeFileSync(join(dir, 'c.yaml'), 'emulator:\n  scenario: dc.yaml\n  powerDelayMs: 100\n');
      expect((await loadConfig(join(dir, 'c.yaml'))).emulator).toMatchObject({
        scenario: join(dir, 'dc.yaml'),
        powerDelayMs: 100,
      });
      writeFileSync(join(dir, 'bad.yaml'), 'emulator: [1, 2\n');
      await expect(loadConfig(join(dir, 'bad.yaml'))).rejects.toThrow(/bad.yaml: not YAML/);
      await expect(loadConfig(join(dir, 'missing.yaml'))).rejects.toThrow(
        /missing.yaml: cannot read the file \(ENOENT\)/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('detection', () => {
  it('defaults to failAfterMs 10 s, and names the field of a bad value', () => {
    // Left out, the emulator's scenario may give it (else serve uses the defaults); given, it is filled in.
    expect(parseConfig({}, 'defaults').detection).toBeUndefined();
    expect(parseConfig({ detection: {} }, 'defaults').detection).toEqual({
      failAfterMs: 10_000,
      suspectAlarmMs: 30_000,
      consecutive: 2,
    });
    expect(fail({ detection: { failAfterMs: -1 } })).toMatch(/^cascade\.yaml: detection\.failAfterMs: /);
    expect(fail({ detection: { consecutive: 0 } })).toMatch(/^cascade\.yaml: detection\.consecutive: /);
    expect(fail({ detection: { suspectAlarmMs: 'soon' } })).toMatch(/^cascade\.yaml: detection\.suspectAlarmMs: /);
    expect(fail({ detection: { failAfter: 5 } })).toMatch(/^cascade\.yaml: detection/);
  });
});
