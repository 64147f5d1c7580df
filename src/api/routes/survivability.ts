// GET /api/v1/survivability: what the data center survives now (N+K per failure domain), the same at another K
// or domain, and "if I drained these blades, chassis or labels now?".
import { z } from 'zod';
import { DEFAULT_POLICY } from '../../core/model.js';
import { maintenanceTargets, maintenanceWhatIf } from '../../core/survivability-what-if.js';
import { checkSurvivability } from '../../core/survivability.js';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { route, type AnyRoute } from '../route-kit.js';
import { liveState, type SurvivabilityMonitor } from '../survivability-monitor.js';

const left = z.object({
  workload: z.string(),
  priority: z.number(),
  reason: z.enum(['no-standby', 'no-feasible-standby', 'lower-priority']),
  detail: z.string(),
});
const level = z.object({
  k: z.number(),
  combinations: z.number(),
  checked: z.number(),
  prunedBySymmetry: z.number(),
  prunedByBound: z.number(),
  planned: z.number(),
  failed: z.number(),
  complete: z.boolean(),
  weakest: z.array(z.object({ domains: z.array(z.string()), shortfall: z.number(), represents: z.number() })),
});
const weak = z.object({
  kind: z.string(),
  domains: z.array(z.string()),
  represents: z.number(),
  left: z.array(left),
  impaired: z.array(z.string()),
});
export const survivabilityReport = z.object({
  k: z.number(),
  running: z.number(),
  standby: z.number(),
  kinds: z.array(
    z.object({
      kind: z.string(),
      domains: z.number(),
      method: z.enum(['counts', 'planner']),
      survives: z.number(),
      exact: z.boolean(),
      levels: z.array(level),
      weakest: z.array(weak),
    }),
  ),
  unprotected: z.array(z.object({ workload: z.string(), priority: z.number(), blade: z.string(), needs: z.string() })),
  verdict: z.string(),
});
const survivabilityView = z.object({ computedAt: z.number(), tookMs: z.number(), report: survivabilityReport });
const maintenanceView = z.object({
  drain: z.object({
    blades: z.array(z.string()),
    moves: z.array(z.object({ workload: z.string(), from: z.string(), to: z.string() })),
    stuck: z.array(z.string()),
  }),
  before: survivabilityReport,
  after: survivabilityReport,
});

const list = z
  .string()
  .min(1)
  .max(4096)
  .transform((text) =>
    text
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  );
const survivabilityQuery = z.strictObject({
  k: z.coerce.number().int().min(0).max(4).optional(),
  domain: list.optional(),
  maintenance: list.optional(),
});

export function survivabilityRoutes(ctx: ApiContext, monitor: SurvivabilityMonitor): AnyRoute[] {
  return [
    route({
      id: 'getSurvivability',
      method: 'GET',
      path: '/api/v1/survivability',
      access: 'viewer',
      tag: 'planning',
      summary: 'N+K: which failures of each domain (blade, chassis, a label) every running workload survives',
      description:
        'Without parameters: the report the controller keeps current after every change. ' +
        'With k or domain: checked now for that level. With maintenance (blade, chassis or label=value ids, ' +
        'comma-separated): what is survived before and after draining them now.',
      query: survivabilityQuery,
      responses: {
        200: {
          description: 'The survivability report, or the maintenance what-if',
          schema: z.union([survivabilityView, maintenanceView]),
        },
      },
      async handle({ query }) {
        const adHoc = query.maintenance !== undefined || query.k !== undefined || query.domain !== undefined;
        if (!adHoc) return { body: await monitor.current() };
        const state = liveState(await ctx.state(), ctx.policy() ?? DEFAULT_POLICY, monitor.labels);
        if (query.maintenance !== undefined) {
          const { blades, unknown } = maintenanceTargets(state, query.maintenance);
          if (unknown.length > 0) {
            const message = `query.maintenance: no blade, chassis or label matches ${unknown.join(', ')}`;
            throw new ApiError(400, 'invalid', message, 'query.maintenance');
          }
          return { body: maintenanceWhatIf(state, blades, query.k) };
        }
        const started = performance.now();
        const level = {
          ...(query.k === undefined ? {} : { k: query.k }),
          ...(query.domain ? { kinds: query.domain } : {}),
        };
        const report = checkSurvivability({ ...state, ...level });
        const tookMs = Math.round((performance.now() - started) * 10) / 10;
        return { body: { computedAt: ctx.clock.now(), tookMs, report } };
      },
    }),
  ];
}
