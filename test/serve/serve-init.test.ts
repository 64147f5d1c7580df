// The store and the world must agree at start: `cascade serve` on a data directory whose cascade.db was deleted but
// whose world.json still runs W1 refuses, naming W1 and --init; with --init it adopts W1 where it runs, the blade
// the world reports Health Critical stays failed (it fits W1 best: a standby on faith would take it), nothing moves.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, ServeChild } from './serve-child.js';

const run = promisify(execFile);

// W1 fits C exactly and A badly: were C a standby, the first plan would cascade W1 onto a dead blade.
const SCENARIO = `
blades:
  - { id: A, state: active, resources: { memoryGiB: 256 }, location: { chassis: c1, slot: 1 } }
  - { id: B, resources: { memoryGiB: 512 }, location: { chassis: c1, slot: 2 } }
  - { id: C, state: failed, resources: { memoryGiB: 64 }, location: { chassis: c1, slot: 3 } }
workloads:
  - { id: W1, requirements: { memoryGiB: 64 }, blade: A }
`;

const config = (approval: boolean): string => `
emulator: { scenario: ./dc.yaml, powerDelayMs: 50, tickMs: 5 }
controller: { pollMs: 200, discoverMs: 0 }
policy: { cooldownSeconds: 0, replanSeconds: 1, requireApproval: ${approval} }
log: { level: info, format: json }
`;

let dir = '';
const children: ServeChild[] = [];

function serve(name: string, file: string, ...more: string[]): ServeChild {
  const args = ['--config', join(dir, file), '--data', join(dir, 'data'), '--port', '0', ...more];
  const child = new ServeChild(name, args);
  children.push(child);
  return child;
}

async function api<T>(url: string, token: string, path: string): Promise<T> {
  const reply = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(reply.status).toBe(200);
  return (await reply.json()) as T;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cascade-init-'));
  writeFileSync(join(dir, 'dc.yaml'), SCENARIO);
  // The first life only makes the world: cascades wait for an approval that never comes.
  writeFileSync(join(dir, 'first.yaml'), config(true));
  writeFileSync(join(dir, 'later.yaml'), config(false));
});
afterAll(async () => {
  for (const c of children) await c.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('cascade serve on an empty store in front of a running world', () => {
  it('refuses without --init, naming what runs; with it adopts, keeps the critical blade failed, moves nothing', async () => {
    const first = serve('first', 'first.yaml');
    await first.waitFor((l) => l.msg === 'ready', 'the first life ready');
    await first.stop();
    rmSync(join(dir, 'data', 'cascade.db'));
    expect(existsSync(join(dir, 'data', 'world.json'))).toBe(true);

    const refused = serve('refused', 'later.yaml');
    const { code } = await refused.exited;
    expect(code).not.toBe(0);
    const said = refused.stderr.join('\n');
    expect(said).toContain('is empty, but the emulated world in');
    expect(said).toContain('already runs 1 workload(s) (W1 on A)');
    expect(said).toContain('--init');

    // A token in the new store: the check counts blades and workloads, not tokens.
    const { stdout } = await run(
      process.execPath,
      [BIN, 'token', 'create', '--role', 'viewer', '--data', join(dir, 'data')],
      { cwd: ROOT },
    );
    const token = stdout.trim();
    const adopting = serve('init', 'later.yaml', '--init');
    const ready = await adopting.waitFor((l) => l.msg === 'ready', 'ready with --init');
    expect(ready).toMatchObject({ blades: 3, active: 1, standby: 1, failed: 1, workloads: 1 });
    const listening = adopting.lines.find((l) => l.msg.startsWith('API listening on'));
    const base = String(listening?.['url']);
    // Many polls and plans later (pollMs 200, replanSeconds 1): still no transfer, and C still failed.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const blades = await api<{ items: { id: string; state: string; workload: string | null }[] }>(
      base,
      token,
      '/api/v1/blades',
    );
    expect(blades.items.map((b) => [b.id, b.state, b.workload])).toEqual([
      ['A', 'active', 'W1'],
      ['B', 'standby', null],
      ['C', 'failed', null],
    ]);
    const transfers = await api<{ total: number }>(base, token, '/api/v1/transfers');
    expect(transfers.total).toBe(0);
    expect(adopting.lines.filter((l) => l.msg.startsWith('step ') || l.msg.startsWith('transfer '))).toEqual([]);
  });
});
