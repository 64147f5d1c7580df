// Driver ports that refuse to act once this controller's lease ran out: a deposed leader touches no hardware.
import type { HardwarePort } from '../ports/hardware.js';
import type { StoragePort } from '../ports/storage.js';
import type { WorkloadPort } from '../ports/workloads.js';
import type { FencingTopology } from './fence-levels.js';
import { NotLeaderError, type Term } from './leadership.js';

export interface DriverPorts {
  readonly hardware: HardwarePort;
  readonly workloads: WorkloadPort;
  readonly storage: StoragePort;
}

/**
 * Every driver call first checks the term by the local monotonic clock. Hardware takes no fencing
 * token (Redfish, IPMI and libvirt have none), so this check is the fence for side effects: a leader
 * frozen past its lease (SIGSTOP, a VM pause, a long GC) finds its lease gone on the very next call,
 * before it powers anything. What it cannot cover is a call already on the wire when the freeze
 * began; the steps being idempotent and fence-before-start keep that one call from doing harm twice.
 * Subscriptions pass through: events only queue work, and the work is guarded.
 */
export function guardPorts(ports: DriverPorts, term: Term, onExpired: (term: Term) => void): DriverPorts {
  const check = (what: string): void => {
    if (term.holds()) return;
    onExpired(term);
    throw new NotLeaderError(what);
  };
  return {
    // endpointOf is a local lookup of which service answers for a blade: no side effect to fence.
    hardware: guard(ports.hardware, 'hardware', check, ['subscribe', 'endpointOf']),
    workloads: guard(ports.workloads, 'workloads', check, []),
    storage: guard(ports.storage, 'storage', check, []),
  };
}

/** The fencing devices too: a deposed leader powers off no bay and unbinds no initiator. */
export function guardFencing(fencing: FencingTopology, term: Term, onExpired: (term: Term) => void): FencingTopology {
  const check = (what: string): void => {
    if (term.holds()) return;
    onExpired(term);
    throw new NotLeaderError(what);
  };
  return (blade) =>
    fencing(blade).map((level) => ({
      ...level,
      device: guard(level.device, `fencing ${level.device.name}`, check, []),
    }));
}

function guard<T extends object>(
  port: T,
  name: string,
  check: (what: string) => void,
  unguarded: readonly string[],
): T {
  return new Proxy(port, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const bound = (value as (...args: unknown[]) => unknown).bind(target);
      if (typeof property !== 'string' || unguarded.includes(property)) return bound;
      return (...args: unknown[]): unknown => {
        try {
          check(`${name}.${property}`);
        } catch (error) {
          return Promise.reject(error);
        }
        return bound(...args);
      };
    },
  });
}
