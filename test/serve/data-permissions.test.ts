// The data directory holds token hashes, the emulator's control token and the store: nobody but its owner reads it.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ServeChild } from './serve-child.js';

const dir = mkdtempSync(join(tmpdir(), 'cascade-perms-'));
const data = join(dir, 'data');
let serve: ServeChild | null = null;
afterAll(async () => {
  await serve?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const mode = (path: string): number => statSync(path).mode & 0o777;

describe('cascade serve keeps its data directory private', () => {
  it('narrows an existing 0755 directory to 0700 and creates every file in it 0600', async () => {
    mkdirSync(data, { mode: 0o755 });
    expect(mode(data)).toBe(0o755 & ~process.umask());
    serve = new ServeChild('serve', ['--data', data, '--port', '0', '--emulator-port', '0']);
    await serve.waitFor((l) => l.msg === 'ready', 'serve ready', 60_000);
    expect(mode(data)).toBe(0o700);
    const files = readdirSync(data);
    expect(files).toEqual(expect.arrayContaining(['cascade.db', 'world.json', 'serve.json']));
    for (const file of files) expect([file, mode(join(data, file))]).toEqual([file, 0o600]);
  });
});
