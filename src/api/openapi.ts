// The OpenAPI 3.1 document, made from the route specs and their zod schemas (JSON Schema 2020-12, as 3.1 uses).
import { z } from 'zod';
import type { AnyRoute, ResponseSpec } from './route-kit.js';
import { errorView, noBody } from './schemas.js';

type Json = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  return rest;
}

const errorContent = { 'application/json': { schema: jsonSchema(errorView, 'output') } };
const error = (description: string): Json => ({ description, content: errorContent });

/** ":id" -> "{id}" */
function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(spec: AnyRoute): Json[] {
  const out: Json[] = [];
  const add = (where: 'path' | 'query', schema: z.ZodType | undefined): void => {
    if (!schema) return;
    const s = jsonSchema(schema, 'input');
    const props = (s['properties'] ?? {}) as Record<string, Json>;
    const required = new Set((s['required'] ?? []) as string[]);
    for (const [name, propSchema] of Object.entries(props)) {
      out.push({ name, in: where, required: where === 'path' || required.has(name), schema: propSchema });
    }
  };
  add('path', spec.params);
  add('query', spec.query);
  if (spec.id === 'events') {
    out.push({
      name: 'Last-Event-ID',
      in: 'header',
      required: false,
      description: 'Resume a stream after this seq',
      schema: { type: 'string', pattern: '^[0-9]+$' },
    });
  }
  return out;
}

function response(r: ResponseSpec): Json {
  const content: Json = {};
  if (r.schema) content[r.contentType ?? 'application/json'] = { schema: jsonSchema(r.schema, 'output') };
  if (r.alternative)
    content[r.alternative.contentType] = r.alternative.schema
      ? { schema: jsonSchema(r.alternative.schema, 'output') }
      : { schema: { type: 'string' } };
  return { description: r.description, ...(Object.keys(content).length > 0 ? { content } : {}) };
}

function operation(spec: AnyRoute): Json {
  const responses: Json = {};
  for (const [status, r] of Object.entries(spec.responses)) responses[status] = response(r);
  responses['400'] = error('Invalid input: `error.field` names the offending field');
  if (spec.access !== 'public') {
    responses['401'] = error('No valid bearer token');
    responses['403'] = error(`The token's role is lower than ${spec.access}`);
    responses['429'] = error('Too many failed logins from this address');
  }
  if (spec.params) responses['404'] = error('No such resource');
  if (spec.changes) responses['409'] = error('The resource is not in a state that allows this');
  const op: Json = {
    operationId: spec.id,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: [spec.tag],
    'x-required-role': spec.access,
    security: spec.access === 'public' ? [] : [{ bearer: [] }],
    parameters: parameters(spec),
    responses,
  };
  if (spec.body && spec.body !== noBody) {
    op['requestBody'] = {
      required: !spec.body.safeParse(undefined).success,
      content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } },
    };
  }
  return op;
}

export function openApiDocument(routes: readonly AnyRoute[], version: string): Json {
  const paths: Record<string, Json> = {};
  for (const spec of routes) {
    const path = openApiPath(spec.path);
    paths[path] = { ...(paths[path] ?? {}), [spec.method.toLowerCase()]: operation(spec) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Cascade',
      version,
      description:
        'The control plane of a blade-server data center: failover to the best-fitting standby blade, then cascades to better blades. ' +
        'Every route but /healthz needs a bearer token; roles are viewer < operator < admin (x-required-role on each operation).',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A token made by `cascade token create --role ROLE`' },
      },
    },
    security: [{ bearer: [] }],
    paths,
  };
}
