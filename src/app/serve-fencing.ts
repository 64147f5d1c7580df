// The fencing topology `cascade serve` hands the controller: the site file's levels per blade, and for the embedded
// emulator its own enclosure manager, PDUs and SAN over Redfish (the levels a scenario blade or emulator.fencing
// names). A blade with neither is fenced through its BMC alone.
import { RedfishEnclosureFence, RedfishPduFence, RedfishSanFence } from '../adapters/fencing/redfish-fences.js';
import { RedfishClient } from '../adapters/redfish/redfish-client.js';
import { initiatorOf } from '../emulator/fencing-routes.js';
import type { Emulator } from '../emulator/server.js';
import { BmcFence } from '../orchestrator/bmc-fence.js';
import type { BladeFenceLevel, FencingTopology } from '../orchestrator/fence-levels.js';
import type { FenceLevel } from '../ports/fencing.js';
import type { HardwarePort } from '../ports/hardware.js';
import type { StoragePort } from '../ports/storage.js';
import type { ServeConfig } from './config.js';
import { fencingDevices, fencingTopology } from './fencing-config.js';

export interface ServeFencing {
  readonly topology: FencingTopology | null;
  /** Boot storage through the SAN named by fencing.bootStorage; null: the default storage driver. */
  readonly bootStorage: StoragePort | null;
  close(): Promise<void>;
}

export function serveFencing(
  config: ServeConfig,
  hardware: HardwarePort,
  emulator: Emulator | null,
  scenario: ReadonlyMap<string, readonly FenceLevel[]>,
): ServeFencing {
  const section = config.fencing;
  const devices = section ? fencingDevices(section) : null;
  const site = section && devices ? fencingTopology(section, devices, hardware) : null;
  const client = emulator
    ? new RedfishClient({ url: emulator.url, ...emulator.credentials, name: 'emulator', timeoutMs: 3_000, retries: 1 })
    : null;
  const emulated =
    emulator && client ? emulatedTopology(emulator, client, hardware, scenario, config.emulator.fencing ?? null) : null;
  const topology: FencingTopology | null =
    site || emulated
      ? (blade) => {
          const own = site?.(blade) ?? [];
          return own.length > 0 ? own : (emulated?.(blade) ?? []);
        }
      : null;
  const boot = section?.bootStorage ? (devices?.byName.get(section.bootStorage)?.tgt ?? null) : null;
  return {
    topology,
    bootStorage: boot,
    close: async () => {
      await devices?.close();
      await client?.close();
    },
  };
}

/** Every emulated blade's levels at the emulator's own addresses: its chassis, its slot's outlet, its initiator. */
function emulatedTopology(
  emulator: Emulator,
  client: RedfishClient,
  hardware: HardwarePort,
  scenario: ReadonlyMap<string, readonly FenceLevel[]>,
  all: readonly FenceLevel[] | null,
): FencingTopology {
  const bmc = new BmcFence(hardware);
  const enclosure = new RedfishEnclosureFence('enclosure emulator', client);
  const pdu = new RedfishPduFence('pdu emulator', client);
  const san = new RedfishSanFence('san emulator', client);
  return (blade) => {
    const levels = scenario.get(blade) ?? all ?? [];
    const location = emulator.world.blade(blade)?.location ?? null;
    return levels.flatMap((level): BladeFenceLevel[] => {
      if (level === 'bmc') return [{ device: bmc, address: blade }];
      if (level === 'enclosure') return [{ device: enclosure, address: `Blade-${blade}` }];
      if (level === 'pdu') return location ? [{ device: pdu, address: `${location.chassis}/${location.slot}` }] : [];
      return [{ device: san, address: initiatorOf(blade) }];
    });
  };
}
