// The monitoring kit in docs/monitoring: promtool accepts the alert rules, and every metric the rules and the
// Grafana dashboard query is one this controller exports (a renamed metric must not leave a silent dashboard).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { requiredPeer } from '../testing/required-peers.js';
import { apiHarness, FOUR_SERVERS, type ApiHarness } from './testing/api-harness.js';

const run = promisify(execFile);
const KIT = join(import.meta.dirname, '..', '..', 'docs', 'monitoring');
const RULES = join(KIT, 'cascade-rules.yml');

async function promtool(): Promise<string | null> {
  try {
    await run('promtool', ['--version']);
    return null;
  } catch {
    return 'promtool is not installed (Debian: apt-get install prometheus)';
  }
}
const skip = requiredPeer('promtool check rules', await promtool());

/** Names in a PromQL expression that are metrics: identifiers not followed by "(" and not label names or keywords. */
function metricNames(expr: string): string[] {
  const noStrings = expr
    .replace(/"[^"]*"/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\[[^\]]*\]/g, '[]');
  const withoutGrouping = noStrings.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const keywords = new Set(['and', 'or', 'unless', 'bool', 'offset']);
  const names: string[] = [];
  for (const m of withoutGrouping.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const after = withoutGrouping.slice(m.index + m[0].length).trimStart();
    if (after.startsWith('(') || keywords.has(m[0])) continue; // a function or an operator
    names.push(m[0]);
  }
  return names;
}

let t: ApiHarness;
let exported: Set<string>;
beforeAll(async () => {
  t = await apiHarness(FOUR_SERVERS);
  await t.h.settle();
  const text = (await t.request('GET', '/metrics', { as: 'viewer' })).text;
  // Every declared metric, with samples or not yet (a counter with labels shows none before its first event).
  exported = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    exported.add(name!);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) exported.add(`${name!}${suffix}`);
  }
  // Prometheus adds `up` for every scrape target itself.
  exported.add('up');
});
afterAll(async () => {
  await t.stop();
});

function unknownIn(exprs: readonly string[]): string[] {
  return [...new Set(exprs.flatMap(metricNames))].filter((n) => !exported.has(n));
}

describe('the monitoring kit', () => {
  it.skipIf(skip !== null)('has alert rules promtool accepts', async () => {
    const { stdout } = await run('promtool', ['check', 'rules', RULES]);
    expect(stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('alerts only on metrics the controller exports', async () => {
    const rules = YAML.parse(await readFile(RULES, 'utf8')) as {
      groups: { rules: { alert: string; expr: string }[] }[];
    };
    const exprs = rules.groups.flatMap((g) => g.rules.map((r) => r.expr));
    expect(exprs.length).toBeGreaterThan(5);
    expect(unknownIn(exprs)).toStrictEqual([]);
    expect(metricNames('sum by (kind) (rate(cascade_nope_total{a="b"}[5m])) > 0')).toStrictEqual([
      'cascade_nope_total',
    ]);
  });

  it('has a Grafana dashboard whose queries use only exported metrics', async () => {
    const dashboard = JSON.parse(await readFile(join(KIT, 'grafana-dashboard.json'), 'utf8')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((x) => x.expr));
    expect(exprs.length).toBeGreaterThan(10);
    expect(unknownIn(exprs)).toStrictEqual([]);
    // The check can fail: a name the controller does not export is found.
    expect(unknownIn(['rate(cascade_failover_total[5m])'])).toStrictEqual(['cascade_failover_total']);
  });
});
