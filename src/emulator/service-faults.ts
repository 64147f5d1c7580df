// Faults of a whole Redfish service rather than of one blade: the service stops answering for a while (its
// management controller reboots, its switch port flaps), its password is changed behind the controller's back, and a
// System reports a Status.State its blade does not have (pulled from its bay, or a BMC that contradicts itself); and an
// enclosure whose power is lost reads PowerState Off.
import type { Json } from './redfish-view.js';

export type SystemState = 'Enabled' | 'Absent' | 'UnavailableOffline' | 'StandbyOffline';

export class ServiceFaults {
  #downUntil = 0;
  readonly #states = new Map<string, { readonly state: SystemState; readonly contradictory: boolean }>();
  #setPassword: ((password: string) => void) | null = null;
  /** Enclosures that lost power, each with the blades that lost it with them. */
  readonly #unpowered = new Map<string, readonly string[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Every Redfish connection is dropped, the service root included, for the next `forMs`. */
  outage(forMs: number): void {
    this.#downUntil = this.now() + forMs;
  }

  /** Ends an outage at once. */
  restore(): void {
    this.#downUntil = 0;
  }

  isDown(): boolean {
    return this.now() < this.#downUntil;
  }

  /** The server gives the session table's password setter; the control API calls changePassword. */
  bindPassword(set: (password: string) => void): void {
    this.#setPassword = set;
  }

  /** The BMC's password changes: existing sessions end, and only the new password logs in. */
  changePassword(password: string): void {
    if (!this.#setPassword) throw new Error('no session table bound');
    this.#setPassword(password);
  }

  /**
   * The System reports this State until set back to Enabled. Absent or UnavailableOffline read with PowerState
   * Off, as a pulled blade does; `contradictory` keeps PowerState On (a confused BMC).
   */
  setState(blade: string, state: SystemState, contradictory = false): void {
    if (state === 'Enabled') this.#states.delete(blade);
    else this.#states.set(blade, { state, contradictory });
  }

  /**
   * The enclosure lost power with these blades. It reads Off until one of them is repaired: a blade that can power on
   * again means the enclosure's power is back (one that still cannot has a fault of its own, and is failed for it).
   */
  losePower(chassis: string, blades: readonly string[]): void {
    this.#unpowered.set(chassis, blades);
  }

  /** The enclosure's Redfish PowerState; `refuses` says whether a blade still cannot power on (not yet repaired). */
  chassisPower(chassis: string, refuses: (blade: string) => boolean): 'On' | 'Off' {
    const blades = this.#unpowered.get(chassis);
    if (blades === undefined) return 'On';
    if (blades.every(refuses)) return 'Off';
    this.#unpowered.delete(chassis);
    return 'On';
  }

  /** The System's JSON as the fault shows it. */
  patchSystem(blade: string, system: Json): Json {
    const fault = this.#states.get(blade);
    if (!fault) return system;
    const status = (system['Status'] ?? {}) as Json;
    const gone = fault.state === 'Absent' || fault.state === 'UnavailableOffline';
    return {
      ...system,
      Status: { ...status, State: fault.state },
      ...(gone && !fault.contradictory ? { PowerState: 'Off' } : {}),
    };
  }
}
