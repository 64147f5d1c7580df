// Driver ports that log every call they make (a `driver call` line, at the moment it is issued), so a
// test can show from the process's own log that it touched no hardware after it lost its lease.
import type { DriverPorts } from '../../src/orchestrator/lease-guard.js';

export function logDriverCalls(ports: DriverPorts, say: (entry: object) => void): DriverPorts {
  return {
    hardware: logged(ports.hardware, 'hardware', say),
    workloads: logged(ports.workloads, 'workloads', say),
    storage: logged(ports.storage, 'storage', say),
  };
}

function logged<T extends object>(port: T, name: string, say: (entry: object) => void): T {
  return new Proxy(port, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      // subscribe and endpointOf (which service answers for a blade, a local lookup) reach no hardware.
      if (
        typeof value !== 'function' ||
        typeof property !== 'string' ||
        property === 'subscribe' ||
        property === 'endpointOf'
      ) {
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      }
      return (...args: unknown[]): unknown => {
        say({ level: 'debug', msg: 'driver call', call: `${name}.${property}`, args });
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
