// The StoragePort contract: every storage and identity driver (the fake, a SAN driver) runs this suite against itself.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectRejectionNaming } from './contract-support.js';
import type { StoragePort } from './storage.js';

export interface StorageSetup {
  readonly port: StoragePort;
  readonly workload: string;
  /** Two blades its storage may be mapped to. */
  readonly blades: readonly [string, string];
  cleanup(): Promise<void>;
}

export function storageContract(name: string, setup: () => Promise<StorageSetup>): void {
  describe(`StoragePort contract: ${name}`, () => {
    let h: StorageSetup | undefined;
    const ctx = (): StorageSetup => {
      if (!h) throw new Error('setup did not run');
      return h;
    };

    beforeEach(async () => {
      h = await setup();
    });
    afterEach(async () => {
      await h?.cleanup();
      h = undefined;
    });

    it('attach maps the storage to the blade', async () => {
      const { port, workload, blades } = ctx();
      await port.attach(workload, blades[0]);
      expect(await port.attachedTo(workload)).toBe(blades[0]);
    });

    it('attach to another blade moves the mapping there', async () => {
      const { port, workload, blades } = ctx();
      await port.attach(workload, blades[0]);
      await port.attach(workload, blades[1]);
      expect(await port.attachedTo(workload)).toBe(blades[1]);
    });

    it('attach is idempotent', async () => {
      const { port, workload, blades } = ctx();
      await port.attach(workload, blades[1]);
      await port.attach(workload, blades[1]);
      expect(await port.attachedTo(workload)).toBe(blades[1]);
    });

    it('knows no mapping for a workload it never attached', async () => {
      expect(await ctx().port.attachedTo('no-such-workload-7f3a')).toBeNull();
    });

    it('refuses an unknown blade with an error that names it', async () => {
      const { port, workload, blades } = ctx();
      await port.attach(workload, blades[0]);
      await expectRejectionNaming(port.attach(workload, 'no-such-blade-7f3a'), 'no-such-blade-7f3a');
      expect(await port.attachedTo(workload)).toBe(blades[0]);
    });
  });
}
