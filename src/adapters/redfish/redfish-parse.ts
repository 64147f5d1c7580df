// Reading Redfish replies: a reply checked against its schema with errors that name the property, collections
// followed across pages, and the id at the end of a resource path.
import type { z } from 'zod';
import type { About, Json, RedfishClient } from './redfish-client.js';
import { RedfishError } from './redfish-error.js';
import { collectionSchema } from './redfish-schemas.js';

/** Checks a reply against a schema; a mismatch names the resource and the property. */
export function parseAs<S extends z.ZodType>(
  schema: S,
  body: Json,
  path: string,
  endpoint: string,
  about: About = {},
): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || 'body';
  const who = about.blade !== undefined ? `blade ${about.blade}` : endpoint;
  throw new RedfishError(
    'bad-reply',
    `${who}: ${path}: ${field}: ${issue?.message ?? 'unexpected reply'}`,
    about.blade ?? null,
    path,
  );
}

/** Every member of a collection, following nextLink pages. */
export async function members(client: RedfishClient, path: string, about: About = {}): Promise<string[]> {
  const found: string[] = [];
  for (let next: string | null | undefined = path, pages = 0; next && pages < 100; pages++) {
    const page: z.infer<typeof collectionSchema> = parseAs(
      collectionSchema,
      await client.get(next, about),
      next,
      client.name,
      about,
    );
    found.push(...page.Members.map((m) => m['@odata.id']));
    next = page['Members@odata.nextLink'];
  }
  return found;
}

export function lastSegment(path: string): string {
  const parts = path.replace(/\/+$/, '').split('/');
  return decodeURIComponent(parts[parts.length - 1] ?? '');
}
