// /api/v1/tokens (admin): create a token (its secret is shown once), list them, revoke one.
import { z } from 'zod';
import type { TokenRecord } from '../../ports/store.js';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { route, type AnyRoute } from '../route-kit.js';
import { idParams, newTokenView, tokenBody, tokenView } from '../schemas.js';
import { newToken } from '../tokens.js';

/** Everything but the hash: not even a hash of a secret leaves the store. */
export function publicToken(t: TokenRecord): z.infer<typeof tokenView> {
  return { id: t.id, name: t.name, role: t.role, createdAt: t.createdAt, revokedAt: t.revokedAt };
}

export function tokenRoutes(ctx: ApiContext): AnyRoute[] {
  return [
    route({
      id: 'listTokens',
      method: 'GET',
      path: '/api/v1/tokens',
      access: 'admin',
      tag: 'tokens',
      summary: 'Every token, revoked ones included (never their secrets or hashes)',
      responses: { 200: { description: 'Tokens', schema: z.object({ items: z.array(tokenView) }) } },
      async handle() {
        return { body: { items: (await ctx.store.tokens()).map(publicToken) } };
      },
    }),
    route({
      id: 'createToken',
      method: 'POST',
      path: '/api/v1/tokens',
      access: 'admin',
      tag: 'tokens',
      summary: 'Creates a token; the answer holds its secret, the only time it is shown',
      changes: true,
      body: tokenBody,
      responses: { 201: { description: 'The new token with its secret', schema: newTokenView } },
      async handle({ body, actor }) {
        const { secret, record } = newToken(body.role, body.name, ctx.clock.now());
        if ((await ctx.store.tokens()).some((t) => t.name === record.name)) {
          throw new ApiError(409, 'conflict', `body.name: a token named ${record.name} exists`, 'body.name');
        }
        await ctx.store.commit({
          tokens: [record],
          events: [
            {
              at: record.createdAt,
              actor,
              type: 'token.created',
              subject: record.id,
              data: { name: record.name, role: record.role },
            },
          ],
        });
        return { status: 201, body: { ...publicToken(record), token: secret } };
      },
    }),
    route({
      id: 'revokeToken',
      method: 'DELETE',
      path: '/api/v1/tokens/:id',
      access: 'admin',
      tag: 'tokens',
      summary: 'Revokes a token; it stops working at once on this controller',
      changes: true,
      params: idParams,
      responses: { 200: { description: 'The revoked token', schema: tokenView } },
      async handle({ params, actor }) {
        const token = (await ctx.store.tokens()).find((t) => t.id === params.id);
        if (!token) throw new ApiError(404, 'not-found', `unknown token ${params.id}`, 'params.id');
        if (token.revokedAt !== null) return { body: publicToken(token) };
        const revoked: TokenRecord = { ...token, revokedAt: ctx.clock.now() };
        await ctx.store.commit({
          tokens: [revoked],
          events: [
            { at: revoked.revokedAt!, actor, type: 'token.revoked', subject: token.id, data: { name: token.name } },
          ],
        });
        ctx.tokens.forget();
        return { body: publicToken(revoked) };
      },
    }),
  ];
}
