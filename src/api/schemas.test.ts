// The API's request schemas on their own, value by value at each bound: what a live controller accepts from anyone
// with a token, and the message that names what was wrong.
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as s from './schemas.js';

/** The first issue's path and message, or null when the value parses. */
function problem(schema: z.ZodType, value: unknown): { path: string; message: string } | null {
  const result = schema.safeParse(value);
  if (result.success) return null;
  const issue = result.error.issues[0]!;
  return { path: issue.path.join('.'), message: issue.message };
}

const QUANTITY = 'expected 0, or a number from 0.001 to 1e15';

describe('resources (requirements and blade resources)', () => {
  it('accepts 0 and quantities from 0.001 to 1e15, and non-empty attributes up to 256 characters', () => {
    expect(s.resources.parse({ a: 0, b: 0.001, c: 1e15, d: 'x', e: 'y'.repeat(256) })).toEqual({
      a: 0,
      b: 0.001,
      c: 1e15,
      d: 'x',
      e: 'y'.repeat(256),
    });
  });

  it.each([
    ['a vanishing quantity (it made every surplus Infinity)', 5e-324],
    ['just under a thousandth', 0.000999],
    ['just over 1e15', 1.000001e15],
    ['a negative quantity', -1],
  ])('refuses %s, naming the key', (_what, value) => {
    expect(problem(s.resources, { memoryGiB: value })).toEqual({ path: 'memoryGiB', message: QUANTITY });
  });

  it('says what a value may be when it is neither a quantity nor an attribute', () => {
    expect(problem(s.resources, { memoryGiB: true })).toEqual({
      path: 'memoryGiB',
      message: `${QUANTITY}, or a non-empty string`,
    });
  });

  it('refuses an empty or over-long attribute, an empty or over-long key, and more than 64 keys', () => {
    expect(problem(s.resources, { cpuArch: '' })?.path).toBe('cpuArch');
    expect(problem(s.resources, { cpuArch: 'y'.repeat(257) })?.path).toBe('cpuArch');
    // zod reports a bad key as a bad mapping (its own message for the key is not shown).
    expect(problem(s.resources, { '': 1 })).not.toBeNull();
    expect(problem(s.resources, { ['k'.repeat(65)]: 1 })).not.toBeNull();
    expect(problem(s.resources, { ['k'.repeat(64)]: 1 })).toBeNull();
    const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 1]));
    expect(problem(s.resources, keys(64))).toBeNull();
    expect(problem(s.resources, keys(65))).toEqual({ path: '', message: 'expected at most 64 keys' });
    expect(problem(s.resources, 'memoryGiB=4')).toEqual({
      path: '',
      message: 'expected a mapping of resource names to values',
    });
  });
});

describe('policyPatch: bounds for a live controller', () => {
  const cases: [string, unknown, string | null][] = [
    ['minImprovement', 0, null],
    ['minImprovement', 1e6, null],
    ['minImprovement', -0.01, 'expected a number >= 0'],
    ['minImprovement', 1e6 + 1, 'expected a number <= 1000000'],
    ['replanSeconds', 1, null],
    ['replanSeconds', 86_400, null],
    ['replanSeconds', 0.5, 'expected a number >= 1'],
    ['replanSeconds', 86_401, 'expected a number <= 86400'],
    ['maxConcurrentTransfers', 1, null],
    ['maxConcurrentTransfers', 1000, null],
    ['maxConcurrentTransfers', 0, 'expected an integer >= 1'],
    ['maxConcurrentTransfers', 1001, 'expected an integer <= 1000'],
    ['maxConcurrentTransfers', 2.5, 'expected an integer >= 1'],
    ['cooldownSeconds', 0, null],
    ['cooldownSeconds', 86_400, null],
    ['cooldownSeconds', -1, 'expected a number >= 0'],
    ['cooldownSeconds', 9.9e8, 'expected a number <= 86400'],
    ['transferSeconds', 0, null],
    ['transferSeconds', 86_400, null],
    ['transferSeconds', -1, 'expected a number >= 0'],
    ['transferSeconds', 511_245, 'expected a number <= 86400'],
    ['repairBurnInSeconds', 86_400, null],
    ['repairBurnInSeconds', 86_401, 'expected a number <= 86400'],
    ['hardKeys', ['memoryGiB', 'cpuArch'], null],
    ['hardKeys', Array.from({ length: 65 }, (_, i) => `k${i}`), 'expected at most 64 keys'],
    ['cascadeWindows', ['mon-fri 22:00-06:00', '* 01:00-05:00', 'sat,sun 00:00-24:00'], null],
    ['requireApproval', true, null],
    ['requireApproval', 'yes', 'expected true or false'],
  ];
  it.each(cases)('%s = %s: %s', (key, value, message) => {
    expect(problem(s.policyPatch, { [key]: value })).toEqual(message === null ? null : { path: key, message });
  });

  it('refuses a cascade window the planner could not read, naming the window', () => {
    for (const window of ['monday 22:00', 'xyz 22:00-06:00', 'mon 25:00-06:00', 'mon 10:60-11:00', 'mon 24:00-01:00']) {
      expect(problem(s.policyPatch, { cascadeWindows: ['* 01:00-02:00', window] }), window).toEqual({
        path: 'cascadeWindows.1',
        message: 'expected a window such as "mon-fri 22:00-06:00" or "* 01:00-05:00" (UTC)',
      });
    }
  });

  it('gives the same range when a policy value is not a number at all', () => {
    expect(problem(s.policyPatch, { minImprovement: 'x' })).toEqual({
      path: 'minImprovement',
      message: 'expected a number >= 0',
    });
    expect(problem(s.policyPatch, { maxConcurrentTransfers: 'x' })).toEqual({
      path: 'maxConcurrentTransfers',
      message: 'expected an integer >= 1',
    });
  });

  it('bounds weights from 0 to 1000 per key, and names the key', () => {
    expect(problem(s.policyPatch, { weights: { memoryGiB: 0, storageTB: 1000 } })).toBeNull();
    expect(problem(s.policyPatch, { weights: { memoryGiB: -1 } })).toEqual({
      path: 'weights.memoryGiB',
      message: 'expected a number >= 0',
    });
    expect(problem(s.policyPatch, { weights: { memoryGiB: 1001 } })).toEqual({
      path: 'weights.memoryGiB',
      message: 'expected a number <= 1000',
    });
    expect(problem(s.policyPatch, { weights: [] })).toEqual({
      path: 'weights',
      message: 'expected a mapping of resource names to weights',
    });
  });

  it('refuses a misspelt key, naming the keys allowed', () => {
    expect(problem(s.policyPatch, { minImprovment: 1 })?.message).toMatch(
      /^unknown key; expected one of weights, minImprovement/,
    );
  });
});

