// /api/v1/blades: list with filters and pages, one blade with its fit and transfers, maintenance, repair, and failure injection.
import { z } from 'zod';
import { EXCLUSION_REASONS, excludedWith, exclusionOf, exclusionText } from '../../core/eligibility.js';
import { admitAction } from '../admission-gate.js';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { route, type AnyRoute } from '../route-kit.js';
import { bladeDetail, bladeQuery, bladeView, idParams, maintenanceBody, overrideBody, page } from '../schemas.js';
import { brief, fitOn, occupants, pageAfter, toBladeView } from '../views.js';

export function bladeRoutes(ctx: ApiContext): AnyRoute[] {
  const routes: AnyRoute[] = [
    route({
      id: 'listBlades',
      method: 'GET',
      path: '/api/v1/blades',
      access: 'viewer',
      tag: 'blades',
      summary: 'Blades sorted by id, filtered by state, health or chassis, one page at a time',
      query: bladeQuery,
      responses: { 200: { description: 'A page of blades', schema: page(bladeView) } },
      async handle({ query }) {
        const state = await ctx.state();
        const on = state.occupants;
        const matching = state.blades.filter(
          (b) =>
            (query.state === undefined || b.state === query.state) &&
            (query.health === undefined || b.health === query.health) &&
            (query.chassis === undefined || b.location?.chassis === query.chassis),
        );
        const found = pageAfter(matching, (b) => b.id, query.after, query.limit);
        return { body: { ...found, items: found.items.map((b) => toBladeView(b, on.get(b.id) ?? null)) } };
      },
    }),
    route({
      id: 'getBlade',
      method: 'GET',
      path: '/api/v1/blades/:id',
      access: 'viewer',
      tag: 'blades',
      summary: 'One blade: its workload and that workload’s fit, and the transfers that touch it',
      params: idParams,
      responses: {
        200: {
          description: 'The blade',
          schema: bladeDetail.extend({
            /** Why it is no failover target now, by the planner's eligibility rule; null when it is one. */
            notTarget: z.object({ reason: z.enum(EXCLUSION_REASONS), text: z.string() }).nullable(),
          }),
        },
      },
      async handle({ params }) {
        const state = await ctx.state();
        const blade = state.bladeById.get(params.id);
        if (!blade) throw new ApiError(404, 'not-found', `unknown blade ${params.id}`, 'params.id');
        const on = state.occupants.get(blade.id) ?? null;
        const workload = state.workloads.find((w) => w.id === on);
        const transfers = (await ctx.store.transfers())
          .filter((t) => t.from === blade.id || t.to === blade.id)
          .slice(-20);
        const reason = exclusionOf(blade, { now: ctx.clock.now(), policy: ctx.policy() });
        return {
          body: {
            ...toBladeView(blade, on),
            fit: workload ? fitOn(workload, state.bladeById, ctx.policy()) : null,
            transfers: transfers.map(brief),
            notTarget: reason === null ? null : { reason, text: exclusionText(excludedWith(blade, reason)) },
          },
        };
      },
    }),
    route({
      id: 'setMaintenance',
      method: 'PUT',
      path: '/api/v1/blades/:id/maintenance',
      access: 'operator',
      tag: 'blades',
      summary: 'Puts a blade into maintenance (an active one is drained first) or takes it out',
      changes: true,
      params: idParams,
      body: maintenanceBody,
      responses: { 200: { description: 'The blade after the change', schema: bladeView } },
      async handle({ params, body, actor }) {
        if (body.on)
          await admitAction(ctx, ctx.survivability, { kind: 'maintenance', blades: [params.id] }, actor, params.id);
        await ctx.controller.maintenance(params.id, body.on, actor);
        return { body: await bladeNow(ctx, params.id) };
      },
    }),
    route({
      id: 'repairBlade',
      method: 'POST',
      path: '/api/v1/blades/:id/repair',
      access: 'operator',
      tag: 'blades',
      summary: 'Returns a failed or maintenance blade to the standby pool',
      changes: true,
      params: idParams,
      responses: { 200: { description: 'The blade after the repair', schema: bladeView } },
      async handle({ params, actor }) {
        await ctx.controller.repair(params.id, actor);
        return { body: await bladeNow(ctx, params.id) };
      },
    }),
    route({
      id: 'confirmFence',
      method: 'POST',
      path: '/api/v1/blades/:id/fence-confirm',
      access: 'operator',
      tag: 'blades',
      summary: 'The operator vouches that a failed blade is off: a failover waiting on its fence proceeds',
      changes: true,
      params: idParams,
      body: overrideBody,
      responses: {
        200: {
          description: 'The blade, and the failovers that may proceed',
          schema: bladeView.extend({ transfers: z.array(z.string()) }),
        },
      },
      async handle({ params, body, actor }) {
        const { transfers } = await ctx.controller.confirmFence(params.id, body.reason, actor);
        return { body: { ...(await bladeNow(ctx, params.id)), transfers } };
      },
    }),
    route({
      id: 'clearBlade',
      method: 'POST',
      path: '/api/v1/blades/:id/clear',
      access: 'operator',
      tag: 'blades',
      summary: 'Forgets a stale verdict (suspect, degraded, credentials) after a check; the next observation decides',
      changes: true,
      params: idParams,
      body: overrideBody,
      responses: { 200: { description: 'The blade after the clear', schema: bladeView } },
      async handle({ params, body, actor }) {
        await ctx.controller.clearBlade(params.id, body.reason, actor);
        return { body: await bladeNow(ctx, params.id) };
      },
    }),
  ];
  const emulator = ctx.emulator;
  if (emulator) {
    routes.push(
      route({
        id: 'failBlade',
        method: 'POST',
        path: '/api/v1/blades/:id/fail',
        access: 'operator',
        tag: 'blades',
        summary: 'Emulator only: makes a blade fail (its health goes critical); the controller fails its workload over',
        changes: true,
        params: idParams,
        responses: { 202: { description: 'The failure was injected; the failover follows', schema: bladeView } },
        async handle({ params, actor }) {
          await bladeNow(ctx, params.id);
          await emulator.failBlade(params.id);
          await ctx.store.commit({
            events: [{ at: ctx.clock.now(), actor, type: 'emulator.fail', subject: params.id, data: {} }],
          });
          return { status: 202, body: await bladeNow(ctx, params.id) };
        },
      }),
    );
  }
  return routes;
}

async function bladeNow(ctx: ApiContext, id: string) {
  const [blade, workloads, open] = await Promise.all([
    ctx.store.blade(id),
    ctx.store.workloads(),
    ctx.store.transfers({ open: true }),
  ]);
  if (!blade) throw new ApiError(404, 'not-found', `unknown blade ${id}`, 'params.id');
  return toBladeView(blade, occupants(workloads, open).get(id) ?? null);
}
