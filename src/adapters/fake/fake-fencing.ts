// Fencing devices over the fake world, addressed by blade id: a PDU outlet per blade and a SAN that unmaps a blade's
// boot LUNs. Each can be made to fail as real devices do: not answering, or answering "done" and doing nothing.
import type { FenceDevice, FenceLevel, FenceReading } from '../../ports/fencing.js';
import type { FakeWorld } from './world.js';

export type FakeFenceMode = 'ok' | 'unreachable' | 'ignore';

abstract class FakeFence implements FenceDevice {
  abstract readonly level: FenceLevel;
  /** How it answers now; tests change it. */
  mode: FakeFenceMode = 'ok';

  constructor(
    readonly name: string,
    protected readonly world: FakeWorld,
  ) {}

  protected known(blade: string): void {
    if (this.mode === 'unreachable') throw new Error(`${this.name}: ${blade}: device not reachable`);
    if (!this.world.blade(blade)) throw new Error(`${this.name}: ${blade}: unknown`);
  }

  abstract read(blade: string): Promise<FenceReading>;
  abstract fence(blade: string): Promise<string>;
}

export class FakePdu extends FakeFence {
  readonly level = 'pdu' as const;

  async read(blade: string): Promise<FenceReading> {
    this.known(blade);
    const off = this.world.blade(blade)?.outletOff === true;
    return { fenced: off, shows: `outlet of ${blade} ${off ? 'Off' : 'On'}` };
  }

  async fence(blade: string): Promise<string> {
    this.known(blade);
    if (this.mode === 'ok') this.world.setOutlet(blade, 'off');
    return 'outlet off accepted';
  }
}

export class FakeSan extends FakeFence {
  readonly level = 'storage' as const;

  async read(blade: string): Promise<FenceReading> {
    this.known(blade);
    const mapped = this.world.attachedOn(blade);
    return {
      fenced: mapped.length === 0,
      shows: mapped.length === 0 ? `${blade} sees no LUN` : `${blade} sees ${mapped.join(', ')}`,
    };
  }

  async fence(blade: string): Promise<string> {
    this.known(blade);
    const mapped = this.world.attachedOn(blade);
    if (this.mode === 'ok') for (const w of mapped) this.world.revokeStorage(w);
    return `unmapped ${mapped.length} LUN(s)`;
  }
}
