// The CLI client against a real API on 127.0.0.1: tables for people, --json for scripts, clear errors.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../api/tokens.js';
import { apiHarness, FOUR_SERVERS, type ApiHarness } from '../../api/testing/api-harness.js';
import { eventually } from '../../orchestrator/testing/harness.js';
import { SqliteStore } from '../../store/sqlite/sqlite-store.js';
import { main } from '../program.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

let t: ApiHarness;
beforeAll(async () => {
  t = await apiHarness({ ...FOUR_SERVERS, policy: { requireApproval: true } }, { emulator: true });
  await t.h.settle();
});
afterAll(async () => {
  await t.stop();
});

/** Runs `cascade ARGS` in this process, as the given role, and captures what it prints. */
async function cascade(
  args: string[],
  role: 'viewer' | 'operator' | 'admin' | null = 'operator',
): Promise<{ code: number; out: string; err: string }> {
  const saved = { url: process.env['CASCADE_URL'], token: process.env['CASCADE_TOKEN'] };
  process.env['CASCADE_URL'] = t.url;
  if (role === null) delete process.env['CASCADE_TOKEN'];
  else process.env['CASCADE_TOKEN'] = t.tokens[role];
  const out: string[] = [];
  const err: string[] = [];
  const write = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  process.stdout.write = ((chunk: string | Uint8Array) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => err.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
    for (const [key, value] of [
      ['CASCADE_URL', saved.url],
      ['CASCADE_TOKEN', saved.token],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

describe('cascade blades, pool, workloads, candidates', () => {
  it('prints tables, and JSON with --json', async () => {
    const blades = await cascade(['blades'], 'viewer');
    expect(blades.code).toBe(0);
    expect(blades.out).toMatch(/^blade\s+state\s+health\s+power\s+location\s+workload\s+resources/);
    expect(blades.out).toMatch(/\nA\s+active\s+ok\s+on\s+c1\/1\s+W1\s+storageTB=200\n/);
    expect(blades.out).toContain('4 blades');
    const json = await cascade(['blades', '--json', '--state', 'standby'], 'viewer');
    expect((JSON.parse(json.out) as { id: string }[]).map((b) => b.id)).toEqual(['B', 'C', 'D']);
    expect((await cascade(['pool'], 'viewer')).out).toContain('3 standby blades');
    const workloads = await cascade(['workloads'], 'viewer');
    expect(workloads.out).toMatch(/W1\s+running\s+A\s+surplus 0\s+0\s+storageTB=200/);
    const candidates = await cascade(['candidates'], 'viewer');
    expect(candidates.out).toContain('0 candidates of 1 running');
  });
});

describe('cascade maintenance, plan, transfers, proposals, approve', () => {
  it('acts as an operator and shows what followed', async () => {
    const on = await cascade(['maintenance', 'D', 'on']);
    expect(on).toMatchObject({ code: 0, out: 'D is maintenance\n' });
    expect((await cascade(['maintenance', 'D', 'off'])).out).toBe('D is standby\n');
    const bad = await cascade(['maintenance', 'D', 'sideways']);
    expect(bad.code).toBe(2);

    const plan = await cascade(['plan', '--fail', 'A'], 'viewer');
    expect(plan.code).toBe(0);
    expect(plan.out).toContain('what if A fails?');
    expect(plan.out).toMatch(/W1\s+failover\s+A -> C/);
    expect((await cascade(['plan'], 'viewer')).code).toBe(2);

    // A failover, then a better blade: with approval on, a proposal to approve.
    await t.request('POST', '/api/v1/blades/A/fail', { as: 'operator' });
    await eventually(async () => (await t.h.store.workload('W1'))?.blade === 'C', 5000, 'failover');
    await t.h.settle();
    t.h.world.addBlade({ id: 'E', resources: { storageTB: 200 }, power: 'off' });
    await t.h.controller.discover();
    await t.h.settle();
    const proposals = await cascade(['proposals'], 'viewer');
    expect(proposals.out).toMatch(/W1\s+C -> E/);
    const id = Number(/^(\d+)\s+W1/m.exec(proposals.out)?.[1]);
    expect((await cascade(['approve', String(id)], 'viewer')).code).toBe(1);
    const approved = await cascade(['approve', String(id)]);
    expect(approved.out).toBe(`approved ${id}: W1 C -> E; it starts at the next plan if still worthwhile\n`);
    await eventually(async () => (await t.h.store.workload('W1'))?.blade === 'E', 5000, 'cascade');
    await t.h.settle();

    const transfers = await cascade(['transfers'], 'viewer');
    expect(transfers.out).toMatch(/cascade\s+W1\s+C\s+E\s+done/);
    expect(transfers.out).toMatch(/failover\s+W1\s+A\s+C\s+done/);
    const first = /^(failover-\S+)/m.exec(transfers.out)?.[1] ?? '';
    const one = await cascade(['transfers', first], 'viewer');
    expect(one.out).toContain(`${first}: failover of W1, A -> C, done`);
    expect(one.out).toMatch(/fence\s+1\s+succeeded/);
    const missing = await cascade(['transfers', 'nope'], 'viewer');
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.err).toContain('unknown transfer nope');
  });
});

describe('cascade events', () => {
  it('prints the latest events, as lines or JSON lines', async () => {
    const lines = await cascade(['events', '--last', '3'], 'viewer');
    expect(lines.code).toBe(0);
    expect(lines.out.trim().split('\n')).toHaveLength(3);
    const json = await cascade(['events', '--after', '0', '--json'], 'viewer');
    const events = json.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number });
    expect(events.map((e) => e.seq)).toEqual((await t.h.events()).map((e) => e.seq));
  });

  it('--follow streams new events until interrupted (the real binary)', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'events', '--follow', '--last', '0'],
      {
        cwd: ROOT,
        env: { ...process.env, CASCADE_URL: t.url, CASCADE_TOKEN: t.tokens.viewer },
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // Keep acting until the stream has shown one of the actions (the process needs a moment to start).
    await eventually(
      async () => {
        const inMaintenance = (await t.h.store.blade('B'))?.state === 'maintenance';
        await t.request('PUT', '/api/v1/blades/B/maintenance', { as: 'operator', body: { on: !inMaintenance } });
        return /blade\.maintenance\s+B/.test(out);
      },
      20_000,
      'a streamed event',
    );
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toMatch(/^\d+ {2}\d{4}-\d\d-\d\d \S+ {2}token:operator-1 {2}blade\.maintenance {2}B/m);
  });
});

