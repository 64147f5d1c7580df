// The HardwarePort contract: every driver (the fakes, Redfish, IPMI, the emulator) runs this suite against itself.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, expectRejectionNaming, pause } from './contract-support.js';
import type { BladeStatus, HardwareEvent, HardwarePort, PowerState } from './hardware.js';

export interface HardwareSetup {
  readonly port: HardwarePort;
  /** Blades the suite may power off and on; it uses the first, and checks inventory lists them all. */
  readonly bladeIds: readonly string[];
  cleanup(): Promise<void>;
  /** Cuts the link to the blade's controller; without it the unreachable case is skipped. */
  makeUnreachable?(id: string): Promise<void>;
  /** How long a power change may take to show in status; default 10 s. */
  readonly powerDeadlineMs?: number;
}

const UNKNOWN = 'no-such-blade-7f3a';

export function hardwareContract(name: string, setup: () => Promise<HardwareSetup>): void {
  describe(`HardwarePort contract: ${name}`, () => {
    let h: HardwareSetup | undefined;
    const ctx = (): HardwareSetup => {
      if (!h) throw new Error('setup did not run');
      return h;
    };
    const deadline = (): number => ctx().powerDeadlineMs ?? 10_000;
    const blade = (): string => {
      const id = ctx().bladeIds[0];
      if (id === undefined) throw new Error('the contract needs at least one blade');
      return id;
    };
    const powerBecomes = (power: PowerState): Promise<BladeStatus> =>
      eventually(
        () => ctx().port.status(blade()),
        (s) => s.power === power,
        deadline(),
        `${blade()} power ${power}`,
      );

    beforeEach(async () => {
      h = await setup();
    });
    afterEach(async () => {
      await h?.cleanup();
      h = undefined;
    });

    it('lists every blade with its resources', async () => {
      const inventory = await ctx().port.inventory();
      const ids = inventory.map((b) => b.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ctx().bladeIds) {
        const found = inventory.find((b) => b.id === id);
        expect(found, `inventory lists ${id}`).toBeDefined();
        const resources = Object.entries(found?.resources ?? {});
        expect(resources.length, `${id} has resources`).toBeGreaterThan(0);
        for (const [key, value] of resources) {
          if (typeof value === 'number') expect(value, `${id}.${key}`).toBeGreaterThanOrEqual(0);
          else expect(typeof value, `${id}.${key}`).toBe('string');
        }
      }
    });

    it('reports power and health', async () => {
      const status = await ctx().port.status(blade());
      expect(['on', 'off', 'unknown']).toContain(status.power);
      expect(['ok', 'warning', 'critical', 'unreachable']).toContain(status.health);
    });

    it('powers a blade off, then on again, as status shows within the deadline', async () => {
      await ctx().port.setPower(blade(), 'off');
      await powerBecomes('off');
      await ctx().port.setPower(blade(), 'on');
      await powerBecomes('on');
      // Asking for the state it already has is accepted and changes nothing.
      await ctx().port.setPower(blade(), 'on');
      expect((await ctx().port.status(blade())).power).toBe('on');
    });

    it('announces power changes as events, and stops once unsubscribed', async () => {
      await ctx().port.setPower(blade(), 'on');
      await powerBecomes('on');
      const events: HardwareEvent[] = [];
      const stop = ctx().port.subscribe((event) => events.push(event));
      const heard = (power: PowerState) => () =>
        Promise.resolve(events.some((e) => e.kind === 'power' && e.blade === blade() && e.power === power));
      await ctx().port.setPower(blade(), 'off');
      await eventually(heard('off'), (yes) => yes, deadline(), `event: ${blade()} off`);
      await ctx().port.setPower(blade(), 'on');
      await eventually(heard('on'), (yes) => yes, deadline(), `event: ${blade()} on`);
      stop();
      const count = events.length;
      await ctx().port.setPower(blade(), 'off');
      await powerBecomes('off');
      await pause(100);
      expect(events.length, 'no events after unsubscribing').toBe(count);
      await ctx().port.setPower(blade(), 'on');
      await powerBecomes('on');
    });

    it('refuses an unknown blade with an error that names it', async () => {
      await expectRejectionNaming(ctx().port.status(UNKNOWN), UNKNOWN);
      await expectRejectionNaming(ctx().port.setPower(UNKNOWN, 'off'), UNKNOWN);
    });

    it('refuses an unreachable blade with an error that names it', async (test) => {
      const h = ctx();
      if (!h.makeUnreachable) return test.skip('this implementation cannot make a blade unreachable on demand');
      await h.makeUnreachable(blade());
      await expectRejectionNaming(ctx().port.status(blade()), blade());
      await expectRejectionNaming(ctx().port.setPower(blade(), 'off'), blade());
    });
  });
}
