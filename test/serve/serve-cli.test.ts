// `cascade serve` on its embedded default, seen from the shell: a private data directory, honest exit codes, pipes.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, ServeChild } from './serve-child.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'cascade-serve-cli-'));
const data = join(dir, 'data');
let serve: ServeChild;
let api = '';
let token = '';

beforeAll(async () => {
  mkdirSync(data, { mode: 0o755 });
  serve = new ServeChild('serve', ['--data', data, '--port', '0', '--emulator-port', '0']);
  const listening = await serve.waitFor((l) => l.msg.startsWith('API listening on '), 'API listening', 60_000);
  await serve.waitFor((l) => l.msg === 'ready', 'serve ready', 60_000);
  api = String(listening['url']);
  token = (await cascade(['token', 'create', '--role', 'viewer', '--name', 'shell', '--data', data])).stdout.trim();
}, 90_000);
afterAll(async () => {
  await serve?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const mode = (path: string): number => statSync(path).mode & 0o777;

/** Runs bin/cascade to its end, whatever its exit code. */
async function cascade(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('cascade serve from the shell', () => {
  it('narrows an existing 0755 data directory to 0700 and creates every file in it 0600', () => {
    expect(mode(data)).toBe(0o700);
    const files = readdirSync(data);
    expect(files).toEqual(expect.arrayContaining(['cascade.db', 'world.json', 'serve.json']));
    for (const file of files) expect([file, mode(join(data, file))]).toEqual([file, 0o600]);
  });

  it("exits 1 with the controller's reason when it refuses a repair (an active blade)", async () => {
    const active = await fetch(`${api}/api/v1/blades?state=active`, { headers: { authorization: `Bearer ${token}` } });
    const busy = ((await active.json()) as { items: { id: string }[] }).items[0]?.id;
    expect(busy).toBeDefined();
    const refused = await cascade(['repair', busy!, '--data', data]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /the controller refused the repair: .*only a failed or maintenance blade can be repaired/,
    );
  });

  it('ends quietly when its reader has closed the pipe (cascade blades | head -1)', async () => {
    const child = spawn(process.execPath, [BIN, 'blades', '--url', api, '--token', token], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // The reader is gone before the first line is written, as head is once it has its lines.
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(stderr).not.toMatch(/EPIPE|Error|at /);
    expect(code).toBe(0);
  });

  it('refuses a token revoked by `cascade token revoke` in another process once this one has seen the revocation', async () => {
    const secret = (
      await cascade(['token', 'create', '--role', 'operator', '--name', 'leaving', '--data', data])
    ).stdout.trim();
    const blades = (as: string): Promise<Response> =>
      fetch(`${api}/api/v1/blades?limit=1`, { headers: { authorization: `Bearer ${as}` } });
    expect((await blades(secret)).status).toBe(200); // now cached as valid
    const listed = JSON.parse((await cascade(['token', 'list', '--json', '--data', data])).stdout) as {
      id: string;
      name: string;
    }[];
    const id = listed.find((t) => t.name === 'leaving')!.id;
    const stream = await fetch(`${api}/api/v1/events?last=1`, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    });
    expect((await blades(secret)).status).toBe(200); // cached again, just before the revocation
    expect((await cascade(['token', 'revoke', id, '--data', data])).code).toBe(0);
    // The live stream is fed by the same tail of the log that clears the token cache: once it shows the
    // revocation, this process has heard of it.
    const reader = stream.body!.getReader();
    let text = '';
    while (!text.includes('"token.revoked"')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect((await blades(secret)).status).toBe(401);
  });
});
