// One route = one spec: who may call it, its zod schemas and its handler. Mounting parses every input
// with the schemas (a 400 names the field) and checks the caller's role; the OpenAPI document is made
// from the same specs, so the document cannot drift from what the server accepts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { TokenRecord, TokenRole } from '../ports/store.js';
import { ApiError, invalidInput, type InputPart } from './errors.js';
import { noBody } from './schemas.js';
import { allows } from './tokens.js';

export type Access = TokenRole | 'public';

export interface Principal {
  readonly token: TokenRecord;
  /** How the audit log names this caller: `token:<name>`. */
  readonly actor: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    /** A token was presented but is unknown, revoked or malformed. */
    badToken: boolean;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}

export interface ResponseSpec {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** application/json unless said otherwise. */
  readonly contentType?: string;
  /** A second representation of the same answer, chosen by the Accept header (the event stream). */
  readonly alternative?: { readonly contentType: string; readonly schema?: z.ZodType };
}

export interface RouteInput<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  /** `token:<name>` of the caller, "anonymous" on public routes. */
  readonly actor: string;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

export interface Handled {
  readonly status?: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

const NO_PARAMS = z.strictObject({});
const NO_QUERY = z.strictObject({});

export interface RouteSpec<
  P extends z.ZodType = typeof NO_PARAMS,
  Q extends z.ZodType = typeof NO_QUERY,
  B extends z.ZodType = typeof noBody,
> {
  /** The OpenAPI operationId. */
  readonly id: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Fastify syntax: /api/v1/blades/:id */
  readonly path: string;
  readonly access: Access;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /** Success answers; the error answers every route shares are added by the document. */
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  /** Changes something: logged with the actor, and its errors never leave half a change (the controller commits atomically). */
  readonly changes?: boolean;
  /** The reply, or null when the handler answered on its own (a stream). Method syntax on purpose: a spec with narrower schemas is still a RouteSpec. */
  handle(input: RouteInput<z.infer<P>, z.infer<Q>, z.infer<B>>): Promise<Handled | null>;
}

export type AnyRoute = RouteSpec<z.ZodType, z.ZodType, z.ZodType>;

/** Identity, for type inference of the handler's input from the schemas. */
export function route<
  P extends z.ZodType = typeof NO_PARAMS,
  Q extends z.ZodType = typeof NO_QUERY,
  B extends z.ZodType = typeof noBody,
>(spec: RouteSpec<P, Q, B>): AnyRoute {
  return spec as unknown as AnyRoute;
}

export function parseInput<T extends z.ZodType>(part: InputPart, schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidInput(part, result.error);
  return result.data;
}

/** 401 without a valid token, 403 with one whose role is too low. */
export function authorize(request: FastifyRequest, access: Access): void {
  if (access === 'public') return;
  const principal = request.principal;
  if (!principal) {
    throw new ApiError(
      401,
      'unauthenticated',
      request.badToken
        ? 'the bearer token is unknown, revoked or malformed'
        : 'a bearer token is required (Authorization: Bearer <token>)',
    );
  }
  if (!allows(principal.token.role, access)) {
    throw new ApiError(
      403,
      'forbidden',
      `this needs the ${access} role; token ${principal.token.name} has ${principal.token.role}`,
    );
  }
}

/** `changed` runs after every route marked `changes` (success or not): cached reads must see it. */
export function mount(app: FastifyInstance, routes: readonly AnyRoute[], changed: () => void = () => {}): void {
  for (const spec of routes) {
    app.route({
      method: spec.method,
      url: spec.path,
      config: { access: spec.access },
      // After onRequest (authentication, then the failed-login limiter), before the body is read.
      preParsing: async (request, _reply, payload) => {
        authorize(request, spec.access);
        return payload;
      },
      handler: async (request, reply) => {
        const input: RouteInput<unknown, unknown, unknown> = {
          params: parseInput('params', spec.params ?? NO_PARAMS, request.params ?? {}),
          query: parseInput('query', spec.query ?? NO_QUERY, request.query ?? {}),
          body: parseInput('body', spec.body ?? noBody, request.body),
          actor: request.principal?.actor ?? 'anonymous',
          request,
          reply,
        };
        let result: Handled | null;
        try {
          result = await spec.handle(input);
        } finally {
          if (spec.changes) changed();
        }
        if (result === null) return reply;
        for (const [name, value] of Object.entries(result.headers ?? {})) void reply.header(name, value);
        return reply.code(result.status ?? 200).send(result.body);
      },
    });
  }
}
