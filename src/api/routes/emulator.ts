// /api/v1/emulator/...: the emulated data center's fault injection and hardware repair, for operator
// tokens, only while `cascade serve` runs the emulator. A browser cannot call the emulator's control API itself:
// its token stays inside the controller, so these routes proxy the two things the dashboard needs.
import { z } from 'zod';
import type { ApiContext, EmulatedFault, EmulatorHooks } from '../context.js';
import { ApiError } from '../errors.js';
import { route, type AnyRoute } from '../route-kit.js';
import { bladeView, idParams } from '../schemas.js';
import { occupants, toBladeView } from '../views.js';
import { FAULT_KINDS } from './session.js';

export const faultRequest = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.enum(['fail', 'power-loss', 'memory-fault']) }),
    z.strictObject({
      kind: z.literal('network-loss'),
      hang: z.boolean({ error: 'expected true or false' }).default(false),
    }),
  ],
  { error: `expected kind: one of ${FAULT_KINDS.join(', ')}` },
);

const faultAnswer = z.object({ blade: bladeView, done: z.string() });
const repairAnswer = z.object({ blade: bladeView, hardware: z.string(), controller: z.string() });

export function emulatorRoutes(ctx: ApiContext): AnyRoute[] {
  const hooks = ctx.emulator;
  if (!hooks) return [];
  const routes: AnyRoute[] = [
    route({
      id: 'injectFault',
      method: 'POST',
      path: '/api/v1/emulator/blades/:id/faults',
      access: 'operator',
      tag: 'emulator',
      summary:
        'Emulator only: injects a fault into a blade (fail, power-loss, memory-fault, network-loss); the controller reacts as to real hardware',
      changes: true,
      params: idParams,
      body: faultRequest,
      responses: {
        202: {
          description: 'The fault was injected; what the controller does follows in the event stream',
          schema: faultAnswer,
        },
      },
      async handle({ params, body, actor }) {
        await bladeNow(ctx, params.id);
        const done = await inject(hooks, params.id, body);
        await ctx.store.commit({
          events: [{ at: ctx.clock.now(), actor, type: 'emulator.fault', subject: params.id, data: { ...body } }],
        });
        return { status: 202, body: { blade: await bladeNow(ctx, params.id), done } };
      },
    }),
  ];
  const repair = hooks.repairBlade?.bind(hooks);
  if (repair) {
    routes.push(
      route({
        id: 'repairEmulatedBlade',
        method: 'POST',
        path: '/api/v1/emulator/blades/:id/repair',
        access: 'operator',
        tag: 'emulator',
        summary:
          'Emulator only: the blade’s hardware is repaired (healthy, reachable), then the controller returns it to the standby pool, as `cascade repair` does',
        changes: true,
        params: idParams,
        responses: {
          200: {
            description: 'What the emulator and the controller did, and the blade after it',
            schema: repairAnswer,
          },
        },
        async handle({ params, actor }) {
          await bladeNow(ctx, params.id);
          const said = await repair(params.id, actor);
          return { body: { blade: await bladeNow(ctx, params.id), ...said } };
        },
      }),
    );
  }
  return routes;
}

async function inject(hooks: EmulatorHooks, blade: string, fault: EmulatedFault): Promise<string> {
  if (hooks.injectFault) return hooks.injectFault(blade, fault);
  // A host that wires only failBlade (older embedders, tests) still offers the plain failure.
  if (fault.kind !== 'fail')
    throw new ApiError(400, 'invalid', `body.kind: this emulator offers only fail`, 'body.kind');
  await hooks.failBlade(blade);
  return `${blade} failed: powered off, health critical`;
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
