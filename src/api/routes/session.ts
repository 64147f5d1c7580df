// /api/v1/session: who the caller's token is and what this controller offers, so a client such as the
// dashboard can check a token at login and show only the actions its role may use.
import { z } from 'zod';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { route, type AnyRoute } from '../route-kit.js';
import { roles } from '../schemas.js';

export const FAULT_KINDS = ['fail', 'power-loss', 'memory-fault', 'network-loss'] as const;

export const sessionView = z.object({
  /** The token's name; changes made with it are logged as `token:<name>`. */
  name: z.string(),
  role: z.enum(roles),
  actor: z.string(),
  /** The fault kinds POST /api/v1/emulator/blades/{id}/faults accepts; null when the data center is not emulated. */
  emulator: z.object({ faults: z.array(z.enum(FAULT_KINDS)), repair: z.boolean() }).nullable(),
});

export function sessionRoutes(ctx: ApiContext): AnyRoute[] {
  return [
    route({
      id: 'getSession',
      method: 'GET',
      path: '/api/v1/session',
      access: 'viewer',
      tag: 'system',
      summary:
        'The caller’s token (name and role) and whether the data center is emulated (fault injection and repair)',
      responses: { 200: { description: 'The session', schema: sessionView } },
      async handle({ request }) {
        const principal = request.principal;
        if (!principal)
          throw new ApiError(401, 'unauthenticated', 'a bearer token is required (Authorization: Bearer <token>)');
        const hooks = ctx.emulator;
        const emulator = hooks
          ? {
              faults: hooks.injectFault ? [...FAULT_KINDS] : ['fail' as const],
              repair: hooks.repairBlade !== undefined,
            }
          : null;
        return { body: { name: principal.token.name, role: principal.token.role, actor: principal.actor, emulator } };
      },
    }),
  ];
}
