// checkSurvivability: counting for disjoint classes, and the planner where a workload takes any architecture.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitOf } from './fit.js';
import { DEFAULT_POLICY, type Blade, type Resources, type Workload } from './model.js';
import { planPlacements, type PlacementRequest } from './placement.js';
import { choose } from './survivability-count.js';
import { failureDomains, type FailureDomain } from './survivability-domains.js';
import { combinationsOf } from './survivability-exhaustive.js';
import { checkSurvivability } from './survivability.js';

/** The reference: every combination, each placed by the failover planner itself. */
function bruteForce(
  blades: readonly Blade[],
  workloads: readonly Workload[],
  domains: readonly FailureDomain[],
  k: number,
): number {
  const pool = blades.filter((b) => b.state === 'standby');
  const byId = new Map(blades.map((b) => [b.id, b]));
  let failed = 0;
  for (const picked of combinationsOf(domains.length, k)) {
    const out = new Set(picked.flatMap((i) => domains[i]!.blades));
    const requests: PlacementRequest[] = workloads
      .filter(
        (w) => w.state === 'running' && w.blade !== null && out.has(w.blade) && byId.get(w.blade)!.state === 'active',
      )
      .map((w) => ({
        workload: w,
        kind: 'failover',
        from: w.blade,
        before: fitOf(byId.get(w.blade!)!.resources, w.requirements),
      }));
    if (
      planPlacements(
        requests,
        pool.filter((b) => !out.has(b.id)),
        DEFAULT_POLICY,
      ).pending.length > 0
    )
      failed++;
  }
  return failed;
}

const arch = fc.constantFrom('x86_64', 'aarch64');
const bladeSpec = fc.record({
  memoryGiB: fc.constantFrom(128, 256, 512),
  cpuArch: arch,
  standby: fc.boolean(),
  chassis: fc.integer({ min: 1, max: 3 }),
  feed: fc.constantFrom('A', 'B'),
});
const workloadSpec = fc.record({
  memoryGiB: fc.constantFrom(128, 256, 512),
  // Some workloads take any architecture: their class overlaps the others', which the planner path handles.
  cpuArch: fc.option(arch, { nil: undefined }),
  priority: fc.integer({ min: 0, max: 2 }),
});

function dataCenter(
  specs: readonly { memoryGiB: number; cpuArch: string; standby: boolean; chassis: number; feed: string }[],
  loads: readonly { memoryGiB: number; cpuArch: string | undefined; priority: number }[],
) {
  const blades: Blade[] = specs.map((s, i) => ({
    id: `b${i}`,
    resources: { memoryGiB: s.memoryGiB, cpuArch: s.cpuArch },
    state: s.standby ? 'standby' : 'active',
    location: { chassis: `c${s.chassis}`, slot: i + 1, labels: { powerFeed: s.feed } },
  }));
  const active = blades.filter((b) => b.state === 'active');
  const workloads: Workload[] = active.slice(0, loads.length).map((b, i) => {
    const l = loads[i]!;
    const requirements: Resources =
      l.cpuArch === undefined ? { memoryGiB: l.memoryGiB } : { memoryGiB: l.memoryGiB, cpuArch: l.cpuArch };
    return { id: `w${i}`, requirements, source: 'declared', priority: l.priority, blade: b.id, state: 'running' };
  });
  return { blades, workloads };
}

describe('checkSurvivability', () => {
  it.each([1, 2, 3])(
    'equals brute force over every combination with the real planner, K = %i, each domain kind',
    (k) => {
      fc.assert(
        fc.property(
          fc.array(bladeSpec, { minLength: 1, maxLength: 8 }),
          fc.array(workloadSpec, { maxLength: 8 }),
          (specs, loads) => {
            const { blades, workloads } = dataCenter(specs, loads);
            const kinds = ['blade', 'chassis', 'powerFeed'];
            const report = checkSurvivability({ blades, workloads, policy: DEFAULT_POLICY, k, kinds });
            for (const result of report.kinds) {
              const domains = failureDomains(blades, result.kind);
              for (const level of result.levels) {
                expect(level.complete).toBe(true);
                expect(level.combinations).toBe(choose(domains.length, level.k));
                expect(level.checked + level.prunedBySymmetry + level.prunedByBound).toBe(level.combinations);
                expect(level.failed, `${result.kind} K=${level.k} (${result.method})`).toBe(
                  bruteForce(blades, workloads, domains, level.k),
                );
              }
              const firstFailing = result.levels.find((l) => l.failed > 0)?.k;
              expect(result.survives).toBe(firstFailing === undefined ? k : firstFailing - 1);
              // Every combination named as failing fails under the planner, and leaves someone pending.
              for (const weak of result.weakest) expect(weak.left.length).toBeGreaterThan(0);
            }
          },
        ),
        { numRuns: k === 3 ? 150 : 300 },
      );
    },
  );

  it('uses counts when classes are disjoint and the planner when a workload takes any architecture', () => {
    const { blades, workloads } = dataCenter(
      [
        { memoryGiB: 256, cpuArch: 'x86_64', standby: false, chassis: 1, feed: 'A' },
        { memoryGiB: 256, cpuArch: 'aarch64', standby: true, chassis: 2, feed: 'B' },
      ],
      [{ memoryGiB: 128, cpuArch: undefined, priority: 0 }],
    );
    expect(
      checkSurvivability({ blades, workloads, policy: DEFAULT_POLICY, k: 1, kinds: ['blade'] }).kinds[0]!.method,
    ).toBe('counts');
    const mixed = dataCenter(
      [
        { memoryGiB: 256, cpuArch: 'x86_64', standby: false, chassis: 1, feed: 'A' },
        { memoryGiB: 256, cpuArch: 'x86_64', standby: false, chassis: 1, feed: 'A' },
        { memoryGiB: 256, cpuArch: 'aarch64', standby: true, chassis: 2, feed: 'B' },
        { memoryGiB: 256, cpuArch: 'x86_64', standby: true, chassis: 2, feed: 'B' },
      ],
      [
        { memoryGiB: 128, cpuArch: undefined, priority: 0 },
        { memoryGiB: 128, cpuArch: 'x86_64', priority: 0 },
      ],
    );
    expect(checkSurvivability({ ...mixed, policy: DEFAULT_POLICY, k: 1, kinds: ['blade'] }).kinds[0]!.method).toBe(
      'planner',
    );
    const pinned = workloads.map((w) => ({ ...w, requirements: { memoryGiB: 128, cpuArch: 'x86_64' } }));
    const report = checkSurvivability({ blades, workloads: pinned, policy: DEFAULT_POLICY, k: 1, kinds: ['blade'] });
    expect(report.unprotected).toEqual([{ workload: 'w0', priority: 0, blade: 'b0', needs: 'cpuArch x86_64' }]);
    expect(report.verdict).toBe(
      'does not survive blade b0 (w0 priority 0 has no cpuArch x86_64 standby left); unprotected: w0 (priority 0, needs cpuArch x86_64)',
    );
  });
});
