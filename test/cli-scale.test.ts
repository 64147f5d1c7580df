// The CLI at scale, as a user runs it: JSON scenarios, the plan summary against --all, the size limits, --version.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { cascade, scratchDirectory } from './support/cli.js';

const scratch = scratchDirectory('cascade-cli-scale-');

describe('cascade at scale', () => {
  it('prints its version without loading the commands', async () => {
    const { code, stdout } = await cascade('--version');
    expect(code).toBe(0);
    expect(stdout).toBe('0.1.0\n');
  });

  it('generates JSON that plan reads as it reads the YAML of the same scenario', async () => {
    const json = join(scratch(), 'dc.json');
    const yaml = join(scratch(), 'dc.yaml');
    expect((await cascade('generate', '--blades', '600', '--seed', '4', '--json', '-o', json)).code).toBe(0);
    expect((await cascade('generate', '--blades', '600', '--seed', '4', '-o', yaml)).code).toBe(0);
    expect(JSON.parse(await readFile(json, 'utf8'))).toEqual(YAML.parse(await readFile(yaml, 'utf8')));
    const fromJson = await cascade('plan', json, '--fail', 'b0001', '--json');
    const fromYaml = await cascade('plan', yaml, '--fail', 'b0001', '--json');
    expect(fromJson.code).toBe(0);
    const report = JSON.parse(fromJson.stdout) as { scenario: string; candidates: unknown[]; placements: unknown[] };
    expect(JSON.parse(fromYaml.stdout)).toEqual(report);
    expect(report.candidates.length).toBeGreaterThan(0);
  });

  it('summarizes a plan in a bounded number of lines; --all lists every candidate', async () => {
    const file = join(scratch(), 'raw.json');
    expect((await cascade('generate', '--blades', '2000', '--seed', '2', '--json', '-o', file)).code).toBe(0);
    const summary = await cascade('plan', file, '--fail', 'b0001', 'b0002', 'b0003');
    const all = await cascade('plan', file, '--fail', 'b0001', 'b0002', 'b0003', '--all');
    const candidates = (
      JSON.parse((await cascade('plan', file, '--fail', 'b0001', '--json')).stdout) as { candidates: unknown[] }
    ).candidates;
    expect(summary.code).toBe(0);
    expect(summary.stdout).toContain('what if b0001, b0002, b0003 fail?');
    expect(summary.stdout).toMatch(/Candidates before \(active blades that do not fit exactly\): \d+/);
    expect(summary.stdout.split('\n').length).toBeLessThan(120);
    expect(all.stdout.split('\n').length).toBeGreaterThan(candidates.length);
  });

  it('refuses to generate a billion blades at once, with exit code 2', async () => {
    const { code, stderr } = await cascade('generate', '--blades', '1e9');
    expect(code).toBe(2);
    expect(stderr).toContain('--blades 1e9 is more than this command can generate (at most 1,000,000)');
  });

  it('reads a JSON scenario whatever its name and reports bad JSON in one line', async () => {
    const file = join(scratch(), 'bad.json');
    await writeFile(file, '{ "blades": [ { "id": "A" ');
    const { code, stderr } = await cascade('simulate', file);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^cascade: .*bad\.json: bad JSON: /);
  });
});
