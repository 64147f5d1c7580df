// `transfer abort`: the operator's request, checked against the step log (abort.ts) under the controller's lock,
// recorded with who asked and why, and handed to the transfer's reconciler, which unwinds it at its next step.
import { ActionError } from './action-error.js';
import { whyNotAbortable } from './abort.js';
import type { ControllerContext } from './controller-context.js';

export interface AbortAnswer {
  readonly id: string;
  /** What happens next, for the operator to read. */
  readonly outcome: string;
}

export async function abortTransfer(
  c: ControllerContext,
  id: string,
  reason: string,
  actor: string,
): Promise<AbortAnswer> {
  const { store } = c.o;
  return c.serial(async () => {
    const t = await store.transfer(id);
    if (!t) throw new ActionError('not-found', `unknown transfer ${id}`);
    const why = whyNotAbortable(t);
    if (why !== null) throw new ActionError('conflict', why);
    const outcome =
      t.kind === 'cascade'
        ? `${t.workload} goes back to ${t.from ?? '-'} (or stays there); ${t.to} is powered off and returns to the pool`
        : t.kind === 'failover'
          ? `${t.workload} stays pending on ${t.from ?? '-'}, which the next failover fences first; ` +
            `${t.to} returns to the pool`
          : `${t.to} is powered off and returns to the pool; ${t.workload} is pending again`;
    c.aborts.set(id, { by: actor, reason, at: c.o.clock.now() });
    await store.commit({
      events: [c.event(actor, 'transfer.abort.requested', id, { workload: t.workload, kind: t.kind, reason, outcome })],
    });
    c.log({ level: 'warn', msg: `abort of ${id} requested by ${actor}: ${reason}`, transfer: id });
    c.queue.add(`transfer:${id}`);
    return { id, outcome };
  });
}
