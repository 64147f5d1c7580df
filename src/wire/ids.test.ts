// One id rule and numeric quantity keys at every edge: API bodies and params, scenario files, site files, the IPMI
// section and chaos schedules all refuse the same ids and name the field.
import { describe, expect, it } from 'vitest';
import { parseIpmiConfig } from '../adapters/ipmi/ipmi-config.js';
import { idParams, submitBody } from '../api/schemas.js';
import { ConfigError, parseConfig } from '../app/config.js';
import { siteWorkloadSchema } from '../chaos/schedule.js';
import { formatScenarioError, parseScenario } from '../sim/load-scenario.js';
import { isValidId } from './ids.js';

const BAD_IDS = ['', 'a'.repeat(257), 'W\u001b[31m', 'tab\there', 'sp ace', 'slash/x', 'ü', 'new\nline'];
const GOOD_IDS = ['a', 'a'.repeat(256), 'vm-01.site:rack_2', '0'];

function scenarioLine(text: string): string {
  const result = parseScenario(text, 'f.yaml');
  return result.ok ? 'ok' : formatScenarioError('f.yaml', result.error);
}

describe('ids', () => {
  it('accepts letters, digits and ._:- up to 256 characters, nothing else', () => {
    for (const id of GOOD_IDS) expect(isValidId(id), id).toBe(true);
    for (const id of BAD_IDS) expect(isValidId(id), JSON.stringify(id)).toBe(false);
  });

  it('are checked in API bodies and params, naming the field', () => {
    for (const id of BAD_IDS) {
      const body = submitBody.safeParse({ id, requirements: { memoryGiB: 1 } });
      expect(body.success, JSON.stringify(id)).toBe(false);
      expect(body.error!.issues[0]!.path).toEqual(['id']);
      expect(idParams.safeParse({ id }).success).toBe(false);
    }
    for (const id of GOOD_IDS) expect(submitBody.safeParse({ id }).success).toBe(true);
  });

  it('are checked in scenario files, on the quick path for plain entries too', () => {
    const long = 'b'.repeat(257);
    expect(scenarioLine(`blades:\n  - { id: ${long}, resources: { memoryGiB: 1 } }\n`)).toMatch(
      /blades\[0\]\.id: expected at most 256/,
    );
    expect(scenarioLine('blades:\n  - { id: "A\\u001b[2J", resources: { memoryGiB: 1 } }\n')).toMatch(
      /blades\[0\]\.id: expected 1 to 256 letters/,
    );
    expect(
      scenarioLine('blades:\n  - { id: A, resources: { memoryGiB: 1 } }\nevents:\n  - { at: 1, fail: "A B" }\n'),
    ).toMatch(/events\[0\]\.fail/);
    expect(scenarioLine(`blades:\n  - { id: ${'b'.repeat(256)}, resources: { memoryGiB: 1 } }\n`)).toBe('ok');
  });

  it('are checked in site files, IPMI sections and chaos schedules', () => {
    expect(() => parseConfig({ domains: { powerFeed: { 'c 01': 'A' } } }, 'site.yaml')).toThrow(ConfigError);
    const ipmi = parseIpmiConfig(
      {
        blades: [
          {
            id: 'x'.repeat(300),
            bmc: { host: 'h' },
            credentials: { username: 'u', passwordEnv: 'P' },
            resources: { memoryGiB: 1 },
          },
        ],
      },
      { env: { P: 'secret' }, readSecretFile: () => ({ text: '', mode: 0o600 }) },
    );
    expect(ipmi.ok).toBe(false);
    expect(siteWorkloadSchema.safeParse({ id: 'W\u0007', requirements: {}, blade: 'A' }).success).toBe(false);
    expect(siteWorkloadSchema.safeParse({ id: 'W1', requirements: {}, blade: 'A' }).success).toBe(true);
  });
});

describe('quantity keys', () => {
  it('must be numbers in API bodies, naming the key', () => {
    const body = submitBody.safeParse({ id: 'W1', requirements: { memoryGiB: 'NaN' } });
    expect(body.success).toBe(false);
    expect(body.error!.issues[0]!.path).toEqual(['requirements', 'memoryGiB']);
    expect(body.error!.issues[0]!.message).toMatch(/expected a number/);
    for (const key of ['cpuCount', 'cpuThreads', 'storageTB', 'gpuCount']) {
      expect(submitBody.safeParse({ id: 'W1', requirements: { [key]: '2' } }).success, key).toBe(false);
    }
    // Other keys may still be attributes.
    expect(submitBody.safeParse({ id: 'W1', requirements: { cpuArch: 'x86_64', memoryGiB: 2 } }).success).toBe(true);
  });

  it('must be numbers in scenario files and chaos schedules', () => {
    expect(scenarioLine('blades:\n  - { id: A, resources: { memoryGiB: "NaN" } }\n')).toMatch(
      /blades\[0\]\.resources\.memoryGiB: expected a number/,
    );
    expect(
      scenarioLine(
        'blades:\n  - { id: A, resources: { memoryGiB: 1 } }\nworkloads:\n  - { id: W, requirements: { gpuCount: "1" } }\n',
      ),
    ).toMatch(/workloads\[0\]\.requirements\.gpuCount: expected a number/);
    expect(siteWorkloadSchema.safeParse({ id: 'W1', requirements: { storageTB: 'x' }, blade: 'A' }).success).toBe(
      false,
    );
  });
});
