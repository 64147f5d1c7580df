// `cascade serve --db`: the store is the one the flag names, and a bad value is one line naming the flag,
// exit 2, no password in it.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { BIN, ROOT, ServeChild } from './serve-child.js';

const run = promisify(execFile);

const SCENARIO = `
name: db
blades:
  - { id: A, resources: { memoryGiB: 64, cpuCount: 8, storageTB: 1, cpuArch: x86_64 }, state: active }
  - { id: B, resources: { memoryGiB: 64, cpuCount: 8, storageTB: 1, cpuArch: x86_64 }, state: standby }
workloads:
  - { id: W1, requirements: { memoryGiB: 64, cpuCount: 8, storageTB: 1, cpuArch: x86_64 }, blade: A }
`;

async function failing(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, [BIN, 'serve', ...args], { cwd: ROOT, timeout: 30_000 });
  } catch (error) {
    const e = error as { code?: number; stderr?: string };
    return { code: e.code ?? -1, stderr: e.stderr ?? '' };
  }
  throw new Error(`serve ${args.join(' ')} did not fail`);
}

let dir = '';

describe('cascade serve --db', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cascade-db-'));
    writeFileSync(join(dir, 'dc.yaml'), SCENARIO);
    writeFileSync(
      join(dir, 'cascade.yaml'),
      'emulator: { scenario: ./dc.yaml, powerDelayMs: 50, tickMs: 5 }\nlog: { level: info, format: json }\n',
    );
    mkdirSync(join(dir, 'elsewhere'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps its blades in the SQLite file --db names, not in the data directory', async () => {
    const file = join(dir, 'elsewhere', 'site.db');
    const serve = new ServeChild('serve', [
      '--config',
      join(dir, 'cascade.yaml'),
      '--data',
      join(dir, 'data'),
      '--port',
      '0',
      '--db',
      `sqlite:${file}`,
    ]);
    try {
      const ready = await serve.waitFor((l) => l.msg === 'ready', 'serve ready');
      expect(ready).toMatchObject({ blades: 2, workloads: 1, store: `sqlite:${file}` });
    } finally {
      await serve.stop();
    }
    expect(existsSync(join(dir, 'data', 'cascade.db'))).toBe(false);
    const store = SqliteStore.open(file);
    try {
      expect((await store.blades()).map((b) => b.id).sort()).toStrictEqual(['A', 'B']);
    } finally {
      await store.close();
    }
  });

  it('refuses a store it cannot open with one line naming --db, exit 2, and never prints a password', async () => {
    const ftp = await failing('--db', 'ftp://host/x', '--data', join(dir, 'bad'), '--port', '0');
    expect(ftp.code).toBe(2);
    expect(ftp.stderr.trim().split('\n')).toHaveLength(1);
    expect(ftp.stderr).toContain('--db: unsupported store');

    const noHost = await failing(
      '--db',
      'postgres://admin:hunter2@/cascade',
      '--data',
      join(dir, 'bad'),
      '--port',
      '0',
    );
    expect(noHost.code).toBe(2);
    expect(noHost.stderr).toContain('--db:');
    expect(noHost.stderr).not.toContain('hunter2');
  });

  it('refuses a bad db key in the configuration, naming it', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'db: 42\n');
    const bad = await failing('--config', join(dir, 'bad.yaml'), '--data', join(dir, 'bad'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.yaml: db: /);
  });
});
