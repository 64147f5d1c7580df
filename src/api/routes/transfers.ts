// /api/v1/transfers (list, one with its steps and timings) and /api/v1/proposals (cascades awaiting approval).
import { z } from 'zod';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { route, type AnyRoute } from '../route-kit.js';
import {
  abortBody,
  idParams,
  page,
  proposalParams,
  proposalQuery,
  proposalView,
  rejectBody,
  transferDetail,
  transferQuery,
  transferView,
} from '../schemas.js';
import { mergeSteps, toTransferView } from '../views.js';

export function transferRoutes(ctx: ApiContext): AnyRoute[] {
  return [
    route({
      id: 'listTransfers',
      method: 'GET',
      path: '/api/v1/transfers',
      access: 'viewer',
      tag: 'transfers',
      summary: 'Transfers oldest first (or newest first with order=desc), filtered, one page at a time',
      query: transferQuery,
      responses: { 200: { description: 'A page of transfers', schema: page(transferView) } },
      async handle({ query }) {
        const all = await ctx.store.transfers({
          ...(query.open === 'true' ? { open: true } : {}),
          ...(query.workload ? { workload: query.workload } : {}),
        });
        const matching = all.filter(
          (t) =>
            (query.kind === undefined || t.kind === query.kind) &&
            (query.status === undefined || t.status === query.status) &&
            (query.open !== 'false' || t.status === 'done' || t.status === 'aborted'),
        );
        if (query.order === 'desc') matching.reverse();
        // Transfers are ordered by time, not id: the cursor is the position after the named transfer.
        let start = 0;
        if (query.after !== undefined) {
          const at = matching.findIndex((t) => t.id === query.after);
          if (at < 0)
            throw new ApiError(400, 'invalid', `query.after: no transfer ${query.after} in this list`, 'query.after');
          start = at + 1;
        }
        const slice = matching.slice(start, start + query.limit);
        const more = start + query.limit < matching.length;
        const now = ctx.clock.now();
        return {
          body: {
            items: slice.map((t) => toTransferView(t, now)),
            next: more && slice.length > 0 ? slice.at(-1)!.id : null,
            total: matching.length,
          },
        };
      },
    }),
    route({
      id: 'getTransfer',
      method: 'GET',
      path: '/api/v1/transfers/:id',
      access: 'viewer',
      tag: 'transfers',
      summary: 'One transfer with every step attempt, its outcome and how long it took',
      params: idParams,
      responses: { 200: { description: 'The transfer', schema: transferDetail } },
      async handle({ params }) {
        const t = await ctx.store.transfer(params.id);
        if (!t) throw new ApiError(404, 'not-found', `unknown transfer ${params.id}`, 'params.id');
        return { body: { ...toTransferView(t, ctx.clock.now()), steps: mergeSteps(t.steps) } };
      },
    }),
    route({
      id: 'abortTransfer',
      method: 'POST',
      path: '/api/v1/transfers/:id/abort',
      access: 'operator',
      tag: 'transfers',
      summary: 'Aborts a transfer that has not left its source; it unwinds as a rollback does',
      description:
        'Before the point of no return (no live move, no restore on the target, no fence of the source) the ' +
        'transfer unwinds at its next step: the workload stays on or goes back to its source (a failover: pending ' +
        'on it), and the target is powered off and returns to the pool. Past it, 409 says why: let the transfer ' +
        'complete, then finish or move the workload. Recorded with the token name and the reason.',
      changes: true,
      params: idParams,
      body: abortBody.optional(),
      responses: {
        202: {
          description: 'The abort is under way: the transfer, and what happens to the workload and the target',
          schema: transferView.extend({ outcome: z.string() }),
        },
      },
      async handle({ params, body, actor }) {
        const { outcome } = await ctx.controller.abortTransfer(params.id, body?.reason ?? 'no reason given', actor);
        const t = await ctx.store.transfer(params.id);
        return { status: 202, body: { ...toTransferView(t!, ctx.clock.now()), outcome } };
      },
    }),
    route({
      id: 'listProposals',
      method: 'GET',
      path: '/api/v1/proposals',
      access: 'viewer',
      tag: 'transfers',
      summary: 'Cascades proposed while policy.requireApproval is on: the open ones, then the latest decided',
      query: proposalQuery,
      responses: { 200: { description: 'Proposals', schema: z.object({ items: z.array(proposalView) }) } },
      async handle({ query }) {
        const items = ctx.controller.proposals().filter((p) => query.status === undefined || p.status === query.status);
        return { body: { items } };
      },
    }),
    route({
      id: 'approveProposal',
      method: 'POST',
      path: '/api/v1/proposals/:id/approve',
      access: 'operator',
      tag: 'transfers',
      summary: 'Approves a proposed cascade; it starts at the next plan if it is still possible and worthwhile',
      changes: true,
      params: proposalParams,
      responses: { 200: { description: 'The approved proposal', schema: proposalView } },
      async handle({ params, actor }) {
        return { body: await ctx.controller.approve(params.id, actor) };
      },
    }),
    route({
      id: 'rejectProposal',
      method: 'POST',
      path: '/api/v1/proposals/:id/reject',
      access: 'operator',
      tag: 'transfers',
      summary: 'Rejects a proposed cascade; that move is not proposed again while the workload stays where it is',
      changes: true,
      params: proposalParams,
      body: rejectBody.optional(),
      responses: { 200: { description: 'The rejected proposal', schema: proposalView } },
      async handle({ params, body, actor }) {
        return { body: await ctx.controller.reject(params.id, actor, body?.reason ?? null) };
      },
    }),
  ];
}
