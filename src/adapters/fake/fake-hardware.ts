// HardwarePort on a FakeWorld: power changes are accepted at once and show in status later, as with Redfish.
import type { BladeInventory, BladeStatus, HardwareEvent, HardwarePort, PowerState } from '../../ports/hardware.js';
import type { FakeWorld } from './world.js';

export class FakeHardware implements HardwarePort {
  constructor(private readonly world: FakeWorld) {}

  /** Every blade, reachable or not: the inventory comes from the chassis, not from each blade's controller. */
  async inventory(): Promise<BladeInventory[]> {
    const blades: BladeInventory[] = [];
    for (const id of this.world.bladeIds()) {
      const blade = this.world.blade(id);
      if (!blade) continue;
      blades.push(
        blade.location
          ? { id, resources: blade.resources, location: blade.location }
          : { id, resources: blade.resources },
      );
    }
    return blades;
  }

  async status(blade: string): Promise<BladeStatus> {
    await this.world.reach('status', blade);
    const seen = this.world.blade(blade);
    // It may have been removed while the call was in flight.
    if (!seen) throw this.world.refuse('status', 'unknown-blade', `blade ${blade}: unknown`, blade, null);
    return { power: seen.power, health: seen.health };
  }

  async setPower(blade: string, power: PowerState): Promise<void> {
    await this.world.reach('setPower', blade);
    if (!this.world.blade(blade))
      throw this.world.refuse('setPower', 'unknown-blade', `blade ${blade}: unknown`, blade, null);
    this.world.requestPower(blade, power);
  }

  subscribe(listener: (event: HardwareEvent) => void): () => void {
    return this.world.onEvent(listener);
  }
}