describe('ids, queries and bodies', () => {
  it('takes ids of 1 to 256 characters', () => {
    expect(problem(s.id, 'a')).toBeNull();
    expect(problem(s.id, 'a'.repeat(256))).toBeNull();
    expect(problem(s.id, 'a'.repeat(257))).toEqual({ path: '', message: 'expected at most 256 characters' });
    expect(problem(s.id, '')).toEqual({ path: '', message: 'expected 1 to 256 letters, digits, or . _ : -' });
  });

  it('pages lists by 1 to 1000, 100 by default, from query strings', () => {
    expect(s.bladeQuery.parse({})).toEqual({ limit: 100 });
    expect(s.workloadQuery.parse({ limit: '1' })).toEqual({ limit: 1 });
    expect(s.bladeQuery.parse({ limit: '1000', state: 'standby', health: 'ok', chassis: 'c1', after: 'B' })).toEqual({
      limit: 1000,
      state: 'standby',
      health: 'ok',
      chassis: 'c1',
      after: 'B',
    });
    for (const bad of ['0', '1001', '2.5', 'ten']) {
      expect(problem(s.bladeQuery, { limit: bad })).toEqual({
        path: 'limit',
        message: 'expected an integer from 1 to 1000',
      });
    }
    expect(problem(s.bladeQuery, { state: 'busy' })).toEqual({
      path: 'state',
      message: 'expected one of active, standby, failed, maintenance',
    });
    expect(problem(s.bladeQuery, { health: 'bad' })).toEqual({
      path: 'health',
      message: 'expected one of ok, warning, critical, unreachable',
    });
    expect(problem(s.workloadQuery, { state: 'x' })).toEqual({
      path: 'state',
      message: 'expected one of running, pending, transferring, finished',
    });
    expect(problem(s.bladeQuery, { sort: 'id' })?.path).toBe('');
  });

  it('filters transfers by open, kind, status and order (asc by default)', () => {
    expect(s.transferQuery.parse({})).toEqual({ order: 'asc', limit: 100 });
    expect(
      s.transferQuery.parse({ open: 'true', kind: 'cascade', status: 'waiting', order: 'desc', workload: 'W1' }),
    ).toMatchObject({
      open: 'true',
      kind: 'cascade',
      status: 'waiting',
      order: 'desc',
    });
    expect(problem(s.transferQuery, { open: 'yes' })).toEqual({ path: 'open', message: 'expected true or false' });
    expect(s.transferQuery.parse({ open: 'false', order: 'asc' })).toMatchObject({ open: 'false', order: 'asc' });
    expect(problem(s.transferQuery, { kind: 'move' })).toEqual({
      path: 'kind',
      message: 'expected one of failover, cascade, place',
    });
    expect(problem(s.transferQuery, { status: 'x' })).toEqual({
      path: 'status',
      message: 'expected one of running, waiting, done, aborted',
    });
    expect(problem(s.transferQuery, { order: 'up' })).toEqual({ path: 'order', message: 'expected asc or desc' });
  });

  it('reads events after a seq >= 0, 1 to 1000 at a time, or the last 1 to 1000', () => {
    expect(s.eventQuery.parse({})).toEqual({ after: 0, limit: 100 });
    expect(s.eventQuery.parse({ after: '7', limit: '1000', last: '1' })).toEqual({ after: 7, limit: 1000, last: 1 });
    expect(problem(s.eventQuery, { after: '-1' })).toEqual({ path: 'after', message: 'expected an integer >= 0' });
    expect(problem(s.eventQuery, { after: '1.5' })).toEqual({ path: 'after', message: 'expected an integer >= 0' });
    expect(problem(s.eventQuery, { after: 'x' })).toEqual({ path: 'after', message: 'expected an integer >= 0' });
    for (const key of ['limit', 'last']) {
      for (const bad of ['0', '1001', '1.5', 'x'])
        expect(problem(s.eventQuery, { [key]: bad })).toEqual({
          path: key,
          message: 'expected an integer from 1 to 1000',
        });
    }
  });

  it('takes proposal ids from 1, and statuses by name', () => {
    expect(s.proposalParams.parse({ id: '1' })).toEqual({ id: 1 });
    for (const bad of ['0', '1.5', 'x'])
      expect(problem(s.proposalParams, { id: bad })).toEqual({
        path: 'id',
        message: 'expected a proposal id (an integer)',
      });
    expect(s.proposalQuery.parse({ status: 'expired' })).toEqual({ status: 'expired' });
    expect(problem(s.proposalQuery, { status: 'open' })).toEqual({
      path: 'status',
      message: 'expected one of proposed, approved, rejected, started, expired',
    });
  });

  it('checks the request bodies field by field', () => {
    expect(problem(s.maintenanceBody, { on: 'yes' })).toEqual({ path: 'on', message: 'expected true or false' });
    expect(s.submitBody.parse({ id: 'W1', priority: 2 })).toEqual({ id: 'W1', priority: 2 });
    expect(problem(s.submitBody, { id: 'W1', priority: 'high' })).toEqual({
      path: 'priority',
      message: 'expected a number',
    });
    expect(problem(s.requirementsBody, { requirements: { memoryGiB: 5e-324 } })?.path).toBe('requirements.memoryGiB');
    expect(problem(s.planBody, { fail: [] })).toEqual({ path: 'fail', message: 'expected at least one blade id' });
    expect(problem(s.planBody, { fail: 'A' })).toEqual({ path: 'fail', message: 'expected a list of blade ids' });
    expect(problem(s.planBody, { fail: Array.from({ length: 10_000 }, (_, i) => `B${i}`) })).toBeNull();
    expect(problem(s.planBody, { fail: Array.from({ length: 10_001 }, (_, i) => `B${i}`) })).toEqual({
      path: 'fail',
      message: 'expected at most 10000 blade ids',
    });
    expect(problem(s.rejectBody, { reason: 'r'.repeat(500) })).toBeNull();
    expect(problem(s.rejectBody, { reason: 'r'.repeat(501) })).toEqual({
      path: 'reason',
      message: 'expected at most 500 characters',
    });
    expect(problem(s.rejectBody, { reason: 5 })).toEqual({ path: 'reason', message: 'expected a string' });
    expect(problem(s.idParams, { id: '' })).toEqual({
      path: 'id',
      message: 'expected 1 to 256 letters, digits, or . _ : -',
    });
    expect(s.noBody.parse(undefined)).toBeUndefined();
    expect(problem(s.noBody, { force: true })?.path).toBe('');
  });

  it('issues tokens for a known role, named by 1 to 64 plain characters', () => {
    expect(s.tokenBody.parse({ role: 'operator', name: 'alice@ops.example-1_x' })).toEqual({
      role: 'operator',
      name: 'alice@ops.example-1_x',
    });
    expect(problem(s.tokenBody, { role: 'root' })).toEqual({
      path: 'role',
      message: 'expected one of viewer, operator, admin',
    });
    for (const bad of ['', 'a b', 'x'.repeat(65), 'semi;colon']) {
      expect(problem(s.tokenBody, { role: 'viewer', name: bad })).toEqual({
        path: 'name',
        message: 'expected 1 to 64 letters, digits, or . _ @ -',
      });
    }
    expect(problem(s.tokenBody, { role: 'viewer', name: 'x'.repeat(64) })).toBeNull();
    expect(problem(s.tokenBody, { role: 'viewer', name: 5 })).toEqual({ path: 'name', message: 'expected a name' });
  });
});
