// StoragePort on a FakeWorld: the SAN maps a workload's boot LUN and identity to one blade at a time.
import type { StoragePort } from '../../ports/storage.js';
import type { FakeWorld } from './world.js';

export class FakeStorage implements StoragePort {
  constructor(private readonly world: FakeWorld) {}

  /** Works for an unreachable blade too: the mapping lives in the SAN, not on the blade. */
  async attach(workload: string, blade: string): Promise<void> {
    if (!this.world.blade(blade))
      throw this.world.refuse('attach', 'unknown-blade', `blade ${blade}: unknown`, blade, workload);
    if (!this.world.workload(workload))
      throw this.world.refuse('attach', 'unknown-workload', `workload ${workload}: unknown`, blade, workload);
    this.world.attach(workload, blade);
  }

  async attachedTo(workload: string): Promise<string | null> {
    return this.world.attachedTo(workload);
  }
}
