// Checks a well-shaped scenario for what a schema cannot see: ids that clash, blades that do not exist yet, workloads on the wrong blade.
import type { ScenarioBlade, ScenarioEvent, ScenarioWorkload } from './scenario.js';
import type { ScenarioError } from './scenario-error.js';

/** An event with its position in the file, so errors point at what the operator wrote, not at the sorted order. */
export interface IndexedEvent {
  readonly index: number;
  readonly event: ScenarioEvent;
}

export function checkScenario(
  blades: readonly ScenarioBlade[],
  workloads: readonly ScenarioWorkload[],
  events: readonly IndexedEvent[],
): ScenarioError | null {
  return checkBlades(blades) ?? checkWorkloads(blades, workloads) ?? checkEvents(blades, workloads, events);
}

function checkBlades(blades: readonly ScenarioBlade[]): ScenarioError | null {
  const seen = new Set<string>();
  const slots = new Map<string, string>();
  for (const [i, blade] of blades.entries()) {
    if (seen.has(blade.id)) return { path: `blades[${i}].id`, message: `duplicate blade id "${blade.id}"` };
    seen.add(blade.id);
    const taken = takeSlot(slots, blade);
    if (taken !== null) return { path: `blades[${i}].location.slot`, message: taken };
  }
  return null;
}

/** A chassis slot holds one blade, as in a real enclosure; the message when `blade` lands in a taken one. */
function takeSlot(slots: Map<string, string>, blade: Pick<ScenarioBlade, 'id' | 'location'>): string | null {
  if (!blade.location) return null;
  const key = `${blade.location.chassis}\u0000${blade.location.slot}`;
  const holder = slots.get(key);
  if (holder !== undefined)
    return `slot ${blade.location.slot} of chassis "${blade.location.chassis}" already holds blade "${holder}"`;
  slots.set(key, blade.id);
  return null;
}

function checkWorkloads(
  blades: readonly ScenarioBlade[],
  workloads: readonly ScenarioWorkload[],
): ScenarioError | null {
  const byId = new Map(blades.map((blade) => [blade.id, blade]));
  const seen = new Set<string>();
  const hostOf = new Map<string, string>();
  for (const [i, workload] of workloads.entries()) {
    if (seen.has(workload.id)) return { path: `workloads[${i}].id`, message: `duplicate workload id "${workload.id}"` };
    seen.add(workload.id);
    if (workload.blade === null) continue;
    const path = `workloads[${i}].blade`;
    const blade = byId.get(workload.blade);
    if (blade === undefined) return { path, message: `unknown blade "${workload.blade}"` };
    if (blade.state !== 'active') {
      return { path, message: `blade "${blade.id}" is ${blade.state}; a workload runs only on an active blade` };
    }
    const other = hostOf.get(blade.id);
    if (other !== undefined) return { path, message: `blade "${blade.id}" already hosts workload "${other}"` };
    hostOf.set(blade.id, workload.id);
  }
  for (const [i, blade] of blades.entries()) {
    if (blade.state === 'active' && !hostOf.has(blade.id)) {
      return { path: `blades[${i}].state`, message: 'active blade hosts no workload; make it standby' };
    }
  }
  return null;
}

/** Walks the events in time order, so a blade is known only once it is added and a workload only once it is submitted. */
function checkEvents(
  blades: readonly ScenarioBlade[],
  workloads: readonly ScenarioWorkload[],
  events: readonly IndexedEvent[],
): ScenarioError | null {
  const bladeIds = new Set(blades.map((blade) => blade.id));
  const slots = new Map<string, string>();
  for (const blade of blades) takeSlot(slots, blade);
  const workloadIds = new Set(workloads.map((workload) => workload.id));
  const finishedAt = new Map<string, number>();
  const addedAt = firstTimes(events, (event) => ('add' in event ? event.add.id : null));
  const submittedAt = firstTimes(events, (event) => ('submit' in event ? event.submit.id : null));
  const unknownBlade = (id: string): string => {
    const later = addedAt.get(id);
    return later === undefined ? `unknown blade "${id}"` : `unknown blade "${id}" (it is added only at ${later})`;
  };

  for (const { index, event } of events) {
    const at = `events[${index}]`;
    if ('fail' in event && !bladeIds.has(event.fail)) return { path: `${at}.fail`, message: unknownBlade(event.fail) };
    if ('repair' in event && !bladeIds.has(event.repair))
      return { path: `${at}.repair`, message: unknownBlade(event.repair) };
    if ('maintenance' in event && !bladeIds.has(event.maintenance)) {
      return { path: `${at}.maintenance`, message: unknownBlade(event.maintenance) };
    }
    if ('add' in event) {
      if (bladeIds.has(event.add.id))
        return { path: `${at}.add.id`, message: `blade "${event.add.id}" already exists` };
      const taken = takeSlot(slots, event.add);
      if (taken !== null) return { path: `${at}.add.location.slot`, message: taken };
      if (event.add.state !== 'standby') {
        return {
          path: `${at}.add.state`,
          message: 'an added blade enters the standby pool; leave state out or make it standby',
        };
      }
      bladeIds.add(event.add.id);
    }
    if ('submit' in event) {
      if (workloadIds.has(event.submit.id))
        return { path: `${at}.submit.id`, message: `workload "${event.submit.id}" already exists` };
      if (event.submit.blade !== null) {
        return {
          path: `${at}.submit.blade`,
          message: 'a submitted workload is placed by the planner; leave blade out',
        };
      }
      workloadIds.add(event.submit.id);
    }
    if ('finish' in event) {
      const id = event.finish;
      if (!workloadIds.has(id)) {
        const later = submittedAt.get(id);
        const hint = later === undefined ? '' : ` (it is submitted only at ${later})`;
        return { path: `${at}.finish`, message: `unknown workload "${id}"${hint}` };
      }
      const finished = finishedAt.get(id);
      if (finished !== undefined)
        return { path: `${at}.finish`, message: `workload "${id}" already finished at ${finished}` };
      finishedAt.set(id, event.at);
    }
  }
  return null;
}

function firstTimes(
  events: readonly IndexedEvent[],
  idOf: (event: ScenarioEvent) => string | null,
): Map<string, number> {
  const times = new Map<string, number>();
  for (const { event } of events) {
    const id = idOf(event);
    if (id !== null && !times.has(id)) times.set(id, event.at);
  }
  return times;
}
