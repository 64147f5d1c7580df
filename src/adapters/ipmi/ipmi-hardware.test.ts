// The IPMI driver against OpenIPMI's ipmi_sim: power, a wrong password, health from sensors, no password in argv.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../ports/contract-support.js';
import type { HardwareEvent } from '../../ports/hardware.js';
import { peersInstalled } from '../testing/real-peers.js';
import { IpmiError } from './ipmi-error.js';
import { IpmiHardware, type IpmiBlade } from './ipmi-hardware.js';
import { startSimBmc, type SimBmc } from './testing/ipmi-sim.js';

const installed = peersInstalled('IPMI driver', ['ipmi_sim', 'ipmitool'], 'openipmi ipmitool');

const RESOURCES = { memoryGiB: 256, cpuCount: 2, cpuArch: 'x86_64' };

function bladeOf(bmc: SimBmc, password = bmc.password, username = bmc.username): IpmiBlade {
  return {
    id: bmc.id,
    bmc: { host: '127.0.0.1', port: bmc.port, username, password, cipherSuite: 3 },
    resources: RESOURCES,
    location: { chassis: 'c1', slot: 1 },
  };
}

async function failure(promise: Promise<unknown>): Promise<IpmiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(IpmiError);
    return error as IpmiError;
  }
  throw new Error('expected a rejection');
}

describe.skipIf(!installed)('IPMI driver against ipmi_sim', () => {
  // Made in beforeAll, not here: a skipped suite still runs this body to list its tests.
  let dir = '';
  let bmc: SimBmc;
  const fast = { attemptSeconds: 1, retries: 1, callTimeoutMs: 10_000 };
  const unsubscribe: (() => void)[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cascade-ipmi-'));
    bmc = await startSimBmc({ id: 'c1s1', dir, password: 'Pa55-w0rd-7f3a' });
  });
  afterEach(() => {
    for (const stop of unsubscribe.splice(0)) stop();
  });
  afterAll(async () => {
    await bmc?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('powers a blade off and on, and reads its power state', async () => {
    const port = new IpmiHardware({ blades: [bladeOf(bmc)], ...fast });
    expect(await port.status('c1s1')).toEqual({ power: 'on', health: 'ok' });
    await port.setPower('c1s1', 'off');
    expect((await port.status('c1s1')).power).toBe('off');
    await port.setPower('c1s1', 'off');
    expect((await port.status('c1s1')).power).toBe('off');
    await port.setPower('c1s1', 'on');
    expect((await port.status('c1s1')).power).toBe('on');
    // A power cycle ends on: ipmi_sim switches it back on a second later.
    await port.powerCycle('c1s1');
    await eventually(
      () => port.status('c1s1'),
      (s) => s.power === 'on',
      10_000,
      'on after a power cycle',
    );
    expect(await port.inventory()).toEqual([
      { id: 'c1s1', resources: RESOURCES, location: { chassis: 'c1', slot: 1 } },
    ]);
  });

  it('says the credentials were refused, without the password, for a wrong password and for an unknown user', async () => {
    const wrong = new IpmiHardware({ blades: [bladeOf(bmc, 'not-the-password')], ...fast });
    const refused = await failure(wrong.status('c1s1'));
    expect(refused.code).toBe('auth-refused');
    expect(refused.message).toContain('c1s1');
    expect(refused.message).toContain('refused the credentials of user admin');
    expect(refused.message).not.toContain('not-the-password');
    expect((await failure(wrong.setPower('c1s1', 'off'))).code).toBe('auth-refused');
    const stranger = new IpmiHardware({ blades: [bladeOf(bmc, bmc.password, 'mallory')], ...fast });
    expect((await failure(stranger.status('c1s1'))).code).toBe('auth-refused');
    // Nothing changed on the blade.
    const right = new IpmiHardware({ blades: [bladeOf(bmc)], ...fast });
    expect((await right.status('c1s1')).power).toBe('on');
  });

  it('reads health from the sensors, with reasons and the event log, and announces a change', async () => {
    const port = new IpmiHardware({ blades: [bladeOf(bmc)], ...fast, pollMs: 100 });
    expect((await port.status('c1s1')).health).toBe('ok');
    const events: HardwareEvent[] = [];
    unsubscribe.push(port.subscribe((e) => events.push(e)));
    try {
      await bmc.setTemperature(150);
      await eventually(
        () => Promise.resolve(events),
        (seen) => seen.some((e) => e.kind === 'health' && e.health === 'critical'),
        10_000,
        'critical health event',
      );
      const report = await port.healthReport('c1s1');
      expect(report.health).toBe('critical');
      expect(report.reasons).toContain('CPUTmp ucr (150 degrees C)');
      expect(
        report.recentEvents.some((e) => e.sensor.includes('CPUTmp') && e.event === 'Upper Critical going high'),
      ).toBe(true);
    } finally {
      await bmc.setTemperature(48);
    }
    await eventually(
      () => port.status('c1s1'),
      (s) => s.health === 'ok',
      10_000,
      'health back to ok',
    );
  });

  it('keeps the password out of the process list: ipmitool gets it through its environment', async () => {
    const password = 'n0t-in-argv-91c2';
    // A port where nothing answers keeps ipmitool running long enough to look at it.
    const silent = {
      ...bladeOf(bmc, password),
      bmc: { host: '127.0.0.1', port: 9, username: 'admin', password, cipherSuite: 3 },
    };
    const port = new IpmiHardware({ blades: [silent], ...fast });
    const call = failure(port.status('c1s1'));
    const seen = await eventually(
      () => Promise.resolve(ipmitoolCommandLines()),
      (lines) => lines.some((l) => l.includes('-p 9 ')),
      5_000,
      'ipmitool running',
    );
    const ours = seen.filter((l) => l.includes('-p 9 '));
    expect(ours[0]).toContain('-E');
    for (const line of ours) expect(line).not.toContain(password);
    expect((await call).code).toBe('unreachable');
  });

  it('refuses a blade it does not know, naming it', async () => {
    const port = new IpmiHardware({ blades: [bladeOf(bmc)], ...fast });
    const error = await failure(port.status('c9s9'));
    expect(error.code).toBe('unknown-blade');
    expect(error.message).toContain('c9s9');
  });
});

/** Every running ipmitool's argv, as `ps` would show it. */
function ipmitoolCommandLines(): string[] {
  const lines: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
        .split('\0')
        .filter((a) => a !== '');
      if (argv[0]?.endsWith('ipmitool')) lines.push(`${argv.join(' ')} `);
    } catch {
      // the process ended meanwhile
    }
  }
  return lines;
}
