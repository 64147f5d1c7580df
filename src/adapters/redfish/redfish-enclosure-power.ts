// The power of the enclosure a blade sits in: its System's Blade chassis (Links.Chassis), the Enclosure that contains
// that chassis (Links.ContainedBy), and the Enclosure's PowerState. Only a containing chassis counts: a blade's own
// chassis (and a rack server's) reads Off whenever the blade is off, which every standby blade is.
import type { PowerState } from '../../ports/hardware.js';
import type { RedfishClient } from './redfish-client.js';
import { parseAs } from './redfish-parse.js';
import { chassisSchema, type RedfishSystem } from './redfish-schemas.js';

const POWER: Readonly<Record<string, PowerState>> = { On: 'on', Off: 'off', PoweringOn: 'off', PoweringOff: 'on' };

/**
 * A blade that is on proves its enclosure has power, so only a blade that reads off has its enclosure read, and read
 * afresh: an answer kept from before the blade went dark could say a chassis that just lost power still has it. Reads
 * of one enclosure at once are shared. The blade -> enclosure chain is learnt once per blade and kept (blades do not
 * move between enclosures while the service runs; a chain that fails to read is learnt again).
 */
export class EnclosurePower {
  /** A blade's own chassis path -> the enclosure path that contains it (null: it sits in none). */
  readonly #enclosureOf = new Map<string, string | null>();
  readonly #reads = new Map<string, Promise<PowerState | undefined>>();

  constructor(private readonly client: RedfishClient) {}

  /** The enclosure's power, or undefined when the service does not say (no enclosure, no PowerState, no answer). */
  async of(system: RedfishSystem, blade: string): Promise<PowerState | undefined> {
    const own = system.Links?.Chassis?.[0]?.['@odata.id'];
    if (!own) return undefined;
    try {
      const enclosure = await this.#enclosure(own, blade);
      if (enclosure === null) return undefined;
      return POWER[system.PowerState ?? ''] === 'on' ? 'on' : await this.#power(enclosure, blade);
    } catch {
      // An enclosure that cannot be read says nothing about the blade's own status: its power stays unknown.
      this.#enclosureOf.delete(own);
      return undefined;
    }
  }

  async #enclosure(own: string, blade: string): Promise<string | null> {
    const known = this.#enclosureOf.get(own);
    if (known !== undefined) return known;
    const chassis = parseAs(chassisSchema, await this.client.get(own, { blade }), own, this.client.name, { blade });
    const parent = chassis.Links?.ContainedBy?.['@odata.id'] ?? null;
    this.#enclosureOf.set(own, parent);
    return parent;
  }

  #power(enclosure: string, blade: string): Promise<PowerState | undefined> {
    const running = this.#reads.get(enclosure);
    if (running) return running;
    const power = this.client.get(enclosure, { blade }).then((body) => {
      const parsed = parseAs(chassisSchema, body, enclosure, this.client.name, { blade });
      return POWER[parsed.PowerState ?? ''];
    });
    this.#reads.set(enclosure, power);
    const done = (): void => {
      if (this.#reads.get(enclosure) === power) this.#reads.delete(enclosure);
    };
    power.then(done, done);
    return power;
  }
}
