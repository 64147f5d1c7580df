// What discovery promises for any Redfish service: every System a blade with the mapped resources (docs/drivers.md),
// named and placed in its enclosure, the authentication chosen said once, and a second inventory of known blades
// that returns nothing when nothing changed. Runs against the emulator and against DMTF's published mockup.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BladeInventory } from '../../ports/hardware.js';
import type { RedfishHardware, RedfishLogEntry } from './redfish-hardware.js';

export interface DiscoverySetup {
  readonly port: RedfishHardware;
  readonly logs: RedfishLogEntry[];
  /** What the service must show, blade by blade: the fields given are compared exactly. */
  readonly expected: readonly Partial<BladeInventory>[];
  /** The authentication `auto` must settle on. */
  readonly auth: 'session' | 'basic';
  cleanup(): Promise<void>;
}

export function discoveryContract(name: string, setup: () => Promise<DiscoverySetup>): void {
  describe(`Redfish discovery: ${name}`, () => {
    let s: DiscoverySetup | undefined;
    const ctx = (): DiscoverySetup => {
      if (!s) throw new Error('setup did not run');
      return s;
    };
    beforeEach(async () => {
      s = await setup();
    });
    afterEach(async () => {
      await s?.cleanup();
      s = undefined;
    });

    it('lists every System as a blade with its mapped resources, name and slot', async () => {
      const found = await ctx().port.inventory();
      expect(found.map((b) => b.id)).toEqual(ctx().expected.map((b) => b.id));
      for (const [index, want] of ctx().expected.entries()) expect(found[index]).toMatchObject(want);
      for (const blade of found) {
        const r = blade.resources;
        expect(typeof r['memoryGiB'], `${blade.id}.memoryGiB`).toBe('number');
        // Threads are never fewer than cores: a mapping that mixed them up would show here.
        if (typeof r['cpuCount'] === 'number' && typeof r['cpuThreads'] === 'number')
          expect(r['cpuThreads']).toBeGreaterThanOrEqual(r['cpuCount']);
        expect(blade.location?.label, `${blade.id} has a slot label`).toBeTruthy();
      }
      expect(ctx().port.readiness().state).toBe('ok');
    });

    it('chooses its authentication once, and says which and why in one log line', async () => {
      await ctx().port.inventory();
      await ctx().port.inventory();
      expect(await ctx().port.auth()).toMatchObject({ mode: ctx().auth });
      const said = ctx().logs.filter((l) => /using (session|Basic) authentication/.test(l.msg));
      expect(said).toHaveLength(1);
      expect(said[0]?.msg).toContain(ctx().auth === 'session' ? 'session' : 'Basic');
    });

    it('re-reads known blades and returns none of them when nothing changed', async () => {
      const first = await ctx().port.inventory();
      const again = await ctx().port.inventory(new Set(first.map((b) => b.id)));
      expect(again).toEqual([]);
    });
  });
}
