// Port: the blades' management controllers (Redfish, IPMI, the emulator): inventory, health, power, events.
import type { BladeLocation, Resources } from '../core/model.js';

export interface BladeInventory {
  readonly id: string;
  readonly resources: Resources;
  readonly location?: BladeLocation;
  /** What the BMC calls it, when that says more than the id. */
  readonly name?: string;
}

export type PowerState = 'on' | 'off';

/** `unreachable`: the controller did not answer; the blade itself may be fine or dead. */
export type Health = 'ok' | 'warning' | 'critical' | 'unreachable';

export interface BladeStatus {
  readonly power: PowerState | 'unknown';
  readonly health: Health;
  /**
   * Redfish Status.State (Enabled, StandbyOffline, Absent, UnavailableOffline...) when the driver reads one;
   * absent when it cannot tell. Absent and UnavailableOffline fail a blade; power On with either is a contradiction.
   */
  readonly state?: string;
  /**
   * The power of the enclosure the blade sits in (Redfish: its Enclosure chassis' PowerState), when the driver reads
   * one; absent when it cannot tell. A blade in an enclosure without power can never be powered on: no target.
   */
  readonly chassisPower?: PowerState;
}

export type HardwareEvent =
  | { readonly kind: 'health'; readonly blade: string; readonly health: Health }
  | { readonly kind: 'power'; readonly blade: string; readonly power: PowerState }
  | { readonly kind: 'added'; readonly blade: string }
  | { readonly kind: 'removed'; readonly blade: string };

export interface HardwarePort {
  /**
   * Every blade the controllers report. Blades in `known` may be left out (the caller has them already), so a
   * periodic rediscovery costs a listing, not a read of every blade; a driver that cannot tell cheaply lists all.
   */
  inventory(known?: ReadonlySet<string>): Promise<BladeInventory[]>;
  status(blade: string): Promise<BladeStatus>;
  /**
   * Asks for the power state; resolves once the request is accepted, not once it took effect:
   * the caller confirms by reading status() (Redfish answers 202/204 and changes later).
   */
  setPower(blade: string, power: PowerState): Promise<void>;
  /**
   * The management endpoint (service) that answers for the blade, when the driver has several or names its one:
   * a whole endpoint that stops answering raises one alarm, not one per blade.
   */
  endpointOf?(blade: string): string | null;
  /** Returns the function that stops the subscription. */
  subscribe(listener: (event: HardwareEvent) => void): () => void;
}
