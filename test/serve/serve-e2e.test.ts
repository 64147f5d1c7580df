// End to end over real HTTP: `cascade serve` in a child process manages an emulated data center through the Redfish
// driver; `cascade fail` kills a blade, the workload fails over; `cascade repair` brings the blade back, the workload
// cascades home; then a memory fault does it again. The emulated world's history must show no workload on two
// blades, no start before a fence, and no gap in the workload's counter beyond the latest checkpoint.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonLines } from '../support/json-lines.js';
import { fenceViolations, sequenceGaps, twoBladeViolations, type HistoryEntry } from '../../src/adapters/fake/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'cascade');
const run = promisify(execFile);

interface Line {
  readonly msg: string;
  readonly [key: string]: unknown;
}

const SCENARIO = `
name: e2e
blades:
  - { id: A, resources: { memoryGiB: 256, cpuCount: 32, storageTB: 200, cpuArch: x86_64 }, state: active, location: { chassis: c1, slot: 1 } }
  - { id: B, resources: { memoryGiB: 256, cpuCount: 32, storageTB: 500, cpuArch: x86_64 }, state: standby, location: { chassis: c1, slot: 2 } }
  - { id: C, resources: { memoryGiB: 128, cpuCount: 16, storageTB: 8, cpuArch: x86_64 }, state: active, location: { chassis: c1, slot: 3 } }
workloads:
  - { id: W1, requirements: { memoryGiB: 256, cpuCount: 32, storageTB: 200, cpuArch: x86_64 }, blade: A, priority: 1 }
  - { id: W2, requirements: { memoryGiB: 128, cpuCount: 16, storageTB: 8, cpuArch: x86_64 }, blade: C }
`;

const CONFIG = `
emulator: { scenario: ./dc.yaml, powerDelayMs: 150, tickMs: 5, unreachableDelayMs: 100 }
controller: { pollMs: 300, checkpointMs: 250, callMs: 3000, powerPollMs: 25 }
policy: { cooldownSeconds: 0, replanSeconds: 2 }
log: { level: info, format: json }
`;

class Serve {
  readonly process: ChildProcess;
  readonly stderr: string[] = [];
  readonly exited: Promise<number | null>;
  readonly #out: JsonLines<Line>;

  constructor(args: string[]) {
    this.process = spawn(process.execPath, [BIN, 'serve', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.process.once('exit', (code) => resolve(code)));
    createInterface({ input: this.process.stderr! }).on('line', (text) => this.stderr.push(text));
    this.#out = new JsonLines<Line>(
      this.process.stdout!,
      'cascade serve',
      undefined,
      () => `; stderr: ${this.stderr.join('\n')}`,
    );
  }

  get lines(): Line[] {
    return this.#out.lines;
  }

  waitFor(match: (l: Line) => boolean, what: string, timeoutMs = 30_000): Promise<Line> {
    return this.#out.waitFor(match, what, timeoutMs);
  }
}

const done = (kind: string, from: string, to: string) => (l: Line) =>
  l.msg === 'transfer done' && l['workload'] === 'W1' && l['kind'] === kind && l['from'] === from && l['to'] === to;

async function cascade(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [BIN, ...args], { cwd: ROOT });
  return stdout;
}

let dir = '';
let serve: Serve;

