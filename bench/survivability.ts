// N+K survivability at scale (checked and pruned combinations, time), and side by side with Ganeti's hcheck
// (global N+1 over the same generated clusters, the iallocator input the hail rows use).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_POLICY, type Blade, type Workload } from '../src/core/model.js';
import { checkSurvivability, type SurvivabilityReport } from '../src/core/survivability.js';
import { dataCenter } from './instances.js';
import { median, now, sig } from './measure.js';
import { ganetiRequest } from './peer-inputs.js';

export const HCHECK = '/usr/lib/ganeti/3.0/usr/bin/hcheck';

export interface SurvivabilityRow {
  readonly blades: number;
  readonly check: string;
  readonly runs: number;
  readonly medianMs: number;
  /** Per domain kind and level: "blade K=2: 49,995,000 combinations, 21 checked, 49,994,979 pruned, 0 failed". */
  readonly levels: readonly string[];
  readonly verdict: string;
  readonly limitMs: number;
}

const CHECKS = [
  { check: 'N+1 over blades and chassis', k: 1, kinds: ['blade', 'chassis'], limitMs: 1_000 },
  { check: 'N+2 over blades', k: 2, kinds: ['blade'], limitMs: 10_000 },
  { check: 'N+2 over blades and chassis (the default policy)', k: 2, kinds: ['blade', 'chassis'], limitMs: 10_000 },
] as const;

export function survivabilityAtScale(size: number, runs: number): SurvivabilityRow[] {
  const dc = dataCenter(size, 1);
  const rows: SurvivabilityRow[] = [];
  for (const c of CHECKS) {
    const times: number[] = [];
    let report: SurvivabilityReport | null = null;
    for (let r = 0; r < runs; r++) {
      const start = now();
      report = checkSurvivability({ ...dc, policy: DEFAULT_POLICY, k: c.k, kinds: c.kinds });
      times.push(now() - start);
    }
    const medianMs = sig(median(times));
    const { check, limitMs } = c;
    rows.push({ blades: size, check, runs, medianMs, levels: levelsOf(report!), verdict: report!.verdict, limitMs });
  }
  // A pool change as the controller sees one: a standby blade fails, then a workload is placed on another; each
  // state is checked again at the default level (the monitor recomputes the whole report; there is no cache).
  const times: number[] = [];
  let report: SurvivabilityReport | null = null;
  for (let r = 0; r < runs; r++) {
    const changed = poolChange(dc.blades, dc.workloads, r);
    const start = now();
    report = checkSurvivability({ ...changed, policy: DEFAULT_POLICY, k: 2, kinds: ['blade', 'chassis'] });
    times.push(now() - start);
  }
  const check = 'recompute after a pool change (N+2, blades and chassis)';
  const medianMs = sig(median(times));
  rows.push({ blades: size, check, runs, medianMs, levels: levelsOf(report!), verdict: report!.verdict, limitMs: 200 });
  return rows;
}

function poolChange(
  blades: readonly Blade[],
  workloads: readonly Workload[],
  run: number,
): { blades: Blade[]; workloads: Workload[] } {
  const standby = blades.filter((b) => b.state === 'standby');
  const failing = standby[run % standby.length]!.id;
  const taken = standby[(run + 1) % standby.length]!;
  const next = blades.map((b): Blade => {
    if (b.id === failing) return { ...b, state: 'failed' };
    return b.id === taken.id ? { ...b, state: 'active' } : b;
  });
  const id = `bench-new-${run}`;
  const requirements = taken.resources;
  const placed: Workload = { id, requirements, source: 'declared', priority: 0, blade: taken.id, state: 'running' };
  return { blades: next, workloads: [...workloads, placed] };
}

function levelsOf(report: SurvivabilityReport): string[] {
  const n = (x: number): string => x.toLocaleString('en-US');
  return report.kinds.flatMap((k) =>
    k.levels.map((l) => {
      const pruned = n(l.prunedBySymmetry + l.prunedByBound);
      const decided = `${n(l.checked)} checked, ${pruned} pruned, ${n(l.failed)} failed`;
      const counts = `${n(l.combinations)} combinations, ${decided}`;
      return `${k.kind} K=${l.k}: ${counts}`;
    }),
  );
}

