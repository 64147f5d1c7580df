// Every bounded field of the serve configuration at its edges: the value just inside is taken, the one just outside
// is refused with a message that names the field; and the defaults that make no file at all a working setup.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, secretOf } from './config.js';

/** The config with `value` at the dotted `path` (sections created as needed). */
function withValue(path: string, value: unknown): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let at = root;
  const keys = path.split('.');
  keys.slice(0, -1).forEach((k) => {
    const next: Record<string, unknown> = {};
    at[k] = next;
    at = next;
  });
  at[keys.at(-1)!] = value;
  return root;
}

const refusal = (raw: unknown): string | null => {
  try {
    parseConfig(raw, 'cascade.yaml');
    return null;
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
};

// path, lowest allowed, highest allowed (null: unbounded), integer only
const BOUNDS: [string, number, number | null, boolean][] = [
  ['listen.api.port', 0, 65_535, true],
  ['emulator.port', 0, 65_535, true],
  ['emulator.chassis', 1, 1_000, true],
  ['emulator.bladesPerChassis', 1, 64, true],
  ['emulator.seed', 0, null, true],
  ['emulator.powerDelayMs', 0, 600_000, true],
  ['emulator.tickMs', 1, 60_000, true],
  ['emulator.unreachableDelayMs', 0, 600_000, true],
  ['ha.leaseTtlMs', 1_000, 600_000, true],
  ['controller.pollMs', 0, 3_600_000, true],
  ['controller.checkpointMs', 0, 86_400_000, true],
  ['controller.discoverMs', 0, 86_400_000, true],
  ['controller.callMs', 10, 600_000, true],
  ['controller.powerPollMs', 10, 60_000, true],
  ['controller.powerOnMs', 100, 600_000, true],
  ['controller.stepMs', 100, 3_600_000, true],
  ['controller.backoffMs', 1, 600_000, true],
  ['controller.maxBackoffMs', 1, 3_600_000, true],
  ['policy.minImprovement', 0, null, false],
  ['policy.maxConcurrentTransfers', 1, null, true],
  ['policy.cooldownSeconds', 0, null, false],
  ['policy.replanSeconds', 1, null, false],
];

describe('serve configuration bounds', () => {
  it.each(BOUNDS)('%s: from %s to %s', (path, min, max, integer) => {
    expect(refusal(withValue(path, min))).toBeNull();
    if (max !== null) expect(refusal(withValue(path, max))).toBeNull();
    expect(refusal(withValue(path, min - 1))).toMatch(new RegExp(`^cascade\\.yaml: ${path.replace(/\./g, '\\.')}: `));
    if (max !== null)
      expect(refusal(withValue(path, max + 1))).toMatch(new RegExp(`^cascade\\.yaml: ${path.replace(/\./g, '\\.')}: `));
    if (integer)
      expect(refusal(withValue(path, min + 0.5))).toMatch(
        new RegExp(`^cascade\\.yaml: ${path.replace(/\./g, '\\.')}: `),
      );
  });

  it('refuses empty strings where a name or path is needed, naming the field', () => {
    for (const path of [
      'data',
      'db',
      'ha.holder',
      'emulator.scenario',
      'emulator.username',
      'emulator.password',
      'listen.api.host',
      'emulator.host',
    ]) {
      expect(refusal(withValue(path, ''))).toMatch(new RegExp(`^cascade\\.yaml: ${path.replace(/\./g, '\\.')}: `));
    }
    expect(refusal({ db: '   ' })).toBe('cascade.yaml: db: expected a SQLite file path or a postgres:// URL');
    expect(refusal({ ha: { holder: 'h'.repeat(201) } })).toMatch(/^cascade\.yaml: ha\.holder: /);
    expect(refusal({ ha: { holder: 'h'.repeat(200) } })).toBeNull();
  });

  it('refuses a weight below 0 and an unknown policy or log key', () => {
    expect(refusal({ policy: { weights: { memoryGiB: -1 } } })).toMatch(/^cascade\.yaml: policy\.weights\.memoryGiB: /);
    expect(refusal({ policy: { weights: { memoryGiB: 0 } }, log: { level: 'debug', format: 'text' } })).toBeNull();
    expect(refusal({ policy: { transferSecs: 3 } })).toMatch(/^cascade\.yaml: policy: /);
    expect(refusal({ log: { level: 'trace' } })).toMatch(/^cascade\.yaml: log\.level: /);
    expect(refusal({ log: { format: 'xml' } })).toMatch(/^cascade\.yaml: log\.format: /);
    expect(refusal({ policy: { requireApproval: 'yes' } })).toMatch(/^cascade\.yaml: policy\.requireApproval: /);
  });

  it('checks Redfish endpoints: an http(s) URL without credentials in it, an auth kind, retries 0 to 5', () => {
    const endpoint = (extra: Record<string, unknown>) => ({
      emulator: { enabled: false },
      workloads: { emulatorUrl: 'http://127.0.0.1:1' },
      redfish: [{ url: 'https://bmc.example', ...extra }],
    });
    expect(refusal(endpoint({ auth: 'basic', retries: 0, timeoutMs: 0 }))).toBeNull();
    expect(refusal(endpoint({ retries: 5, timeoutMs: 120_000, tls: { insecure: true } }))).toBeNull();
    expect(refusal(endpoint({ url: 'ftp://bmc.example' }))).toBe(
      'cascade.yaml: redfish.0.url: expected an http(s) URL',
    );
    expect(refusal(endpoint({ url: 'https://root:calvin@bmc.example' }))).toBe(
      'cascade.yaml: redfish.0.url: put credentials in username/password (or their Env), not in the URL',
    );
    expect(refusal(endpoint({ auth: 'digest' }))).toMatch(/^cascade\.yaml: redfish\.0\.auth: /);
    expect(refusal(endpoint({ retries: 6 }))).toMatch(/^cascade\.yaml: redfish\.0\.retries: /);
    expect(refusal(endpoint({ retries: -1 }))).toMatch(/^cascade\.yaml: redfish\.0\.retries: /);
    expect(refusal(endpoint({ timeoutMs: 120_001 }))).toMatch(/^cascade\.yaml: redfish\.0\.timeoutMs: /);
    expect(refusal(endpoint({ passwordEnv: '1BAD' }))).toBe(
      'cascade.yaml: redfish.0.passwordEnv: expected an environment variable name',
    );
    expect(refusal(endpoint({ passwordEnv: '_GOOD_1' }))).toBeNull();
    expect(refusal(endpoint({ name: '' }))).toMatch(/^cascade\.yaml: redfish\.0\.name: /);
    expect(refusal(endpoint({ tls: { caFile: '' } }))).toMatch(/^cascade\.yaml: redfish\.0\.tls\.caFile: /);
  });

  it('without a file: the emulator, on 127.0.0.1, with the documented defaults', () => {
    const config = parseConfig(undefined, 'none');
    expect(config).toMatchObject({
      data: './data',
      ha: { enabled: false, leaseTtlMs: 15_000 },
      listen: { api: { host: '127.0.0.1', port: 8080 } },
      emulator: {
        enabled: true,
        host: '127.0.0.1',
        port: 0,
        chassis: 4,
        bladesPerChassis: 14,
        seed: 1,
        powerDelayMs: 2_000,
        tickMs: 100,
        unreachableDelayMs: 1_000,
        username: 'admin',
      },
      redfish: [],
      controller: {
        pollMs: 2_000,
        checkpointMs: 30_000,
        discoverMs: 30_000,
        callMs: 10_000,
        powerPollMs: 250,
        powerOnMs: 30_000,
      },
      policy: {},
      log: { level: 'info' },
    });
    expect(parseConfig({ ha: {}, listen: {} }, 'x')).toMatchObject({ ha: { enabled: false, leaseTtlMs: 15_000 } });
    const endpoint = parseConfig(
      { redfish: [{ url: 'http://bmc.example' }], workloads: { emulatorUrl: 'http://127.0.0.1:1' } },
      'x',
    ).redfish[0];
    expect(endpoint).toMatchObject({ auth: 'auto', timeoutMs: 10_000, retries: 1 });
    expect(
      parseConfig(
        { redfish: [{ url: 'http://bmc.example', tls: {} }], workloads: { emulatorUrl: 'http://127.0.0.1:1' } },
        'x',
      ).redfish[0]?.tls,
    ).toEqual({ insecure: false });
  });

  it('takes a secret from the file, else from the named variable, and says where it looked', () => {
    expect(secretOf({ password: 'p' }, 'password', 'redfish.0', {})).toBe('p');
    expect(secretOf({ passwordEnv: 'PW' }, 'password', 'redfish.0', { PW: 'q' })).toBe('q');
    expect(() => secretOf({ passwordEnv: 'PW' }, 'password', 'redfish.0', { PW: '' })).toThrow(
      'redfish.0.passwordEnv: environment variable PW is not set',
    );
    expect(() => secretOf({ passwordEnv: 'PW' }, 'password', 'redfish.0', {})).toThrow(
      'redfish.0.passwordEnv: environment variable PW is not set',
    );
    expect(() => secretOf({}, 'password', 'redfish.0', {})).toThrow('redfish.0: give password or passwordEnv');
  });
});
