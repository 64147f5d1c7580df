// `cascade serve`'s fencing check at start: a level whose device does not know its address is logged as an error
// naming the field, one whose device does not answer as a warning, and a blade left with one working level is named.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeWorld } from '../adapters/fake/index.js';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { parseConfig } from './config.js';
import { reportFencingAtStart } from './fencing-check.js';

let emulator: Emulator;
beforeEach(async () => {
  const world = new FakeWorld({
    blades: [{ id: 'A', resources: { memoryGiB: 64 }, location: { chassis: 'c1', slot: 1 } }],
  });
  emulator = await startEmulator({ world, controlToken: null });
});
afterEach(() => emulator.close());

describe('serve: the fencing check at start', () => {
  it('names the field of an unknown outlet and of a device that does not answer, and the weak blades', async () => {
    const redfish = { url: emulator.url, ...emulator.credentials, timeoutMs: 1_000, retries: 0 };
    const dead = { url: 'http://127.0.0.1:9', username: 'u', password: 'p', timeoutMs: 1_000, retries: 0 };
    const config = parseConfig(
      {
        fencing: {
          devices: [
            { name: 'enc', redfish },
            { name: 'gone', redfish: dead },
          ],
          blades: {
            A: [
              { level: 'bmc' },
              { level: 'pdu', device: 'enc', outlet: 'c1/42' },
              { level: 'enclosure', device: 'gone', chassis: 'Blade-A' },
            ],
          },
        },
      },
      'site.yaml',
    );
    const lines: { level: string; fields: Record<string, unknown>; msg: string }[] = [];
    await reportFencingAtStart(config.fencing!, {
      error: (fields, msg) => lines.push({ level: 'error', fields, msg }),
      warn: (fields, msg) => lines.push({ level: 'warn', fields, msg }),
    });
    expect(lines.map((l) => [l.level, l.fields['field'] ?? l.fields['blade']])).toEqual([
      ['error', 'fencing.blades.A[1].outlet'],
      ['warn', 'fencing.blades.A[2].chassis'],
      ['warn', 'A'],
    ]);
    expect(lines[0]!.msg).toMatch(/^fencing\.blades\.A\[1\]\.outlet: c1\/42 is unknown to pdu enc \(/);
    expect(lines[1]!.msg).toMatch(/^fencing\.blades\.A\[2\]\.chassis: enclosure gone did not answer for Blade-A/);
    expect(lines[2]!.msg).toBe('fencing: blade A has 1 working level(s); a failover needs two');
  });
});
