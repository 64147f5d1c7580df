// The cascade candidates of a state (the patent's Table 3), without planning a round: `cascade plan` lists them
// before it decides anything, and a round of the solver only to read its candidate list cost a second round.
import type { Candidate } from './cascade.js';
import { isExact } from './fit.js';
import { floorsOf } from './floors.js';
import type { Blade, Policy, Workload } from './model.js';
import { FitMemo } from './shape.js';

/** Running workloads on active blades that do not fit them exactly, in workload-id order, as planCascade lists them. */
export function findCandidates(
  blades: readonly Blade[],
  workloads: readonly Workload[],
  policy: Policy,
  frozen?: ReadonlySet<string>,
  memo: FitMemo = new FitMemo(policy.weights),
): Candidate[] {
  const bladeById = new Map(blades.map((b) => [b.id, b]));
  const out: Candidate[] = [];
  for (const workload of [...workloads].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    if (workload.state !== 'running' || workload.blade === null) continue;
    const blade = bladeById.get(workload.blade);
    if (blade?.state !== 'active') continue;
    const fit = memo.fit(blade.resources, workload.requirements, floorsOf(workload, policy));
    if (isExact(fit)) continue;
    const held = (frozen?.has(workload.id) ?? false) || workload.pinned === true;
    out.push({ workload: workload.id, blade: blade.id, fit, frozen: held });
  }
  return out;
}
