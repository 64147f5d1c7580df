// `cascade survive` and `cascade plan --maintenance` as a user runs them: bin/cascade in a child process.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cascade, scratchDirectory } from './support/cli.js';

const scratch = scratchDirectory('cascade-survive-');

// Two power feeds: feed A carries both aarch64 blades, so losing it strands the aarch64 workload.
const FEEDS = `
name: feeds
blades:
  - { id: a1, resources: { memoryGiB: 256, cpuArch: aarch64 }, state: active, location: { chassis: c1, slot: 1, powerFeed: A } }
  - { id: a2, resources: { memoryGiB: 256, cpuArch: aarch64 }, state: standby, location: { chassis: c2, slot: 1, powerFeed: A } }
  - { id: x1, resources: { memoryGiB: 256, cpuArch: x86_64 }, state: active, location: { chassis: c1, slot: 2, powerFeed: B } }
  - { id: x2, resources: { memoryGiB: 256, cpuArch: x86_64 }, state: standby, location: { chassis: c2, slot: 2, powerFeed: B } }
workloads:
  - { id: arm-db, requirements: { memoryGiB: 256, cpuArch: aarch64 }, blade: a1, priority: 3 }
  - { id: web, requirements: { memoryGiB: 128, cpuArch: x86_64 }, blade: x1 }
`;

describe('cascade survive', () => {
  it('prints a verdict a person reads at a glance for the chassis power loss example', async () => {
    const { code, stdout } = await cascade('survive', 'examples/chassis-power-loss.yaml');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^chassis-power-loss: 22 workloads running, 6 standby blades, checked in /);
    expect(lines[2]).toMatch(
      /^survives any 2 blade failures; does not survive chassis c01 \(8 workloads left without a blade: cache priority 1 /,
    );
    expect(stdout).toMatch(/^chassis +2 +1 +2 +2 +0 +2 +2 fail$/m);
    expect(stdout).toContain('unprotected workloads (no standby blade could ever take them): none');
  });

  it('checks a location label as a failure domain, with --k and --json', async () => {
    const file = join(scratch(), 'feeds.yaml');
    await writeFile(file, FEEDS);
    const { code, stdout } = await cascade('survive', file, '--domain', 'powerFeed', 'blade', '--k', '1', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      verdict: string;
      kinds: { kind: string; survives: number; weakest: { domains: string[] }[] }[];
    };
    expect(report.kinds.map((k) => [k.kind, k.survives])).toEqual([
      ['powerFeed', 0],
      ['blade', 1],
    ]);
    expect(report.kinds[0]!.weakest[0]!.domains).toEqual(['A']);
    expect(report.verdict).toBe(
      'survives any 1 blade failure; does not survive powerFeed A (arm-db priority 3 has no cpuArch aarch64 standby left)',
    );
  });

  it('refuses a bad --k with exit 2', async () => {
    const { code, stderr } = await cascade('survive', 'examples/chassis-power-loss.yaml', '--k', '9');
    expect(code).toBe(2);
    expect(stderr).toContain('must be an integer from 0 to 4');
  });
});

describe('cascade plan --maintenance', () => {
  it('answers what is still survived once a chassis is drained', async () => {
    const file = join(scratch(), 'feeds.yaml');
    await writeFile(file, FEEDS);
    const { code, stdout } = await cascade('plan', file, '--maintenance', 'c2');
    expect(code).toBe(0);
    expect(stdout).toContain('feeds: maintenance on 2 blades (a2, x2)');
    expect(stdout).toContain(
      'now:   survives any 1 blade failure and any 1 chassis failure; does not survive chassis c1 + chassis c2',
    );
    expect(stdout).toMatch(
      /^after: does not survive chassis c1 \(2 workloads left without a blade: arm-db priority 3 has no standby blade left; also web\); unprotected: arm-db/m,
    );
  });

  it('names a target that matches nothing', async () => {
    const { code, stderr } = await cascade('plan', 'examples/chassis-power-loss.yaml', '--maintenance', 'c99');
    expect(code).toBe(2);
    expect(stderr).toContain('no blade, chassis or label matches "c99"');
  });
});
