// The `bmc` fencing level: the blade's own management controller (Redfish, IPMI, the emulator) powers it off,
// confirmed by reading its power state back. It shares the blade's fate: a hung BMC can confirm nothing.
import type { FenceDevice, FenceReading } from '../ports/fencing.js';
import type { HardwarePort } from '../ports/hardware.js';

export class BmcFence implements FenceDevice {
  readonly level = 'bmc' as const;
  readonly name = 'bmc';

  constructor(private readonly hardware: HardwarePort) {}

  async read(blade: string): Promise<FenceReading> {
    const status = await this.hardware.status(blade);
    return { fenced: status.power === 'off', shows: `${blade} PowerState ${status.power}` };
  }

  async fence(blade: string): Promise<string> {
    await this.hardware.setPower(blade, 'off');
    return `${blade}: power off accepted`;
  }
}
