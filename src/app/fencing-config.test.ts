// The fencing: section of the site file and a scenario blade's fencing list: checked at start, naming the field.
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../sim/load-scenario.js';
import { ConfigError, parseConfig } from './config.js';

const device = { name: 'san-a', tgt: { controlPort: 9, initiators: { A: 'iqn.2026-12.site:a' }, targets: { W1: 1 } } };

describe('fencing configuration', () => {
  it('accepts all four levels and keeps them in order', () => {
    const config = parseConfig(
      {
        fencing: {
          devices: [device, { name: 'enc-a', redfish: { url: 'https://enc-a.example', username: 'u', password: 'p' } }],
          blades: {
            A: [
              { level: 'bmc' },
              { level: 'enclosure', device: 'enc-a', chassis: 'Blade1' },
              { level: 'pdu', device: 'enc-a', outlet: 'pdu1/4' },
              { level: 'storage', device: 'san-a', initiator: 'iqn.2026-12.site:a' },
            ],
          },
          bootStorage: 'san-a',
        },
      },
      'site.yaml',
    );
    expect(config.fencing?.blades['A']?.map((l) => l.level)).toEqual(['bmc', 'enclosure', 'pdu', 'storage']);
  });

  it.each([
    [{ blades: { A: [{ level: 'psu' }] } }, 'site.yaml: fencing.blades.A[0]'],
    [
      { devices: [device], blades: { A: [{ level: 'storage', device: 'san-a', initiator: 'iqn.2026-12.site:zz' }] } },
      'fencing.blades.A[0].initiator: iqn.2026-12.site:zz is not in',
    ],
    [
      { devices: [device], blades: { A: [{ level: 'enclosure', device: 'san-a', chassis: 'x' }] } },
      'fencing.blades.A[0].device: san-a is a tgt SAN',
    ],
    [{ blades: { A: [{ level: 'bmc' }, { level: 'bmc' }] } }, 'fencing.blades.A[1]: the same level twice'],
    [{ devices: [{ name: 'x' }] }, 'fencing.devices[0]: give exactly one of redfish or tgt'],
    [{ bootStorage: 'nope' }, 'fencing.bootStorage: nope is not a tgt device with targets'],
  ])('refuses %j naming the field', (fencing, message) => {
    expect(() => parseConfig({ fencing }, 'site.yaml')).toThrow(ConfigError);
    expect(() => parseConfig({ fencing }, 'site.yaml')).toThrow(message);
  });

  it('a scenario blade lists its levels; an unknown or repeated one is refused naming the field', () => {
    const ok = parseScenario('blades:\n  - { id: A, resources: { cpuCount: 1 }, fencing: [bmc, storage] }\n', 's.yaml');
    expect(ok.ok && ok.scenario.blades[0]?.fencing).toEqual(['bmc', 'storage']);
    const bad = parseScenario('blades:\n  - { id: A, resources: { cpuCount: 1 }, fencing: [bmc, psu] }\n', 's.yaml');
    expect(!bad.ok && bad.error).toMatchObject({ path: 'blades[0].fencing[1]' });
    const twice = parseScenario('blades:\n  - { id: A, resources: { cpuCount: 1 }, fencing: [pdu, pdu] }\n', 's.yaml');
    expect(!twice.ok && twice.error).toMatchObject({ path: 'blades[0].fencing', message: 'a level is listed twice' });
  });
});
