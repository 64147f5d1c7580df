// `cascade withdraw|finish WORKLOAD` and `cascade events --follow --type PREFIX` against a real API on 127.0.0.1.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHarness, FOUR_SERVERS, type ApiHarness } from '../../api/testing/api-harness.js';
import { eventually } from '../../orchestrator/testing/harness.js';
import { runCliAt } from '../testing/run-cli.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

let t: ApiHarness;
beforeAll(async () => {
  t = await apiHarness(FOUR_SERVERS, { emulator: true });
  await t.h.settle();
});
afterAll(async () => {
  await t.stop();
});

const cascade = (args: string[]) => runCliAt(t.url, t.tokens.operator, args);

describe('cascade withdraw and finish', () => {
  it('withdraws a pending workload; refuses a running one with the controller’s reason and exit 2', async () => {
    t.h.world.addWorkload({ id: 'P', requirements: { cpuArch: 'sparc' } });
    await t.h.controller.submit({ id: 'P', requirements: { cpuArch: 'sparc' } });
    const withdrawn = await cascade(['withdraw', 'P']);
    expect(withdrawn).toMatchObject({ code: 0, out: 'P withdrawn (finished)\n' });
    const refused = await cascade(['withdraw', 'W1']);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('only a pending or placing workload can be withdrawn');
    expect(await t.h.store.workload('W1')).toMatchObject({ state: 'running' });
    expect((await cascade(['finish', 'nope'])).code).toBe(2);
  });
});

describe('cascade events --follow --type', () => {
  it('streams only the events whose type starts with the prefix (the real binary)', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'events', '--follow', '--last', '0', '--type', 'blade.maint'],
      {
        cwd: ROOT,
        env: { ...process.env, CASCADE_URL: t.url, CASCADE_TOKEN: t.tokens.viewer },
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let changes = 0;
    await eventually(
      async () => {
        // Both kinds happen; only one may be printed.
        await t.request('PATCH', '/api/v1/policy', {
          as: 'admin',
          body: { minImprovement: changes++ % 2 === 0 ? 0.1 : 0.05 },
        });
        const inMaintenance = (await t.h.store.blade('B'))?.state === 'maintenance';
        await t.request('PUT', '/api/v1/blades/B/maintenance', { as: 'operator', body: { on: !inMaintenance } });
        return /blade\.maintenance\s+B/.test(out);
      },
      20_000,
      'a streamed event',
    );
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect((await t.h.events()).some((e) => e.type === 'policy.changed')).toBe(true);
    const types = out
      .trim()
      .split('\n')
      .map((line) => line.split(/ {2}/)[3]);
    expect(new Set(types)).toEqual(new Set(['blade.maintenance']));
  });
});
