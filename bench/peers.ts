// Pacemaker's scheduler (crm_simulate) and Ganeti's allocator (hail) decide the same single-blade failovers as Cascade.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitOf } from '../src/core/fit.js';
import { DEFAULT_POLICY, type Workload } from '../src/core/model.js';
import { planPlacements, StandbyIndex } from '../src/core/placement.js';
import { generateScenario } from '../src/sim/generate.js';
import { scenarioToJson } from '../src/sim/scenario-yaml.js';
import { cascadeProcess } from './cli.js';
import { dataCenter } from './instances.js';
import { median, now, picks, sig } from './measure.js';
import { ganetiChoice, ganetiRequest, pacemakerChoice, pacemakerCib } from './peer-inputs.js';

export const PEERS = {
  /** The whole cluster in the CIB: every blade a node, every workload a resource. */
  pacemaker: { binary: '/usr/sbin/crm_simulate', install: 'apt-get install -y pacemaker-cli-utils' },
  /** Only the standby pool and the failing blades in the CIB: the same choice, far faster (peer-inputs.ts). */
  'pacemaker-pool': { binary: '/usr/sbin/crm_simulate', install: 'apt-get install -y pacemaker-cli-utils' },
  ganeti: {
    binary: '/usr/lib/ganeti/3.0/usr/lib/ganeti/iallocators/hail',
    install: 'apt-get install -y ganeti-htools-3.0',
  },
} as const;
export type PeerName = keyof typeof PEERS;

/** A peer gets this long per decision; a size it does not finish is reported as such and larger sizes are skipped. */
const TIMEOUT_MS = 120_000;

export interface PeerRow {
  readonly peer: PeerName;
  readonly blades: number;
  readonly runs: number;
  /** 'ok', or why there is no figure ('not installed', 'timed out after 120 s', ...). */
  readonly status: string;
  readonly peerMs?: number;
  /** Cascade's decision alone, in-process (planPlacements on a built index): not comparable with peerMs. */
  readonly cascadeMs?: number;
  /** `cascade plan FILE --fail ID --json`, whole-process like the peer, on the same data center and blade. */
  readonly cascadeProcessMs?: number;
  readonly cascadeProcessRssMiB?: number;
  /** peerMs / cascadeProcessMs: whole process against whole process, runs interleaved. */
  readonly processRatio?: number;
  /** Median surplus of the blade each chose (0 is an exact fit). */
  readonly peerSurplus?: number;
  readonly cascadeSurplus?: number;
  /** Runs where the peer chose a blade with more surplus than Cascade's, the same, or less. */
  readonly peerWorse?: number;
  readonly peerSame?: number;
  readonly peerBetter?: number;
  /** Runs where the peer placed nothing. */
  readonly peerFailed?: number;
  /** The blade the peer chose in each run (null: none), to hold two inputs of one peer to the same choice. */
  readonly choices?: readonly (string | null)[];
  /** For the pool CIB: runs whose choice equals the whole-cluster CIB's at the same size, as "5 of 5". */
  readonly sameAsCluster?: string;
}

export function peerInstalled(peer: PeerName): boolean {
  return existsSync(PEERS[peer].binary);
}

function run(binary: string, args: readonly string[]): Promise<{ stdout: string; ms: number }> {
  const start = now();
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: TIMEOUT_MS, maxBuffer: 512 * 2 ** 20 }, (error, stdout, stderr) => {
      if (error !== null && (error.killed || error.signal !== null))
        reject(new Error(`timed out after ${TIMEOUT_MS / 1000} s`));
      else if (error !== null && stdout === '')
        reject(new Error(`${binary} failed: ${stderr.split('\n')[0] ?? error.message}`));
      else resolve({ stdout, ms: now() - start });
    });
  });
}

