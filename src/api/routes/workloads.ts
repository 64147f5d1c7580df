// /api/v1/workloads: list and one (with fit, checkpoint and transfers), submit, finish, set requirements.
import { admitAction } from '../admission-gate.js';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { route, type AnyRoute } from '../route-kit.js';
import {
  errorView,
  idParams,
  page,
  requirementsBody,
  submitBody,
  workloadDetail,
  workloadQuery,
  workloadView,
} from '../schemas.js';
import { brief, pageAfter, toWorkloadView } from '../views.js';

export function workloadRoutes(ctx: ApiContext): AnyRoute[] {
  const viewOf = async (id: string) => {
    const [w, blades] = await Promise.all([ctx.store.workload(id), ctx.store.blades()]);
    if (!w) throw new ApiError(404, 'not-found', `unknown workload ${id}`, 'params.id');
    return toWorkloadView(w, new Map(blades.map((b) => [b.id, b])), ctx.policy());
  };
  return [
    route({
      id: 'listWorkloads',
      method: 'GET',
      path: '/api/v1/workloads',
      access: 'viewer',
      tag: 'workloads',
      summary: 'Workloads sorted by id with their fit, filtered by state or blade, one page at a time',
      query: workloadQuery,
      responses: { 200: { description: 'A page of workloads', schema: page(workloadView) } },
      async handle({ query }) {
        const state = await ctx.state();
        const matching = state.workloads.filter(
          (w) =>
            (query.state === undefined || w.state === query.state) &&
            (query.blade === undefined || w.blade === query.blade),
        );
        const found = pageAfter(matching, (w) => w.id, query.after, query.limit);
        const policy = ctx.policy();
        return { body: { ...found, items: found.items.map((w) => toWorkloadView(w, state.bladeById, policy)) } };
      },
    }),
    route({
      id: 'getWorkload',
      method: 'GET',
      path: '/api/v1/workloads/:id',
      access: 'viewer',
      tag: 'workloads',
      summary: 'One workload: its fit, its latest checkpoint (not its data) and its transfers',
      params: idParams,
      responses: { 200: { description: 'The workload', schema: workloadDetail } },
      async handle({ params }) {
        const view = await viewOf(params.id);
        const [checkpoint, transfers] = await Promise.all([
          ctx.store.latestCheckpoint(params.id),
          ctx.store.transfers({ workload: params.id }),
        ]);
        return {
          body: {
            ...view,
            checkpoint: checkpoint
              ? { blade: checkpoint.blade, sequence: checkpoint.sequence, takenAt: checkpoint.takenAt }
              : null,
            transfers: transfers.slice(-20).map(brief),
          },
        };
      },
    }),
    route({
      id: 'submitWorkload',
      method: 'POST',
      path: '/api/v1/workloads',
      access: 'operator',
      tag: 'workloads',
      summary: 'Submits a new workload; the planner places it on the best-fitting standby blade',
      changes: true,
      body: submitBody,
      responses: {
        201: { description: 'Accepted and pending placement', schema: workloadView },
        422: {
          description: 'The workload driver does not know this workload (`error.field` is body.id)',
          schema: errorView,
        },
      },
      async handle({ body, actor }) {
        const workload = {
          id: body.id,
          requirements: body.requirements ?? {},
          source: 'declared' as const,
          priority: body.priority ?? 0,
          blade: null,
          state: 'pending' as const,
        };
        await admitAction(ctx, ctx.survivability, { kind: 'submit', workload }, actor, body.id);
        const rules = {
          ...(body.minimum === undefined ? {} : { minimum: body.minimum }),
          ...(body.pinned === undefined ? {} : { pinned: body.pinned }),
        };
        await ctx.controller.submit(
          {
            id: body.id,
            ...(body.requirements ? { requirements: body.requirements } : {}),
            ...(body.priority === undefined ? {} : { priority: body.priority }),
            ...rules,
          },
          actor,
        );
        return {
          status: 201,
          body: await viewOf(body.id),
          headers: { location: `/api/v1/workloads/${encodeURIComponent(body.id)}` },
        };
      },
    }),
    route({
      id: 'finishWorkload',
      method: 'POST',
      path: '/api/v1/workloads/:id/finish',
      access: 'operator',
      tag: 'workloads',
      summary: 'Marks a workload finished; its blade returns to the standby pool',
      changes: true,
      params: idParams,
      responses: { 200: { description: 'The finished workload', schema: workloadView } },
      async handle({ params, actor }) {
        await ctx.controller.finish(params.id, actor);
        return { body: await viewOf(params.id) };
      },
    }),
    route({
      id: 'withdrawWorkload',
      method: 'DELETE',
      path: '/api/v1/workloads/:id',
      access: 'operator',
      tag: 'workloads',
      summary: 'Withdraws a pending or placing workload (a placement in progress frees its target); 409 once it runs',
      changes: true,
      params: idParams,
      responses: { 200: { description: 'The withdrawn (finished) workload', schema: workloadView } },
      async handle({ params, actor }) {
        await ctx.controller.withdraw(params.id, actor);
        return { body: await viewOf(params.id) };
      },
    }),
    route({
      id: 'setRequirements',
      method: 'PUT',
      path: '/api/v1/workloads/:id/requirements',
      access: 'operator',
      tag: 'workloads',
      summary: 'Declares new requirements; the planner reconsiders the workload’s fit at once',
      changes: true,
      params: idParams,
      body: requirementsBody,
      responses: { 200: { description: 'The workload with its new requirements', schema: workloadView } },
      async handle({ params, body, actor }) {
        await ctx.controller.setRequirements(params.id, body.requirements, actor);
        return { body: await viewOf(params.id) };
      },
    }),
  ];
}