async function history(): Promise<HistoryEntry[]> {
  const state = JSON.parse(readFileSync(join(dir, 'data', 'serve.json'), 'utf8')) as {
    emulator: { url: string; token: string };
  };
  const response = await fetch(`${state.emulator.url}/emulator/v1/history`, {
    headers: { Authorization: `Bearer ${state.emulator.token}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { history: HistoryEntry[] }).history;
}

async function snapshotsOfW1(): Promise<number> {
  return (await history()).filter((e) => e.kind === 'checkpoint' && e.workload === 'W1' && e.by === 'snapshot').length;
}

describe('cascade serve, end to end over HTTP', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cascade-serve-'));
    writeFileSync(join(dir, 'dc.yaml'), SCENARIO);
    writeFileSync(join(dir, 'cascade.yaml'), CONFIG);
    // --port 0: the HTTP API binds any free port, so a controller already on 8080 does not matter.
    serve = new Serve([
      '--config',
      join(dir, 'cascade.yaml'),
      '--data',
      join(dir, 'data'),
      '--emulator-port',
      '0',
      '--port',
      '0',
    ]);
  });
  afterAll(async () => {
    if (serve.process.exitCode === null) serve.process.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails W1 over when its blade dies and cascades it home after the repair, with no gap in its counter', async () => {
    const ready = await serve.waitFor((l) => l.msg === 'ready', 'serve ready');
    expect(ready).toMatchObject({ blades: 3, active: 2, standby: 1, workloads: 2 });
    expect(
      serve.lines.some((l) => typeof l.msg === 'string' && l.msg.startsWith('emulator listening on http://127.0.0.1:')),
    ).toBe(true);

    // Let the controller take a periodic checkpoint first: a dead blade's memory is gone, the checkpoint is not.
    // Without one the failover below would have nothing to restore: fail here, saying so.
    const until = Date.now() + 60_000;
    while ((await snapshotsOfW1()) === 0) {
      if (Date.now() > until) throw new Error('no periodic checkpoint of W1 within 60 s');
      await new Promise((r) => setTimeout(r, 100));
    }

    expect(await cascade('fail', 'A', '--data', join(dir, 'data'))).toContain('A failed');
    await serve.waitFor(done('failover', 'A', 'B'), 'failover A -> B');
    expect(serve.lines.some((l) => l.msg === 'blade A failed')).toBe(true);

    const repaired = await cascade('repair', 'A', '--data', join(dir, 'data'));
    expect(repaired).toContain('controller: repaired');
    await serve.waitFor(done('cascade', 'B', 'A'), 'cascade B -> A');

    // A memory fault: the blade still answers, so the state is captured live and nothing is lost.
    expect(await cascade('fault', 'memory-fault', 'A', '--data', join(dir, 'data'))).toContain('health critical');
    await serve.waitFor(
      (l) =>
        l.msg === 'transfer done' &&
        l['kind'] === 'failover' &&
        l['from'] === 'A' &&
        serve.lines.filter(done('failover', 'A', 'B')).length === 2,
      'second failover',
    );
    await cascade('repair', 'A', '--data', join(dir, 'data'));
    await serve.waitFor(() => serve.lines.filter(done('cascade', 'B', 'A')).length === 2, 'second cascade home');

    // The log shows every step of both kinds of transfer.
    const steps = new Set(
      serve.lines
        .filter((l) => l['workload'] === 'W1' && /^step \w+ succeeded$/.test(l.msg))
        .map((l) => l.msg.split(' ')[1]),
    );
    for (const step of [
      'capture',
      'fence',
      'attach',
      'start',
      'restore',
      'verify',
      'prepare',
      'move',
      'switch',
      'release',
    ])
      expect(steps).toContain(step);

    const h = await history();
    expect(twoBladeViolations(h)).toEqual([]);
    expect(fenceViolations(h)).toEqual([]);
    // Only the failover from the dead blade may go back, and only to the latest checkpoint taken before it died.
    const fault = h.findIndex((e) => e.kind === 'fault' && e.blade === 'A' && e.fault === 'fail');
    const latest = h
      .slice(0, fault)
      .filter((e) => e.kind === 'checkpoint' && e.workload === 'W1')
      .at(-1);
    expect(latest, 'a checkpoint before the failure').toBeDefined();
    const restarts = h.filter((e) => e.kind === 'started' && e.workload === 'W1' && e.how !== 'initial');
    expect(restarts[0]).toMatchObject({
      blade: 'B',
      how: 'restore',
      sequence: latest && 'sequence' in latest ? latest.sequence : -1,
    });
    const gaps = sequenceGaps(h).filter((g) => g.workload === 'W1');
    expect(gaps.length).toBeLessThanOrEqual(1);
    for (const gap of gaps) {
      expect(gap.lost).toBeGreaterThanOrEqual(0);
      expect(gap.at).toBe(restarts[0]?.at);
    }
    // W2 was never touched, and W1 runs at home again, its counter still growing.
    expect(sequenceGaps(h).filter((g) => g.workload !== 'W1')).toEqual([]);
    expect(
      h
        .filter((e) => e.kind === 'migrated' && e.workload === 'W1')
        .map((e) => e.kind === 'migrated' && `${e.from}->${e.to}`),
    ).toEqual(['B->A', 'B->A']);
  });

  it('stops on SIGTERM and removes serve.json', async () => {
    serve.process.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    expect(existsSync(join(dir, 'data', 'serve.json'))).toBe(false);
    const again = await run(process.execPath, [BIN, 'fail', 'A', '--data', join(dir, 'data')], { cwd: ROOT }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(again).toMatchObject({ code: 1 });
    expect((again as { stderr: string }).stderr).toContain('no running cascade serve found');
  });
});
