// `cascade status` and `cascade alarms` against a real API on 127.0.0.1: the crm_mon-like text, exit 3 while a
// workload is down, JSON for scripts, and acknowledgement.
import { afterEach, describe, expect, it } from 'vitest';
import { apiHarness, type ApiHarness } from '../../api/testing/api-harness.js';
import { eventually } from '../../orchestrator/testing/harness.js';
import { runCli } from '../testing/run-cli.js';

let t: ApiHarness | null = null;
afterEach(async () => {
  await t?.stop();
  t = null;
});

async function cascade(
  args: string[],
  role: 'viewer' | 'operator' = 'viewer',
): Promise<{ code: number; out: string; err: string }> {
  return runCli([...args, '--url', t!.url, '--token', t!.tokens[role]]);
}

const ONE_SPARE = {
  blades: [
    { id: 'A', resources: { memoryGiB: 64 }, location: { chassis: 'c1', slot: 1 } },
    { id: 'B', resources: { memoryGiB: 32 }, power: 'off' as const, location: { chassis: 'c1', slot: 2 } },
  ],
  workloads: [{ id: 'W1', requirements: { memoryGiB: 64 }, blade: 'A', priority: 5 }],
};

describe('cascade status', () => {
  it('says OK and exits 0 while everything runs, DOWN and exits 3 once a workload is down', async () => {
    t = await apiHarness(ONE_SPARE, { emulator: true });
    await t.h.settle();
    const ok = await cascade(['status']);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('OK: 1 workload(s) running');
    expect(ok.out).toContain('Workloads: 1 total, 1 running, 0 DOWN, 0 impaired, 0 unprotected');
    expect(ok.out).toContain('Pool:      1 standby blade(s) can take a workload: B');

    // A fails: W1 fails over to B, which is too small (impaired); then B fails too and W1 is down.
    await t.request('POST', '/api/v1/blades/A/fail', { as: 'operator' });
    await t.h.settle();
    const impaired = await cascade(['status']);
    expect(impaired.out).toContain('W1 on B: memoryGiB 32 of 64');
    await t.request('POST', '/api/v1/blades/B/fail', { as: 'operator' });
    await t.h.settle();
    await eventually(async () => (await cascade(['alarms'])).out.includes('workload.down/W1'), 5_000, 'the down alarm');
    const down = await cascade(['status']);
    expect(down.code).toBe(3);
    expect(down.err).toContain('1 workload(s) down');
    expect(down.out).toContain('DOWN: 1 of 1 workload(s) not running');
    expect(down.out).toMatch(/DOWN:\n {2}\* W1 \(priority 5\) pending for \d+s: /);
    expect(down.out).toMatch(/Open alarms:\n {2}\* CRITICAL workload\.down\/W1 since /);
    const watched = await cascade(['status', '--watch', '--interval', '0.05', '--times', '2', '--json']);
    expect(watched.code).toBe(3);
    expect(watched.out.split('\n{').length).toBe(2);
  });
});

describe('cascade alarms', () => {
  it('lists open alarms and acknowledges one as an operator, not as a viewer', async () => {
    t = await apiHarness(ONE_SPARE, { emulator: true });
    await t.h.settle();
    await t.request('POST', '/api/v1/blades/A/fail', { as: 'operator' });
    await t.h.settle();
    await eventually(async () => (await cascade(['alarms'])).out.includes('pool.empty/pool'), 5_000, 'pool.empty');
    expect((await cascade(['alarms', 'ack', 'pool.empty/pool'])).code).toBe(1);
    const acked = await cascade(['alarms', 'ack', 'pool.empty/pool', '--note', 'two spares ordered'], 'operator');
    expect(acked.out).toBe('acknowledged pool.empty/pool as token:operator-1\n');
    const listed = await cascade(['alarms']);
    expect(listed.out).toContain('acknowledged by token:operator-1');
    expect(listed.out).toContain('note: two spares ordered');
    expect((await cascade(['alarms', 'ack', 'pool.empty/nothing'], 'operator')).code).toBe(2);
  });
});
