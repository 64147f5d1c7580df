// The crash test: the controller runs as a child process on a SQLite file and a fake
// world in a file; it is killed with SIGKILL inside every step of a failover and of a cascade
// (one run per step), restarted on the same files, and must finish the transfer with the
// workload on exactly one blade, no sequence gap (no rollback past the last checkpoint for a
// failover), and no blade started before its source was fenced.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fenceViolations,
  FakeWorld,
  sequenceGaps,
  twoBladeViolations,
  type FakeBladeSpec,
  type FakeWorkloadSpec,
} from '../../src/adapters/fake/index.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { JsonLines } from '../support/json-lines.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CHILD = join(import.meta.dirname, 'controller-child.ts');

interface Case {
  readonly kind: 'failover' | 'cascade';
  readonly label: string;
  readonly blades: FakeBladeSpec[];
  readonly workloads: FakeWorkloadSpec[];
  readonly noMigration?: boolean;
  /** Written to the child's stdin once it is ready and quiet. */
  readonly trigger: string[];
  readonly steps: string[];
  readonly to: string;
}

const failover: Case = {
  kind: 'failover',
  label: 'failover A -> B',
  blades: [
    { id: 'A', resources: { memoryGiB: 64 } },
    { id: 'B', resources: { memoryGiB: 64 }, power: 'off', powerDelayMs: 150 },
  ],
  workloads: [{ id: 'W1', requirements: { memoryGiB: 64 }, blade: 'A' }],
  trigger: ['checkpoint W1', 'fail A'],
  steps: ['capture', 'fence', 'attach', 'start', 'restore', 'verify'],
  to: 'B',
};

const cascade = (noMigration: boolean): Case => ({
  kind: 'cascade',
  label: `cascade B -> C (${noMigration ? 'checkpoint and restore' : 'live migration'})`,
  blades: [
    { id: 'B', resources: { storageTB: 500 }, powerDelayMs: 150 },
    { id: 'C', resources: { storageTB: 300 }, power: 'off', powerDelayMs: 150 },
  ],
  workloads: [{ id: 'W1', requirements: { storageTB: 200 }, blade: 'B' }],
  noMigration,
  trigger: [],
  steps: ['prepare', 'move', 'switch', ...(noMigration ? ['restore'] : []), 'verify', 'release'],
  to: 'C',
});

interface Line {
  readonly msg: string;
  readonly kind?: string;
}

class Child {
  readonly process: ChildProcess;
  readonly exited: Promise<void>;
  private readonly out: JsonLines<Line>;

  constructor(args: string[], onLine?: (line: Line, child: Child) => void, crashAt?: string) {
    const env = crashAt ? { ...process.env, CASCADE_CRASH_AT: crashAt } : process.env;
    this.process = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
      cwd: ROOT,
      env,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.exited = new Promise((resolve) => this.process.once('exit', () => resolve()));
    this.out = new JsonLines<Line>(this.process.stdout!, 'controller child', (line) => onLine?.(line, this));
  }

  waitFor(match: (l: Line) => boolean, what: string, timeoutMs = 20_000): Promise<Line> {
    return this.out.waitFor(match, what, timeoutMs);
  }

  send(command: string): void {
    this.process.stdin!.write(`${command}\n`);
  }
}

async function crashAt(c: Case, step: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cascade-crash-'));
  try {
    const db = join(dir, 'cascade.db');
    const worldFile = join(dir, 'world.json');
    const world = new FakeWorld({ file: worldFile, tickMs: 5, blades: c.blades, workloads: c.workloads });
    if (c.noMigration) world.setMigratable('B', 'C', false);
    const adopt = JSON.stringify(c.workloads.map((w) => ({ id: w.id, blade: w.blade })));

    // First life: frozen once the step is recorded as started, then killed inside it.
    let killed = false;
    const first = new Child(
      [db, worldFile, adopt],
      (line, child) => {
        if (!killed && line.msg === `step ${step} started` && line.kind === c.kind) {
          killed = true;
          child.process.kill('SIGKILL');
        }
      },
      `${c.kind}:${step}`,
    );
    await first.waitFor((l) => l.msg === 'ready', 'ready');
    if (c.trigger.length > 0) {
      await first.waitFor((l) => l.msg === 'quiet', 'quiet before the fault');
      for (const command of c.trigger) first.send(command);
    }
    await first.exited;
    expect(killed, `the controller was killed inside ${step}`).toBe(true);

    // Second life on the same files: it resumes and finishes.
    const second = new Child([db, worldFile]);
    await second.waitFor((l) => l.msg === 'ready', 'ready after restart');
    await second.waitFor((l) => l.msg === 'quiet', 'the resumed transfer to finish');
    second.send('exit');
    await second.exited;

    const after = FakeWorld.inspect(worldFile);
    expect(after.runningOn('W1')).toEqual([c.to]);
    const history = after.history();
    expect(twoBladeViolations(history)).toEqual([]);
    expect(fenceViolations(history)).toEqual([]);
    const gaps = sequenceGaps(history);
    if (c.kind === 'cascade') {
      expect(gaps).toEqual([]);
    } else {
      // A failover may go back to the last checkpoint (the dead blade's memory is gone), never further.
      for (const gap of gaps) {
        const checkpoints = history.filter((e) => e.kind === 'checkpoint' && e.workload === 'W1' && e.at <= gap.at);
        const last = checkpoints.at(-1);
        expect(last, gap.message).toBeDefined();
        expect(gap.message).toContain(`from sequence ${(last as { sequence: number }).sequence}`);
      }
    }

    const store = SqliteStore.open(db);
    try {
      const w = await store.workload('W1');
      expect(w).toMatchObject({ blade: c.to, state: 'running' });
      const transfers = await store.transfers();
      expect(transfers.every((t) => t.status === 'done' || t.status === 'aborted')).toBe(true);
      const done = transfers.filter((t) => t.status === 'done');
      expect(done.map((t) => [t.kind, t.to])).toEqual([[c.kind, c.to]]);
      // The killed step ran again after the restart: the kill landed inside it.
      expect(done[0]!.steps.filter((s) => s.name === step && s.status === 'started').length).toBeGreaterThanOrEqual(2);
      const events = await store.events(0, 10_000);
      for (const t of transfers) {
        expect(events.some((e) => e.type === 'transfer.created' && e.subject === t.id)).toBe(true);
        expect(
          events.some((e) => (e.type === 'transfer.done' || e.type === 'transfer.aborted') && e.subject === t.id),
        ).toBe(true);
      }
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('crash test: SIGKILL inside every step, restart, finish', () => {
  for (const c of [failover, cascade(false), cascade(true)]) {
    describe(c.label, () => {
      for (const step of c.steps) it(`killed in ${step}`, () => crashAt(c, step), 60_000);
    });
  }
});
