// Manual overrides, as Pacemaker operators have them (`stonith_admin --confirm`, `crm resource cleanup`): an
// operator vouches that a blade is off so a failover waiting on its fence proceeds, or makes the detector forget a
// stale verdict. Each is recorded with the operator's name and reason.
import type { NewAuditEvent } from '../ports/store.js';
import { ActionError } from './action-error.js';
import { mustBlade, type ControllerContext } from './controller-context.js';

export class Overrides {
  constructor(
    private readonly c: ControllerContext,
    /** The blade reconciler's forget(): what the detector concluded about the blade, and its alarms. */
    private readonly forgetVerdict: (blade: string) => NewAuditEvent[],
  ) {}

  /**
   * The operator checked that the blade is off (pulled the plug, looked at the PDU). Only for a failed blade: its
   * failover's fence step succeeds on this word (level "operator") and the failover proceeds.
   */
  async confirmFence(blade: string, reason: string, actor: string): Promise<{ readonly transfers: string[] }> {
    const { c } = this;
    const { store } = c.o;
    return c.serial(async () => {
      const b = await mustBlade(store, blade);
      if (b.state !== 'failed')
        throw new ActionError('conflict', `blade ${blade} is ${b.state}; only a failed blade's fence can be confirmed`);
      const at = c.o.clock.now();
      c.fenceConfirmations.set(blade, { by: actor, reason, at });
      const waiting = (await store.transfers({ open: true })).filter((t) => t.kind === 'failover' && t.from === blade);
      await store.commit({
        events: [c.event(actor, 'fence.confirmed', blade, { reason, transfers: waiting.map((t) => t.id) })],
      });
      c.log({ level: 'warn', msg: `fence of ${blade} confirmed by ${actor}: ${reason}` });
      for (const t of waiting) c.queue.add(`transfer:${t.id}`);
      return { transfers: waiting.map((t) => t.id) };
    });
  }

  /**
   * Forgets a stale verdict (suspect, degraded, credentials) after the operator checked the blade; the next
   * observation decides afresh. A failed blade is repaired, not cleared.
   */
  async clear(blade: string, reason: string, actor: string): Promise<void> {
    const { c } = this;
    const { store } = c.o;
    return c.serial(async () => {
      const b = await mustBlade(store, blade);
      if (b.state === 'failed')
        throw new ActionError('conflict', `blade ${blade} is failed; repair it instead of clearing it`);
      const { verdict: _verdict, verdictReason: _reason, ...rest } = b;
      const events = [
        ...this.forgetVerdict(blade),
        c.event(actor, 'blade.cleared', blade, { reason, verdict: b.verdict ?? null }),
      ];
      await store.commit({ blades: [rest], events });
      c.queue.add(`blade:${blade}`);
      c.queue.add('plan');
    });
  }
}
