// Faults of the emulated fencing devices, kept apart from the blades' own: an enclosure manager, a PDU or the SAN that
// does not answer for a blade, or that answers "done" and does nothing (so its read back disagrees).
import { z } from 'zod';

export const FENCE_DEVICE_LEVELS = ['enclosure', 'pdu', 'storage'] as const;
export type FenceDeviceLevel = (typeof FENCE_DEVICE_LEVELS)[number];
export const FENCE_FAULTS = ['none', 'unreachable', 'ignore'] as const;
export type FenceFault = (typeof FENCE_FAULTS)[number];

export const fenceFaultBody = z.strictObject({ fault: z.enum(FENCE_FAULTS) });

export class FenceFaults {
  readonly #faults = new Map<string, Exclude<FenceFault, 'none'>>();

  set(level: FenceDeviceLevel, blade: string, fault: FenceFault): void {
    if (fault === 'none') this.#faults.delete(`${level}/${blade}`);
    else this.#faults.set(`${level}/${blade}`, fault);
  }

  of(level: FenceDeviceLevel, blade: string): FenceFault {
    return this.#faults.get(`${level}/${blade}`) ?? 'none';
  }

  clear(): void {
    this.#faults.clear();
  }
}
