// The FenceDevice contract: every fencing level (the emulated BMC, enclosure, PDU and SAN over Redfish, a real tgtd)
// runs this suite against itself.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, expectRejectionNaming } from './contract-support.js';
import type { FenceDevice, FenceReading } from './fencing.js';

export interface FenceSetup {
  readonly device: FenceDevice;
  /** The address of a blade that is running and not fenced; the suite fences it. */
  readonly address: string;
  /** An address the device does not know (a misconfigured level). */
  readonly unknown: string;
  /**
   * A check that does not go through the device: whether the blade is really cut off (the emulated world's power or
   * storage, an initiator's login to the real target). The proof that a confirmation means what it says.
   */
  cutOff(): Promise<boolean>;
  cleanup(): Promise<void>;
  /** How long a fence may take to show in read(); default 10 s. */
  readonly deadlineMs?: number;
}

export function fenceContract(name: string, setup: () => Promise<FenceSetup>): void {
  describe(`FenceDevice contract: ${name}`, () => {
    let h: FenceSetup | undefined;
    const ctx = (): FenceSetup => {
      if (!h) throw new Error('setup did not run');
      return h;
    };
    const fencedWithin = (): Promise<FenceReading> =>
      eventually(
        () => ctx().device.read(ctx().address),
        (r) => r.fenced,
        ctx().deadlineMs ?? 10_000,
        `${ctx().address} fenced`,
      );

    beforeEach(async () => {
      h = await setup();
    });
    afterEach(async () => {
      await h?.cleanup();
      h = undefined;
    });

    it('reads a live blade as not fenced, and reading changes nothing', async () => {
      const { device, address } = ctx();
      const first = await device.read(address);
      expect(first.fenced).toBe(false);
      expect(first.shows.length, 'the reading says what it saw').toBeGreaterThan(0);
      expect((await device.read(address)).fenced).toBe(false);
      expect(await ctx().cutOff(), 'a read cuts nothing off').toBe(false);
    });

    it('fences the blade, as its read back and an independent check show', async () => {
      const { device, address } = ctx();
      const answer = await device.fence(address);
      expect(answer.length, 'the device says what it answered').toBeGreaterThan(0);
      const reading = await fencedWithin();
      expect(reading.shows.length).toBeGreaterThan(0);
      expect(await ctx().cutOff(), 'really cut off').toBe(true);
    });

    it('accepts a fence of a blade already fenced, and it stays fenced', async () => {
      const { device, address } = ctx();
      await device.fence(address);
      await fencedWithin();
      await device.fence(address);
      expect((await device.read(address)).fenced).toBe(true);
      expect(await ctx().cutOff()).toBe(true);
    });

    it('refuses an unknown address with an error that names it, and fences nothing', async () => {
      const { device, unknown } = ctx();
      await expectRejectionNaming(device.read(unknown), unknown);
      await expectRejectionNaming(device.fence(unknown), unknown);
      expect(await ctx().cutOff()).toBe(false);
    });
  });
}