describe('errors', () => {
  it('says what is wrong in one line, with exit 2 for a bad command and 1 for a failure', async () => {
    const noToken = await cascade(['blades'], null);
    expect(noToken.code).toBe(2);
    expect(noToken.err).toContain('a token is needed');
    const saved = t.tokens.viewer;
    (t.tokens as Record<string, string>)['viewer'] = `cascade_${'q'.repeat(43)}`;
    const refused = await cascade(['blades'], 'viewer');
    (t.tokens as Record<string, string>)['viewer'] = saved;
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('the controller refused the token');
    const low = await cascade(['maintenance', 'B', 'on'], 'viewer');
    expect(low.code).toBe(1);
    expect(low.err).toContain('needs the operator role');
    const unreachable = await cascade(['blades', '--url', 'http://127.0.0.1:1'], 'viewer');
    expect(unreachable.code).toBe(1);
    expect(unreachable.err).toContain('cannot reach the controller at http://127.0.0.1:1');
  });
});

describe('cascade token', () => {
  it('creates a token in the data directory, prints it once, lists and revokes it', async () => {
    const data = await mkdtemp(join(tmpdir(), 'cascade-token-'));
    try {
      const made = await cascade(['token', 'create', '--role', 'operator', '--name', 'ci', '--data', data], null);
      expect(made.code).toBe(0);
      const secret = made.out.trim();
      expect(secret).toMatch(/^cascade_[A-Za-z0-9_-]{43}$/);
      expect(made.err).toContain('shown once');
      const store = SqliteStore.open(join(data, 'cascade.db'));
      await store.migrate();
      const stored = await store.tokenByHash(hashToken(secret));
      expect(stored).toMatchObject({ name: 'ci', role: 'operator', revokedAt: null });
      expect(JSON.stringify(await store.tokens())).not.toContain(secret);
      expect((await store.events(0, 10)).map((e) => e.type)).toEqual(['token.created']);
      await store.close();

      expect((await cascade(['token', 'create', '--role', 'viewer', '--name', 'ci', '--data', data], null)).code).toBe(
        2,
      );
      expect((await cascade(['token', 'create', '--role', 'root', '--data', data], null)).code).toBe(2);
      const list = await cascade(['token', 'list', '--data', data], null);
      expect(list.out).toMatch(/tok-[0-9a-f]{8}\s+ci\s+operator/);
      // The store can also be named itself (a SQLite file or a postgres:// URL).
      expect((await cascade(['token', 'list', '--db', join(data, 'cascade.db')], null)).out).toMatch(/\sci\s+operator/);
      const badDb = await cascade(['token', 'list', '--db', 'ftp://somewhere'], null);
      expect(badDb.code).toBe(2);
      expect(badDb.err).toContain('--db');
      expect(list.out).not.toContain(secret);
      const revoked = await cascade(['token', 'revoke', stored!.id, '--data', data], null);
      expect(revoked.out).toBe(`revoked ${stored!.id}\n`);
      const again = SqliteStore.open(join(data, 'cascade.db'));
      expect((await again.tokenByHash(hashToken(secret)))?.revokedAt).toEqual(expect.any(Number));
      await again.close();
    } finally {
      await rm(data, { recursive: true, force: true });
    }
  });
});
