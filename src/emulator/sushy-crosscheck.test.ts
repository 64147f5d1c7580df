// A second, independent Redfish client reads the emulator: OpenStack's python3-sushy (Debian package), through
// sessions. Skipped where the package is missing; CI installs it.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeWorld } from '../adapters/fake/index.js';
import { requiredPeer } from '../testing/required-peers.js';
import { startEmulator, type Emulator } from './server.js';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const sushyMissing = !existsSync(PYTHON)
  ? `${PYTHON} is missing (apt-get install -y python3)`
  : await run(PYTHON, ['-c', 'import sushy']).then(
      () => null,
      () => `${PYTHON} cannot import sushy (apt-get install -y python3-sushy)`,
    );
const hasSushy = requiredPeer('the emulator read by python3-sushy', sushyMissing) === null;

let emulator: Emulator;
beforeAll(async () => {
  const world = new FakeWorld({
    powerDelayMs: 100,
    blades: [
      {
        id: 'b1',
        resources: { memoryGiB: 256, cpuCount: 32, storageTB: 4, cpuArch: 'x86_64' },
        location: { chassis: 'c1', slot: 1 },
      },
      {
        id: 'b2',
        resources: { memoryGiB: 128, cpuCount: 16, storageTB: 2, cpuArch: 'aarch64' },
        location: { chassis: 'c1', slot: 2 },
        power: 'off',
      },
    ],
  });
  emulator = await startEmulator({ world });
});
afterAll(() => emulator.close());

describe.skipIf(!hasSushy)('the emulator read by python3-sushy', () => {
  it('lists systems, chassis, resets and storage, and powers a blade on', async () => {
    const { stdout } = await run(PYTHON, [join(import.meta.dirname, 'testing', 'sushy_crosscheck.py')], {
      env: {
        PATH: process.env['PATH'] ?? '',
        REDFISH_URL: emulator.url,
        REDFISH_USER: emulator.credentials.username,
        REDFISH_PASSWORD: emulator.credentials.password,
      },
      timeout: 30_000,
    });
    expect(JSON.parse(stdout)).toEqual({
      version: '1.17.0',
      systems: {
        b1: {
          power: 'On',
          health: 'OK',
          memoryGiB: 256,
          architecture: 'x86',
          resets: ['ForceOff', 'ForceRestart', 'GracefulShutdown', 'On'],
          drives: [4e12],
          chassis: ['Blade-b1'],
        },
        b2: {
          power: 'Off',
          health: 'OK',
          memoryGiB: 128,
          architecture: 'ARM',
          resets: ['ForceOff', 'ForceRestart', 'GracefulShutdown', 'On'],
          drives: [2e12],
          chassis: ['Blade-b2'],
        },
      },
      chassis: { c1: 'Enclosure', 'Blade-b1': 'Blade', 'Blade-b2': 'Blade' },
      b2AfterOn: 'On',
      eventService: true,
    });
  });
});
