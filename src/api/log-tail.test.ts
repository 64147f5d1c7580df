// The log tail over two stores on one SQLite file, as a controller and `cascade token revoke` share one: another
// process's events are told to this process's listeners even when this process commits right after them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../ports/contract-support.js';
import type { AuditEvent } from '../ports/store.js';
import { observeCommits } from '../store/commit-feed.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { LogTail } from './log-tail.js';

let dir: string | null = null;
let tail: LogTail | null = null;
afterEach(() => {
  tail?.stop();
  tail = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

const event = (type: string, subject: string) => ({ at: Date.now(), actor: 'test', type, subject, data: {} });

describe('LogTail', () => {
  it("tells another process's event that this process's next commit overtook before the poll read it", async () => {
    dir = mkdtempSync(join(tmpdir(), 'cascade-tail-'));
    const file = join(dir, 'cascade.db');
    const here = SqliteStore.open(file);
    await here.migrate();
    const other = SqliteStore.open(file);
    const feed = observeCommits(here);
    // A poll slow enough that this process's commit always comes first.
    tail = new LogTail(here, feed, 60_000);
    await tail.start();
    const heard: AuditEvent[] = [];
    tail.onEvents((events) => heard.push(...events));
    await other.commit({ events: [event('token.revoked', 't1')] });
    await here.commit({ events: [event('blade.verdict', 'A')] });
    await eventually(
      async () => heard.map((e) => e.type),
      (types) => types.includes('token.revoked') && types.includes('blade.verdict'),
      5_000,
      'both events told',
    );
    expect(tail.head()).toBe((await here.events(0, 10)).at(-1)!.seq);
  });
});
