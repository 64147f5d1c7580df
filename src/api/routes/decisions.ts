// "Why this blade?" for one transfer: the fit of the blade chosen and of the runners-up with the reason each lost,
// as the planner recorded them; with replay, the round recomputed from its stored snapshot, under another policy too.
import { z } from 'zod';
import type { ApiContext } from '../context.js';
import { creationEvent } from '../decision-log.js';
import { decisionExclusions } from '../decision-exclusions.js';
import { ApiError } from '../errors.js';
import { route, type AnyRoute } from '../route-kit.js';
import { replayEvent, type Replay } from '../../orchestrator/round-record.js';
import { exclusionsView, fit, idParams, placement, policyPatch, policyView, transferKinds } from '../schemas.js';

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
  /**
   * The blades that were no target when the round decided, from its stored snapshot: counts per reason (running ones
   * included), and each one not simply running a workload with why. `available` is false when the round is not
   * stored, and `reason` says why; counts and blades are then empty.
   */
  excluded: exclusionsView.extend({ available: z.boolean(), reason: z.string().nullable() }),
});

const outcomeView = z.union([
  z.object({ type: z.literal('start'), placement, drain: z.boolean(), proposal: z.number().nullable() }),
  z.object({ type: z.literal('propose'), placement }),
  z.object({ type: z.literal('pending'), reason: z.string(), detail: z.string() }),
  z.object({ type: z.literal('none') }),
]);

export const replayView = z.object({
  /** False when the round was not stored (an older controller) or is gone; `reason` says which. */
  available: z.boolean(),
  reason: z.string().nullable(),
  round: z.object({ hash: z.string(), now: z.number() }).nullable(),
  /** The recomputed decision equals the recorded one (it must: a round is a pure function of its snapshot). */
  identical: z.boolean().nullable(),
  outcome: outcomeView.nullable(),
  policy: policyView.nullable(),
  /** What the other policy would have done in the same round. */
  alternative: z.object({ policy: policyView, outcome: outcomeView }).nullable(),
});

const decisionQuery = z.object({
  replay: z.enum(['0', '1', 'true', 'false'], { error: 'expected 1 or 0' }).optional(),
});
const replayBody = z.object({ policy: policyPatch.optional() });

function replayAnswer(r: Replay): Record<string, unknown> {
  if (!r.available)
    return {
      available: false,
      reason: r.reason,
      round: null,
      identical: null,
      outcome: null,
      policy: null,
      alternative: null,
    };
  return {
    available: true,
    reason: null,
    round: r.round,
    identical: r.identical,
    outcome: r.outcome,
    policy: r.policy,
    alternative: r.alternative,
  };
}

export function decisionRoutes(ctx: ApiContext): AnyRoute[] {
  return [
    route({
      id: 'getTransferDecision',
      method: 'GET',
      path: '/api/v1/transfers/:id/decision',
      access: 'viewer',
      tag: 'transfers',
      summary:
        'Why this blade? The fit of the blade chosen for a transfer and of the runners-up, with the reason each lost',
      params: idParams,
      query: decisionQuery,
      responses: {
        200: {
          description: 'The decision; with replay=1 also the round recomputed from its stored snapshot',
          schema: decisionView.extend({ replay: replayView.optional() }),
        },
      },
      async handle({ params, query }) {
        const t = await ctx.store.transfer(params.id);
        if (!t) throw new ApiError(404, 'not-found', `unknown transfer ${params.id}`, 'params.id');
        const event = await creationEvent(ctx.store, ctx.tail.head(), t);
        const replay =
          query.replay === '1' || query.replay === 'true'
            ? {
                replay: replayAnswer(
                  event
                    ? await replayEvent(ctx.store, event)
                    : { available: false, reason: 'the log no longer holds the decision' },
                ),
              }
            : {};
        const recorded = event ? runnersUp.safeParse(event.data['runnersUp']) : null;
        const proposal = event?.data['proposal'];
        const state = await ctx.state();
        const excluded = await decisionExclusions(ctx.store, event, (b) => state.bladeById.get(b)?.location);
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
            excluded,
            ...replay,
          },
        };
      },
    }),
    route({
      id: 'replayTransferDecision',
      method: 'POST',
      path: '/api/v1/transfers/:id/decision/replay',
      access: 'viewer',
      tag: 'transfers',
      summary:
        'Replays the round that started a transfer from its stored snapshot and shows what another policy (a patch over the one of the time) would have done',
      params: idParams,
      body: replayBody,
      responses: { 200: { description: "The replay, beside the other policy's outcome", schema: replayView } },
      async handle({ params, body }) {
        const t = await ctx.store.transfer(params.id);
        if (!t) throw new ApiError(404, 'not-found', `unknown transfer ${params.id}`, 'params.id');
        const event = await creationEvent(ctx.store, ctx.tail.head(), t);
        if (!event) return { body: replayAnswer({ available: false, reason: 'the log no longer holds the decision' }) };
        const other =
          body.policy === undefined
            ? undefined
            : Object.fromEntries(Object.entries(body.policy).filter(([, v]) => v !== undefined));
        return { body: replayAnswer(await replayEvent(ctx.store, event, other)) };
      },
    }),
  ];
}
