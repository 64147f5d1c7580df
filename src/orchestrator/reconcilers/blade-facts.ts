// What one blade observation adds to its record beyond power and health: the facts eligibility reads (Status.State,
// the enclosure's power), and the other blades of an enclosure whose power the read changed.
import type { BladeObservation } from '../../core/verdict.js';
import type { BladeRecord } from '../../ports/store.js';

/**
 * The record with what eligibility reads from this observation: Status.State and the enclosure's power as the driver
 * said them (absent when it said none); a BMC that did not answer leaves both as they were.
 */
export function withFacts(blade: BladeRecord, seen: BladeObservation): BladeRecord {
  if (seen.kind === 'error') return blade;
  const { systemState: _state, chassisPower: _power, ...rest } = blade;
  return {
    ...rest,
    ...(typeof seen.state === 'string' ? { systemState: seen.state } : {}),
    ...(seen.chassisPower === undefined ? {} : { chassisPower: seen.chassisPower }),
  };
}

/** The other blades of the same enclosure (same endpoint and chassis) whose enclosure power this read changes. */
export function enclosurePeers(blade: BladeRecord, updated: BladeRecord, all: readonly BladeRecord[]): BladeRecord[] {
  const chassis = blade.location?.chassis;
  const power = updated.chassisPower;
  if (chassis === undefined || power === undefined || power === blade.chassisPower) return [];
  return all
    .filter((b) => b.id !== blade.id && b.endpoint === blade.endpoint && b.location?.chassis === chassis)
    .filter((b) => b.chassisPower !== power)
    .map((b) => ({ ...b, chassisPower: power }));
}
