// Checks the simulated data center against DESIGN section 5's invariant and the simulator's own indexes; tests call it after every step.
import { isExact } from '../core/fit.js';
import type { SimState } from './sim-state.js';

/** Every violation found, in words; empty when the state is consistent. O(blades + workloads): for tests, not for every step of a large run. */
export function checkInvariants(state: SimState): string[] {
  const problems: string[] = [];
  const hosts = new Map<string, string>();
  for (const workload of state.workloads.values()) {
    const id = workload.id;
    const flight = state.inFlight.get(id);
    const occupies =
      workload.state === 'running' || (workload.state === 'transferring' && flight?.record.kind === 'cascade');
    if (occupies) {
      if (workload.blade === null) {
        problems.push(`${id} is ${workload.state} but on no blade`);
        continue;
      }
      const other = hosts.get(workload.blade);
      if (other !== undefined) problems.push(`${workload.blade} hosts both ${other} and ${id}`);
      hosts.set(workload.blade, id);
      const blade = state.blades.get(workload.blade);
      if (blade?.state !== 'active')
        problems.push(`${id} runs on ${workload.blade}, which is ${blade?.state ?? 'unknown'}`);
      if (state.hostOf.get(workload.blade) !== id) problems.push(`hostOf(${workload.blade}) is not ${id}`);
      const candidate = workload.state === 'running' && workload.fit !== null && !isExact(workload.fit);
      if (candidate !== state.candidates.has(id)) problems.push(`${id}: candidate set out of date`);
    } else if (workload.blade !== null) {
      problems.push(`${id} is ${workload.state} but still on ${workload.blade}`);
    }
    if (workload.state === 'transferring' && flight === undefined)
      problems.push(`${id} is transferring without a transfer`);
    if (workload.state !== 'transferring' && flight !== undefined)
      problems.push(`${id} is ${workload.state} with a transfer in flight`);
    if ((workload.state === 'pending') !== state.pending.has(id)) problems.push(`${id}: pending set out of date`);
  }
  if (hosts.size !== state.hostOf.size)
    problems.push(`hostOf has ${state.hostOf.size} blades, workloads occupy ${hosts.size}`);

  for (const [workloadId, flight] of state.inFlight) {
    const target = flight.record.to;
    const blade = state.blades.get(target);
    if (blade?.state !== 'active')
      problems.push(`${workloadId} is heading to ${target}, which is ${blade?.state ?? 'unknown'}`);
    if (state.targetOf.get(target) !== workloadId) problems.push(`targetOf(${target}) is not ${workloadId}`);
    const host = hosts.get(target);
    if (host !== undefined) problems.push(`${target} hosts ${host} and is the target of ${workloadId}`);
  }
  if (state.targetOf.size !== state.inFlight.size)
    problems.push(`${state.targetOf.size} targets for ${state.inFlight.size} transfers`);

  for (const blade of state.blades.values()) {
    if ((blade.state === 'standby') !== state.pool.has(blade.id))
      problems.push(`${blade.id} is ${blade.state}; pool out of date`);
  }
  if (state.maintenanceRequested.size > 0) {
    for (const id of state.maintenanceRequested) {
      if (state.blades.get(id)?.state !== 'active') problems.push(`${id} awaits maintenance but is not active`);
    }
  }
  return problems;
}
