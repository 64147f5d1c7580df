// The CLI as a user runs it: bin/cascade in a child process, on the examples and on broken files.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cascade, scratchDirectory } from './support/cli.js';

const scratch = scratchDirectory('cascade-cli-');

describe('cascade simulate', () => {
  it('replays the four-server example: failover to B, then cascades to C and back to A', async () => {
    const { code, stdout } = await cascade('simulate', 'examples/four-servers.yaml', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      transfers: {
        at: number;
        workload: string;
        from: string;
        to: string;
        kind: string;
        before: object;
        after: object;
      }[];
      placements: Record<string, string | null>;
      blades: Record<string, string>;
      metrics: { failovers: number; cascades: number };
    };
    expect(report.transfers.map((t) => [t.at, t.workload, t.from, t.to, t.kind])).toEqual([
      [10, 'W1', 'A', 'B', 'failover'],
      [100, 'W1', 'B', 'C', 'cascade'],
      [200, 'W1', 'C', 'A', 'cascade'],
    ]);
    expect(report.transfers.map((t) => t.after)).toEqual([
      { deficit: 0, surplus: 1.5 },
      { deficit: 0, surplus: 0.5 },
      { deficit: 0, surplus: 0 },
    ]);
    expect(report.placements).toEqual({ W1: 'A' });
    expect(report.blades).toEqual({ A: 'active', B: 'standby', C: 'standby' });
    expect(report.metrics).toMatchObject({ failovers: 1, cascades: 2 });
  });

  it('prints a table of transfers and the metrics for people', async () => {
    const { code, stdout } = await cascade('simulate', 'examples/four-servers.yaml');
    expect(code).toBe(0);
    expect(stdout).toMatch(/W1\s+failover\s+A\s+B\s+surplus 0\s+surplus 1.5/);
    expect(stdout).toContain('failovers 1, cascades 2');
  });
});

describe('cascade plan', () => {
  it('explains a what-if failover with its runners-up', async () => {
    const { code, stdout } = await cascade('plan', 'examples/patent-tables.yaml', '--fail', 'BLADE02');
    expect(code).toBe(0);
    expect(stdout).toContain('VM002  failover  BLADE02 -> BLADE04');
    expect(stdout).toMatch(/BLADE05 deficit [\d.]+, surplus 0 \(worse fit\)/);
    expect(stdout).toMatch(/BLADE03 cpuArch: requires x86_64, offers ppc64le \(infeasible\)/);
  });

  it('refuses an unknown blade with exit code 2', async () => {
    const { code, stderr } = await cascade('plan', 'examples/four-servers.yaml', '--fail', 'nope');
    expect(code).toBe(2);
    expect(stderr.trim()).toBe('cascade: --fail: unknown blade "nope" in examples/four-servers.yaml');
  });
});

describe('cascade generate', () => {
  it('writes a scenario that simulate reads, the same for the same seed', async () => {
    const a = await cascade('generate', '--blades', '30', '--seed', '7');
    const b = await cascade('generate', '--blades', '30', '--seed', '7');
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const file = join(scratch(), 'generated.yaml');
    await writeFile(file, a.stdout);
    const sim = await cascade('simulate', file, '--json');
    expect(sim.code).toBe(0);
    expect(Object.keys((JSON.parse(sim.stdout) as { blades: object }).blades).length).toBeGreaterThanOrEqual(30);
  });

  it('rejects a bad flag value with exit code 2', async () => {
    const { code, stderr } = await cascade('generate', '--blades', 'many');
    expect(code).toBe(2);
    expect(stderr).toContain('--blades must be an integer >= 1');
  });
});

describe('malformed scenarios: one clear line, exit code 2, no stack trace', () => {
  const base = `blades:\n  - { id: A, resources: { storageTB: 200 }, state: active }\n  - { id: B, resources: { storageTB: 500 } }\nworkloads:\n  - { id: W1, requirements: { storageTB: 200 }, blade: A }\n`;
  const cases: [string, string, RegExp][] = [
    ['bad YAML', 'blades: [ { id: A', /bad-yaml\.yaml: .*YAML.*line/i],
    ['missing id', 'blades:\n  - { resources: { storageTB: 1 } }\n', /missing-id\.yaml: blades\[0\]\.id: /],
    [
      'negative quantity',
      'blades:\n  - { id: A, resources: { memoryGiB: -1 } }\n',
      /negative-quantity\.yaml: blades\[0\]\.resources\.memoryGiB: .*>= 0/,
    ],
    ['unknown event', `${base}events:\n  - { at: 5, explode: A }\n`, /unknown-event\.yaml: events\[0\]: unknown event/],
    [
      'duplicate id',
      `${base}  - { id: W1, requirements: { storageTB: 1 } }\n`,
      /duplicate-id\.yaml: workloads\[1\]\.id: duplicate/,
    ],
    [
      'workload on an unknown blade',
      'blades: []\nworkloads:\n  - { id: W1, requirements: { storageTB: 1 }, blade: Z }\n',
      /workload-on-an-unknown-blade\.yaml: workloads\[0\]\.blade: .*"Z"/,
    ],
  ];
  for (const [name, text, expected] of cases) {
    it(name, async () => {
      const file = join(scratch(), `${name.replaceAll(' ', '-')}.yaml`);
      await writeFile(file, text);
      const { code, stdout, stderr } = await cascade('simulate', file);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      const lines = stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(expected);
      expect(stderr).not.toMatch(/\bat .*\.js:\d+/);
    });
  }

  it('a missing file', async () => {
    const { code, stderr } = await cascade('simulate', join(scratch(), 'nope.yaml'));
    expect(code).toBe(2);
    expect(stderr).toMatch(/nope\.yaml: cannot read the file \(ENOENT\)/);
  });
});
