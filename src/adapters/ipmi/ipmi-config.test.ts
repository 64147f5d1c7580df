// The IPMI site section: each blade's BMC, credentials and resources resolved, problems named by field.
import { describe, expect, it } from 'vitest';
import { formatConfigError } from '../driver-config.js';
import { parseIpmiConfig, type SecretSources } from './ipmi-config.js';

const site = {
  credentials: { username: 'cascade', passwordEnv: 'CASCADE_IPMI_PASSWORD' },
  blades: [
    {
      id: 'c1s1',
      bmc: { host: '10.0.1.11' },
      resources: { memoryGiB: 512, cpuArch: 'x86_64' },
      location: { chassis: 'c1', slot: 1 },
    },
    {
      id: 'c1s2',
      bmc: { host: '10.0.1.12', port: 6230 },
      resources: { memoryGiB: 256 },
      credentials: { username: 'root', passwordFile: '/etc/cascade/c1s2.pass' },
    },
  ],
};

const secrets = (
  files: Record<string, { text: string; mode: number }> = {},
  env: NodeJS.ProcessEnv = { CASCADE_IPMI_PASSWORD: 's3cret' },
): SecretSources => ({
  env,
  readSecretFile: (path) => {
    const file = files[path];
    if (!file) throw new Error('ENOENT');
    return file;
  },
});

function problem(input: unknown, sources: SecretSources): string {
  const parsed = parseIpmiConfig(input, sources);
  if (parsed.ok) throw new Error('expected an error');
  return formatConfigError(parsed.error);
}

describe('IPMI site configuration', () => {
  it('resolves each blade: its BMC, credentials from the environment or a private file, resources and location', () => {
    const parsed = parseIpmiConfig(site, secrets({ '/etc/cascade/c1s2.pass': { text: 'other\n', mode: 0o100600 } }));
    if (!parsed.ok) throw new Error(formatConfigError(parsed.error));
    expect(parsed.value.blades).toEqual([
      {
        id: 'c1s1',
        bmc: { host: '10.0.1.11', port: 623, username: 'cascade', password: 's3cret', cipherSuite: 3 },
        resources: { memoryGiB: 512, cpuArch: 'x86_64' },
        location: { chassis: 'c1', slot: 1 },
      },
      {
        id: 'c1s2',
        bmc: { host: '10.0.1.12', port: 6230, username: 'root', password: 'other', cipherSuite: 3 },
        resources: { memoryGiB: 256 },
      },
    ]);
  });

  it('names the field of the first problem, and never prints a password', () => {
    const file = { '/etc/cascade/c1s2.pass': { text: 'other', mode: 0o100600 } };
    expect(problem(site, secrets(file, {}))).toBe(
      'ipmi.credentials.passwordEnv: environment variable CASCADE_IPMI_PASSWORD is not set',
    );
    expect(problem(site, secrets({ '/etc/cascade/c1s2.pass': { text: 'other', mode: 0o100644 } }))).toBe(
      'ipmi.blades[1].credentials.passwordFile: /etc/cascade/c1s2.pass is readable by others: chmod 600 it',
    );
    expect(problem(site, secrets())).toBe(
      'ipmi.blades[1].credentials.passwordFile: cannot read /etc/cascade/c1s2.pass',
    );
    const long = problem(site, secrets(file, { CASCADE_IPMI_PASSWORD: 'x'.repeat(21) }));
    expect(long).toBe('ipmi.credentials.passwordEnv: the password is longer than IPMI 2.0 allows (20 bytes)');
    expect(long).not.toContain('xxxx');
    expect(problem({ ...site, credentials: undefined }, secrets(file))).toBe(
      'ipmi.blades[0].credentials: required (or a default credentials section)',
    );
    expect(
      problem({ ...site, credentials: { username: 'a', passwordEnv: 'A', passwordFile: '/x' } }, secrets(file)),
    ).toBe('ipmi.credentials: expected exactly one of passwordEnv, passwordFile');
    expect(problem({ ...site, blades: [{ ...site.blades[0], resources: { memoryGiB: -1 } }] }, secrets(file))).toBe(
      'ipmi.blades[0].resources.memoryGiB: expected a number >= 0',
    );
    expect(
      problem({ ...site, blades: [{ ...site.blades[0], bmc: { host: '10.0.0.1', password: 'x' } }] }, secrets(file)),
    ).toBe('ipmi.blades[0].bmc.password: unknown key; expected one of host, port');
  });
});
