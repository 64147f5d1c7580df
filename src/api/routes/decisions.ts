// /api/v1/transfers/:id/decision (issue 7): "Why this blade?" for one transfer: the fit of the blade chosen and of
// the runners-up with the reason each lost, as the planner recorded them when it started the transfer.
import { z } from 'zod';
import type { ApiContext } from '../context.js';
import { creationEvent } from '../decision-log.js';
import { ApiError } from '../errors.js';
import { route, type AnyRoute } from '../route-kit.js';
import { fit, idParams, placement, transferKinds } from '../schemas.js';

const runnersUp = placement.shape.runnersUp;

export const decisionView = z.object({
  transfer: z.string(),
  kind: z.enum(transferKinds),
  workload: z.string(),
  from: z.string().nullable(),
  /** The workload's fit on `from` when the transfer started; null for a first placement. */
  before: fit.nullable(),
  chosen: z.object({ blade: z.string(), fit }),
  /** The best few blades it did not get, best first, each with why it lost. */
  runnersUp,
  /** False when the log no longer holds the decision (compacted, or written by an older controller): runnersUp is then empty. */
  recorded: z.boolean(),
  /** When the planner decided (ms since the epoch). */
  decidedAt: z.number(),
  /** The approved proposal this cascade carried out, if it was one (approved moves record no runners-up). */
  proposal: z.number().nullable(),
  /** A maintenance drain: a cascade that may lower the fit. */
  drain: z.boolean(),
});

export function decisionRoutes(ctx: ApiContext): AnyRoute[] {
  return [
    route({
      id: 'getTransferDecision',
      method: 'GET',
      path: '/api/v1/transfers/:id/decision',
      access: 'viewer',
      tag: 'transfers',
      summary: 'Why this blade? The fit of the blade chosen for a transfer and of the runners-up, with the reason each lost',
      params: idParams,
      responses: { 200: { description: 'The decision', schema: decisionView } },
      async handle({ params }) {
        const t = await ctx.store.transfer(params.id);
        if (!t) throw new ApiError(404, 'not-found', `unknown transfer ${params.id}`, 'params.id');
        const event = await creationEvent(ctx.store, ctx.tail.head(), t);
        const recorded = event ? runnersUp.safeParse(event.data['runnersUp']) : null;
        const proposal = event?.data['proposal'];
        return {
          body: {
            transfer: t.id,
            kind: t.kind,
            workload: t.workload,
            from: t.from,
            before: t.before,
            chosen: { blade: t.to, fit: t.after },
            runnersUp: recorded?.success ? recorded.data : [],
            recorded: recorded?.success === true,
            decidedAt: event?.at ?? t.createdAt,
            proposal: typeof proposal === 'number' ? proposal : null,
            drain: t.drain,
          },
        };
      },
    }),
  ];
}
