// /healthz (public), /readyz, /metrics and /openapi.json (viewer: the API refuses everything without a token but /healthz).
import { z } from 'zod';
import type { ApiContext } from '../context.js';
import type { ControllerMetrics } from '../metrics.js';
import { route, type AnyRoute } from '../route-kit.js';
import { healthView, readyView } from '../schemas.js';

export function systemRoutes(ctx: ApiContext, metrics: ControllerMetrics, document: () => unknown): AnyRoute[] {
  return [
    route({
      id: 'healthz',
      method: 'GET',
      path: '/healthz',
      access: 'public',
      tag: 'system',
      summary: 'Liveness: the process answers. The only route that needs no token',
      responses: { 200: { description: 'Alive', schema: healthView } },
      async handle() {
        return { body: { status: ctx.controller.isRunning() ? 'ok' : 'stopped' } };
      },
    }),
    route({
      id: 'readyz',
      method: 'GET',
      path: '/readyz',
      access: 'viewer',
      tag: 'system',
      summary:
        'Readiness: the controller runs, the store answers, and no hardware endpoint fails (warnings are shown, not fatal)',
      responses: {
        200: { description: 'Ready', schema: readyView },
        503: { description: 'Not ready; `checks` says what is not', schema: readyView },
      },
      async handle() {
        const checks: Record<string, string> = { controller: ctx.controller.isRunning() ? 'ok' : 'stopped' };
        try {
          await ctx.store.events(0, 1);
          checks['store'] = 'ok';
        } catch (error) {
          checks['store'] = ctx.redact(error instanceof Error ? error.message : 'unreachable');
        }
        for (const [name, state] of Object.entries(ctx.endpoints())) checks[`endpoint:${name}`] = ctx.redact(state);
        const ready = Object.values(checks).every((c) => c === 'ok' || c.startsWith('warning:'));
        return { status: ready ? 200 : 503, body: { status: ready ? 'ready' : 'not-ready', checks } };
      },
    }),
    route({
      id: 'metrics',
      method: 'GET',
      path: '/metrics',
      access: 'viewer',
      tag: 'system',
      summary:
        'Prometheus metrics (text exposition format); scrape with a viewer token (bearer_token in the scrape config)',
      responses: { 200: { description: 'Metrics', schema: z.string(), contentType: 'text/plain' } },
      async handle() {
        return { body: await metrics.registry.metrics(), headers: { 'content-type': metrics.registry.contentType } };
      },
    }),
    route({
      id: 'openapi',
      method: 'GET',
      path: '/openapi.json',
      access: 'viewer',
      tag: 'system',
      summary: 'This OpenAPI 3.1 document',
      responses: { 200: { description: 'The document', schema: z.record(z.string(), z.unknown()) } },
      async handle() {
        return { body: document() };
      },
    }),
  ];
}
