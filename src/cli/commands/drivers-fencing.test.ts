// `cascade drivers check` over a fencing: section: every level read once against the emulator's enclosure manager, PDU
// and SAN (nothing fenced), blades with fewer than two working levels named, a misconfigured level naming its field.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { FakeWorld } from '../../adapters/fake/index.js';
import { initiatorOf } from '../../emulator/fencing-routes.js';
import { startEmulator, type Emulator } from '../../emulator/server.js';
import { runCli } from '../testing/run-cli.js';

let dir: string;
let emulator: Emulator;
let world: FakeWorld;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cascade-fencing-check-'));
  world = new FakeWorld({
    blades: [
      { id: 'A', resources: { memoryGiB: 64 }, location: { chassis: 'c1', slot: 1 } },
      { id: 'B', resources: { memoryGiB: 64 }, location: { chassis: 'c1', slot: 2 } },
    ],
    workloads: [{ id: 'W1', requirements: { memoryGiB: 64 }, blade: 'A' }],
  });
  emulator = await startEmulator({ world, controlToken: null });
});
afterEach(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

function site(blades: Record<string, unknown[]>): string {
  const file = join(dir, 'site.yaml');
  const redfish = { url: emulator.url, ...emulator.credentials, timeoutMs: 1_000, retries: 0 };
  writeFileSync(file, YAML.stringify({ fencing: { devices: [{ name: 'chassis-mgr', redfish }], blades } }));
  return file;
}

describe('drivers check: fencing', () => {
  it('reads every level, changes nothing, and names blades with fewer than two working levels', async () => {
    const file = site({
      A: [
        { level: 'enclosure', device: 'chassis-mgr', chassis: 'Blade-A' },
        { level: 'pdu', device: 'chassis-mgr', outlet: 'c1/1' },
        { level: 'storage', device: 'chassis-mgr', initiator: initiatorOf('A') },
      ],
      B: [
        { level: 'enclosure', device: 'chassis-mgr', chassis: 'Blade-B' },
        { level: 'pdu', device: 'chassis-mgr', outlet: 'c1/97' },
      ],
    });
    const before = world.history().length;
    const { code, out, err } = await runCli(['drivers', 'check', file]);
    expect(out).toContain('Fencing: 4 of 5 levels answered');
    expect(out).toMatch(/A\s+storage\s+san chassis-mgr\s+\S+\s+\S+ bound to W1/);
    expect(out).toContain('fewer than two working fencing levels: B (1)');
    expect(code).toBe(1);
    // A misconfigured level names its field: the PDU answers, and has no outlet c1/97.
    expect(err).toMatch(/fencing\.blades\.B\[1\]\.outlet: c1\/97 is unknown to pdu chassis-mgr \(.*not found/);
    // Read-only: not a power request, outlet switch or unbinding in the world's history.
    expect(
      world
        .history()
        .slice(before)
        .filter((e) => e.kind !== 'refused'),
    ).toEqual([]);
    expect(world.blade('A')?.power).toBe('on');
  });

  it('names the field of a level whose device is not configured, and of an unknown level kind', async () => {
    let r = await runCli(['drivers', 'check', site({ A: [{ level: 'pdu', device: 'pdu-9', outlet: 'p/1' }] })]);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('fencing.blades.A[0].device: no device named pdu-9 in fencing.devices');
    r = await runCli(['drivers', 'check', site({ A: [{ level: 'pdu', device: 'chassis-mgr' }] })]);
    expect(r.err).toContain('fencing.blades.A[0].outlet: required');
    r = await runCli([
      'drivers',
      'check',
      site({ A: [{ level: 'storage', device: 'chassis-mgr', initiator: 'not-an-iqn' }] }),
    ]);
    expect(r.err).toContain('fencing.blades.A[0].initiator: expected an iSCSI name');
  });

  it('names the field of an initiator the SAN does not know, apart from a device that does not answer', async () => {
    const file = site({
      A: [
        { level: 'enclosure', device: 'chassis-mgr', chassis: 'Blade-A' },
        { level: 'storage', device: 'chassis-mgr', initiator: 'iqn.2020-01.example:nobody' },
      ],
    });
    const { code, err } = await runCli(['drivers', 'check', file]);
    expect(code).toBe(1);
    expect(err).toContain(
      'fencing.blades.A[1].initiator: iqn.2020-01.example:nobody is unknown to san chassis-mgr (san chassis-mgr: ' +
        'iqn.2020-01.example:nobody: no SAN endpoint has the initiator name iqn.2020-01.example:nobody)',
    );
    await emulator.close();
    const down = await runCli(['drivers', 'check', file]);
    expect(down.err).toMatch(/fencing\.blades\.A\[0\]\.chassis: enclosure chassis-mgr did not answer for Blade-A/);
    emulator = await startEmulator({ world, controlToken: null });
  });
});
