// End to end over the real drivers: `cascade serve` with the embedded emulator, its blades fenced through their BMC,
// then the enclosure manager, then the SAN, all over Redfish. A's BMC hangs (network-loss --hang): the failover fences
// A through the next level and completes, and the audit log shows which level fenced and its proof. Fenced by the SAN,
// A keeps its power: once its BMC answers again it is powered off before it is ever a target.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { mergeSteps } from '../api/views.js';
import type { AuditEvent, TransferRecord } from '../ports/store.js';
import { eventually } from '../ports/contract-support.js';
import { parseConfig } from './config.js';
import { createLogger } from './logging.js';
import { startServe, type ServeHandles } from './serve.js';

let dir: string | null = null;
let serve: ServeHandles | null = null;
afterEach(async () => {
  await serve?.close();
  serve = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

const SCENARIO = `
blades:
  - { id: A, state: active, resources: { memoryGiB: 64 }, location: { chassis: c1, slot: 1 }, fencing: [bmc, enclosure, storage] }
  - { id: B, resources: { memoryGiB: 64 }, location: { chassis: c1, slot: 2 }, fencing: [bmc, pdu] }
workloads:
  - { id: W1, requirements: { memoryGiB: 64 }, blade: A }
`;

const FAIL_AFTER_MS = 1_000;

async function start(enclosureFault: 'none' | 'ignore'): Promise<ServeHandles> {
  dir = mkdtempSync(join(tmpdir(), 'cascade-fencing-'));
  writeFileSync(join(dir, 'site.yaml'), SCENARIO);
  const config = parseConfig(
    {
      listen: { api: { port: 0 } },
      emulator: { scenario: join(dir, 'site.yaml'), powerDelayMs: 50, unreachableDelayMs: 50 },
      detection: { failAfterMs: FAIL_AFTER_MS },
      controller: {
        pollMs: 100,
        callMs: 500,
        powerPollMs: 20,
        stepMs: 3_000,
        backoffMs: 20,
        maxBackoffMs: 200,
        discoverMs: 0,
      },
    },
    'test',
  );
  const logger = createLogger({
    level: 'warn',
    format: 'json',
    stream: new Writable({ write: (_c, _e, done) => done() }),
  });
  const s = await startServe({ config, dataDir: join(dir, 'data'), logger });
  serve = s;
  s.emulator!.fencing.set('enclosure', 'A', enclosureFault);
  await eventually(
    async () => (await s.store.workload('W1'))?.state === 'running',
    (yes) => yes,
    10_000,
    'W1 adopted',
  );
  return s;
}

/**
 * The failover's timeline from the fault, in ms, and the bound it should keep: failAfterMs, plus the confirming
 * level's own time, plus the target's start (attach through verify). Printed as figures, never asserted.
 */
function timeline(fault: number, t: TransferRecord, events: readonly AuditEvent[]): string {
  const rel = (at: number | null | undefined): string => (at === null || at === undefined ? '?' : `${at - fault}`);
  const first = (type: string, verdict?: string) =>
    events.find((e) => e.type === type && e.subject === 'A' && (!verdict || e.data['verdict'] === verdict))?.at;
  const step = (name: string) => t.steps.filter((x) => x.name === name && x.status !== 'started').at(-1);
  const span = (name: string) => `${name} ${rel(step(name)?.startedAt)}-${rel(step(name)?.endedAt)}`;
  const attempts = events.filter((e) => e.type === 'transfer.fence.attempt' && e.subject === t.id);
  const levels = attempts.map(
    (e) => `${e.data['level']} ${rel(Number(e.data['at']))}-${rel(Number(e.data['endedAt']))}`,
  );
  const confirmed = attempts.find((e) => e.data['confirmed'] === true);
  const confirmMs = confirmed ? Number(confirmed.data['endedAt']) - Number(confirmed.data['at']) : Number.NaN;
  const startMs = (step('verify')?.endedAt ?? Number.NaN) - (step('attach')?.startedAt ?? Number.NaN);
  const done = step('verify')?.endedAt;
  return [
    `suspect ${rel(first('blade.verdict', 'suspect'))}`,
    `failed ${rel(first('blade.failed'))}`,
    `transfer ${rel(t.createdAt)}`,
    span('capture'),
    `fence [${levels.join(', ')}]`,
    ...['attach', 'start', 'restore', 'verify'].map(span),
    `done ${rel(done)}`,
    `bound ${FAIL_AFTER_MS} + ${confirmMs} + ${startMs} = ${FAIL_AFTER_MS + confirmMs + startMs}`,
  ].join('; ');
}

describe('serve: fencing levels over the emulator', () => {
  for (const [fault, level] of [
    ['none', 'enclosure'],
    ['ignore', 'storage'],
  ] as const) {
    it(`with A's BMC hung${fault === 'ignore' ? ' and its enclosure answering but doing nothing' : ''}, A is fenced by ${level} and W1 moves to B`, async () => {
      const s = await start(fault);
      // A's BMC hangs and W1 dies with A: the detector fails A only once W1's own heartbeat is gone too.
      const injected = Date.now();
      s.emulator!.faults.inject('A', { kind: 'network-loss', hang: true });
      s.emulator!.faults.inject('A', { kind: 'workload-crash' });
      await eventually(
        async () =>
          (await s.store.workload('W1'))?.blade === 'B' && (await s.store.workload('W1'))?.state === 'running',
        (yes) => yes,
        20_000,
        'W1 on B',
      );
      expect(s.emulator!.world.runningOn('W1')).toEqual(['B']);
      const [t] = await s.store.transfers();
      const attempts = (await s.store.events(0, 100_000)).filter(
        (e) => e.type === 'transfer.fence.attempt' && e.subject === t!.id,
      );
      const confirmed = attempts.find((e) => e.data['confirmed'] === true);
      expect(confirmed?.data).toMatchObject({ level, blade: 'A' });
      expect(String(confirmed?.data['reading'])).toMatch(
        level === 'enclosure' ? /Chassis Blade-A PowerState Off/ : /in no connection/,
      );
      expect(attempts[0]?.data).toMatchObject({ level: 'bmc', confirmed: false });
      console.info(`fencing by ${level}: ${timeline(injected, t!, await s.store.events(0, 100_000))}`);
      // The record's order: A failed (its BMC silent and W1's heartbeat lost), then a level confirmed, then B
      // started: the target never starts before the fence is confirmed.
      const failed = (await s.store.events(0, 100_000)).find((e) => e.type === 'blade.failed' && e.subject === 'A');
      const started = t!.steps.find((st) => st.name === 'start' && st.status === 'succeeded');
      expect(Number(confirmed?.data['at'])).toBeGreaterThanOrEqual(failed!.at);
      expect(started!.startedAt).toBeGreaterThanOrEqual(Number(confirmed?.data['endedAt']));
      // What `cascade transfers ID` and the API show: the fence step with its proof.
      const view = mergeSteps(t!.steps).find((v) => v.name === 'fence' && v.status === 'succeeded');
      expect(view?.fence).toMatchObject({ level, reading: confirmed?.data['reading'] });
      expect(view?.fence?.attempts?.[0]).toMatchObject({ level: 'bmc', confirmed: false });
      if (level === 'storage') {
        expect(attempts.find((e) => e.data['level'] === 'enclosure')?.data['error']).toMatch(
          /answered .* but its read shows Chassis Blade-A PowerState On/,
        );
        expect(s.emulator!.world.attachedTo('W1')).toBe('B');

        // A never lost its power; the SAN fence took its boot LUN. Its BMC answers again: A reads On, and may run
        // W1's old copy from memory. It is powered off, and W1's record (its copy on B) stays as it is.
        expect(s.emulator!.world.blade('A')?.power).toBe('on');
        s.emulator!.world.setReachable('A', true);
        await eventually(
          async () => (await s.store.events(0, 100_000)).some((e) => e.type === 'blade.leftover-off'),
          (yes) => yes,
          10_000,
          'A powered off',
        );
        expect(s.emulator!.world.blade('A')?.power).toBe('off');
        const off = (await s.store.events(0, 100_000)).find((e) => e.type === 'blade.leftover-off');
        expect(off?.data).toMatchObject({ blade: 'A', workload: 'W1', level: 'storage', transfer: t!.id });
        expect(await s.store.workload('W1')).toMatchObject({ blade: 'B', state: 'running' });
        expect((await s.store.transfers()).filter((x) => x.to === 'A')).toEqual([]);
      }
    });
  }
});