export interface GanetiN1Row {
  readonly blades: number;
  readonly status: string;
  readonly hcheckMs?: number;
  /** Nodes whose failure hcheck's global N+1 says the cluster cannot absorb. */
  readonly ganetiFailures?: number;
  /** Single blade failures Cascade does not survive (a workload left pending), cpuArch honoured. */
  readonly cascadeFailures?: number;
  readonly cascadeMs?: number;
  /** The same with Ganeti's reading: cpuArch ignored, a failure when no standby has enough memory and CPUs. */
  readonly cascadeAsGaneti?: number;
  readonly agree?: boolean;
}

/**
 * hcheck's global N+1 (Ganeti 2.16+) re-allocates every instance of a failed node anywhere in its group, which is
 * Cascade's model for blades with shared boot storage: the instances are `sharedfile`, each blade's spare memory is
 * reserved (a blade runs one workload), and only standby blades have room.
 */
export async function ganetiN1(size: number): Promise<GanetiN1Row> {
  if (!existsSync(HCHECK)) return { blades: size, status: 'not installed (apt-get install -y ganeti-htools-3.0)' };
  const dc = dataCenter(size, 1);
  const hosted = new Map(dc.active.map((b, i) => [b.id, dc.hosted[i]!]));
  const spec = JSON.parse(ganetiRequest(dc.blades, hosted, '', dc.hosted[0]!)) as GanetiSpec;
  for (const instance of Object.values(spec.instances)) instance.disk_template = 'sharedfile';
  spec.request.disk_template = 'sharedfile';
  spec.nodegroups.g1.ipolicy['disk-templates'] = ['sharedfile'];
  for (const [id, node] of Object.entries(spec.nodes)) {
    node.drained = false;
    const w = hosted.get(id);
    if (w === undefined) continue;
    const used = Math.round(Number(w.requirements['memoryGiB'] ?? 0) * 1024);
    const reserved = node.total_memory - used;
    Object.assign(node, { reserved_memory: reserved, free_memory: 0, i_pri_memory: used, i_pri_up_memory: used });
  }
  const dir = await mkdtemp(join(tmpdir(), 'cascade-bench-hcheck-'));
  try {
    const file = join(dir, 'cluster.json');
    await writeFile(file, JSON.stringify(spec));
    const start = now();
    const output = await hcheck(file);
    const hcheckMs = now() - start;
    const ganetiFailures = Number(/^HCHECK_INIT_CLUSTER_GN1_FAIL=(\d+)$/m.exec(output)?.[1] ?? Number.NaN);
    const cascadeStart = now();
    const report = checkSurvivability({ ...dc, policy: DEFAULT_POLICY, k: 1, kinds: ['blade'] });
    const cascadeMs = now() - cascadeStart;
    const cascadeFailures = report.kinds[0]!.levels[0]!.failed;
    const cascadeAsGaneti = [...hosted].filter(([blade, w]) => !survivesAsGaneti(blade, w, dc.standby)).length;
    const agree = ganetiFailures === cascadeAsGaneti;
    const times = { hcheckMs: sig(hcheckMs), cascadeMs: sig(cascadeMs) };
    return { blades: size, status: 'ok', ...times, ganetiFailures, cascadeFailures, cascadeAsGaneti, agree };
  } catch (error) {
    return { blades: size, status: error instanceof Error ? error.message : String(error) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Ganeti's reading of one failure: some standby blade has at least the memory and CPUs the workload needs, of any
 * architecture (hcheck knows none). The failover planner may still prefer a blade a little short on one key (a
 * deficit is a cost, not a refusal), so this asks for existence, not for the planner's choice.
 */
function survivesAsGaneti(_blade: string, workload: Workload, standby: readonly Blade[]): boolean {
  const need = (key: string): number => Number(workload.requirements[key] ?? 0);
  const has = (b: Blade, key: string): number => Number(b.resources[key] ?? 0);
  return standby.some((b) => has(b, 'memoryGiB') >= need('memoryGiB') && has(b, 'cpuCount') >= need('cpuCount'));
}

interface GanetiSpec {
  instances: Record<string, { disk_template: string }>;
  request: { disk_template: string };
  nodegroups: { g1: { ipolicy: Record<string, unknown> } };
  nodes: Record<string, { drained: boolean; total_memory: number }>;
}

function hcheck(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const args = ['-I', file, '--machine-readable', '--no-simulation'];
    execFile(HCHECK, args, { timeout: 180_000, maxBuffer: 64 * 2 ** 20 }, (error, stdout) => {
      if (error !== null && (error.killed || error.signal !== null)) reject(new Error('timed out after 180 s'));
      else if (error !== null && stdout === '') reject(error);
      else resolve(stdout);
    });
  });
}
