// The planner's view: candidates (Table 3), the standby pool (Table 4), what-if plans, and the policy.
import { cascadesOpen } from '../../core/cascade-windows.js';
import type { Policy, Workload } from '../../core/model.js';
import { decideRound } from '../../core/round.js';
import { planWhatIf } from '../../core/what-if.js';
import { admitAction } from '../admission-gate.js';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { route, type AnyRoute } from '../route-kit.js';
import { candidatesView, planBody, planView, policyPatch, policyView, poolView } from '../schemas.js';
import { toBladeView } from '../views.js';
import { exclusionsOf } from '../../core/exclusion-report.js';

export function planningRoutes(ctx: ApiContext): AnyRoute[] {
  return [
    route({
      id: 'listCandidates',
      method: 'GET',
      path: '/api/v1/candidates',
      access: 'viewer',
      tag: 'planning',
      summary:
        'Table 3: active blades whose resources do not fit their workload exactly, with the fit and the move the optimum has for each',
      responses: {
        200: { description: 'Candidates and the totals over every running workload', schema: candidatesView },
      },
      async handle() {
        const state = await ctx.state();
        // The round the controller would decide now, every move of its optimum shown (no slot limit, no approval).
        const policy: Policy = { ...ctx.policy(), maxConcurrentTransfers: Infinity, requireApproval: false };
        const snapshot = {
          blades: state.blades,
          workloads: state.workloads,
          transfers: state.open,
          proposals: [],
          rejected: [],
        };
        const plan = decideRound(snapshot, policy, ctx.clock.now());
        const moves = new Map([...plan.cascades.map((c) => c.move), ...plan.deferred].map((m) => [m.workload, m]));
        const items = plan.candidates.map((c) => {
          const m = moves.get(c.workload);
          return {
            workload: c.workload,
            blade: c.blade,
            fit: c.fit,
            frozen: c.frozen,
            move: m ? { to: m.to, after: m.after, saving: m.saving } : null,
          };
        });
        const running = state.workloads.filter((w) => w.state === 'running').length;
        const totals = items.reduce(
          (sum, c) => ({ surplus: sum.surplus + c.fit.surplus, deficit: sum.deficit + c.fit.deficit, running }),
          { surplus: 0, deficit: 0, running },
        );
        return { body: { items, totals } };
      },
    }),
    route({
      id: 'getPool',
      method: 'GET',
      path: '/api/v1/pool',
      access: 'viewer',
      tag: 'planning',
      summary: 'Table 4: the standby pool, every blade in state standby',
      responses: { 200: { description: 'The standby pool', schema: poolView } },
      async handle() {
        const state = await ctx.state();
        const on = state.occupants;
        const items = state.blades
          .filter((b) => b.state === 'standby')
          .map((b) => toBladeView(b, on.get(b.id) ?? null));
        return { body: { items, size: items.length } };
      },
    }),
    route({
      id: 'planWhatIf',
      method: 'POST',
      path: '/api/v1/plan',
      access: 'viewer',
      tag: 'planning',
      summary:
        'What if these blades failed now? The failovers, pending workloads and cascade rounds; nothing is executed',
      body: planBody,
      responses: { 200: { description: 'The plan', schema: planView } },
      async handle({ body }) {
        const state = await ctx.state();
        body.fail.forEach((id, i) => {
          if (!state.bladeById.has(id))
            throw new ApiError(400, 'invalid', `body.fail[${i}]: unknown blade ${id}`, `body.fail[${i}]`);
        });
        // A transfer in flight is shown as landed where it is now, and a pending workload as one to place.
        const workloads: Workload[] = state.workloads.map((w) =>
          w.state === 'pending' ? { ...w, blade: null } : w.state === 'transferring' ? { ...w, state: 'running' } : w,
        );
        const result = planWhatIf({ blades: state.blades, workloads, policy: ctx.policy(), fail: body.fail });
        return {
          body: {
            fail: body.fail,
            placements: result.placements,
            pending: result.pending,
            rounds: result.rounds,
            truncated: result.truncated,
            pool: result.blades
              .filter((b) => b.state === 'standby')
              .map((b) => b.id)
              .sort(),
            placementsAfter: Object.fromEntries(
              result.workloads.filter((w) => w.state !== 'finished').map((w) => [w.id, w.blade]),
            ),
            excluded: exclusionsOf(result.excluded),
          },
        };
      },
    }),
    route({
      id: 'getPolicy',
      method: 'GET',
      path: '/api/v1/policy',
      access: 'viewer',
      tag: 'policy',
      summary: 'The policy the planner follows now',
      responses: { 200: { description: 'The policy', schema: policyView } },
      async handle() {
        const policy = ctx.policy();
        // Whether cascades may run now: outside every cascade window they are proposed, not run.
        return { body: { ...policy, cascadesOpen: cascadesOpen(policy.cascadeWindows, ctx.clock.now()) } };
      },
    }),
    route({
      id: 'updatePolicy',
      method: 'PATCH',
      path: '/api/v1/policy',
      access: 'admin',
      tag: 'policy',
      summary:
        'Changes some fields of the policy (weights, when given, replace the whole map); the next plan follows it',
      changes: true,
      body: policyPatch,
      responses: { 200: { description: 'The policy after the change', schema: policyView } },
      async handle({ body, actor }) {
        const current = ctx.policy();
        const next: Policy = { ...current, ...body, weights: body.weights ?? current.weights };
        await admitAction(ctx, ctx.survivability, { kind: 'policy', policy: next }, actor, 'policy');
        return { body: await ctx.controller.setPolicy(next, actor) };
      },
    }),
  ];
}