export async function peerFailovers(peer: PeerName, size: number, runs: number): Promise<PeerRow> {
  const base = { peer, blades: size, runs };
  if (!peerInstalled(peer)) return { ...base, status: `not installed (${PEERS[peer].install})` };
  const dc = dataCenter(size, 1);
  const hosted = new Map(dc.active.map((blade, i) => [blade.id, dc.hosted[i]!]));
  const failing = picks(runs, dc.active.length, 77 + size).map((i) => ({
    blade: dc.active[i]!,
    workload: dc.hosted[i]!,
  }));
  const index = StandbyIndex.of(dc.standby);
  const dir = await mkdtemp(join(tmpdir(), `cascade-bench-${peer}-`));
  const peerMs: number[] = [];
  const cascadeMs: number[] = [];
  const processMs: number[] = [];
  const processRss: number[] = [];
  // The same data center as a scenario file (dataCenter draws it with these options), read by a whole process.
  const scenarioFile = join(dir, 'scenario.json');
  await writeFile(scenarioFile, scenarioToJson(generateScenario({ blades: size, seed: 1, years: 0 })));
  const peerSurplus: number[] = [];
  const cascadeSurplus: number[] = [];
  let worse = 0;
  let same = 0;
  let better = 0;
  let failed = 0;
  const choices: (string | null)[] = [];
  const pacemakerScope = peer === 'pacemaker' ? 'cluster' : peer === 'pacemaker-pool' ? 'pool' : null;
  try {
    const cib = join(dir, 'cib.xml');
    if (pacemakerScope !== null)
      await writeFile(
        cib,
        pacemakerCib(
          dc.blades,
          hosted,
          failing.map((f) => f.workload),
          pacemakerScope,
        ),
      );
    for (const [n, { blade, workload }] of failing.entries()) {
      const start = now();
      const plan = planPlacements(
        [{ workload, kind: 'failover', from: blade.id, before: null }],
        index,
        DEFAULT_POLICY,
      );
      cascadeMs.push(now() - start);
      const ours = plan.placements[0]?.after.surplus ?? Number.NaN;
      const chosen =
        pacemakerScope !== null
          ? await pacemaker(cib, blade.id, workload, peerMs)
          : await ganeti(dir, n, dc, hosted, blade.id, workload, peerMs);
      choices.push(chosen);
      const whole = await cascadeProcess(['plan', scenarioFile, '--fail', blade.id, '--json']);
      processMs.push(whole.ms);
      if (whole.peakRssMiB !== null) processRss.push(whole.peakRssMiB);
      const wholeChoice = (JSON.parse(whole.stdout) as { placements: { to: string }[] }).placements[0]?.to;
      if (wholeChoice !== plan.placements[0]?.to)
        throw new Error(`cascade plan chose ${wholeChoice} where the planner chose ${plan.placements[0]?.to}`);
      const theirs = chosen === null ? null : surplusOn(dc.blades.find((b) => b.id === chosen)?.resources, workload);
      cascadeSurplus.push(ours);
      if (theirs === null) {
        failed++;
        continue;
      }
      peerSurplus.push(theirs);
      if (theirs > ours + 1e-9) worse++;
      else if (theirs < ours - 1e-9) better++;
      else same++;
    }
  } catch (error) {
    return { ...base, status: error instanceof Error ? error.message : String(error) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const p = median(peerMs);
  const c = median(cascadeMs);
  const whole = median(processMs);
  return {
    ...base,
    status: 'ok',
    peerMs: sig(p),
    cascadeMs: sig(c),
    cascadeProcessMs: sig(whole),
    ...(processRss.length > 0 ? { cascadeProcessRssMiB: Math.max(...processRss) } : {}),
    processRatio: sig(p / whole, 3),
    peerSurplus: sig(median(peerSurplus)),
    cascadeSurplus: sig(median(cascadeSurplus)),
    peerWorse: worse,
    peerSame: same,
    peerBetter: better,
    peerFailed: failed,
    choices,
  };
}

function surplusOn(resources: Workload['requirements'] | undefined, workload: Workload): number | null {
  if (resources === undefined) return null;
  const fit = fitOf(resources, workload.requirements, DEFAULT_POLICY.weights);
  return fit.feasible ? fit.surplus : null;
}

async function pacemaker(
  cib: string,
  failedBlade: string,
  workload: Workload,
  times: number[],
): Promise<string | null> {
  const { stdout, ms } = await run(PEERS.pacemaker.binary, ['-x', cib, '-S', `--node-fail=${failedBlade}`]);
  times.push(ms);
  return pacemakerChoice(stdout, workload.id);
}

async function ganeti(
  dir: string,
  n: number,
  dc: ReturnType<typeof dataCenter>,
  hosted: ReadonlyMap<string, Workload>,
  failedBlade: string,
  workload: Workload,
  times: number[],
): Promise<string | null> {
  const file = join(dir, `request-${n}.json`);
  await writeFile(file, ganetiRequest(dc.blades, hosted, failedBlade, workload));
  // hail knows no CPU architecture: it may only choose among the standby blades of the workload's.
  const allowed = dc.standby
    .filter((b) => b.resources['cpuArch'] === workload.requirements['cpuArch'])
    .map((b) => b.id);
  const { stdout, ms } = await run(PEERS.ganeti.binary, [
    '--no-capacity-checks',
    `--restrict-allocation-to=${allowed.join(',')}`,
    file,
  ]);
  times.push(ms);
  return ganetiChoice(stdout);
}
