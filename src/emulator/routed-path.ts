// The path a request is served under, for checks that guard routes by prefix.
import type { FastifyRequest } from 'fastify';

/**
 * The router decodes percent-escapes before matching, so a check on the raw URL can be walked past
 * (`/%65mulator/v1/world` is served as `/emulator/v1/world`). Guards ask for the route that matched,
 * and for an unmatched request the decoded path, which is what the router compared.
 */
export function routedPath(request: FastifyRequest): string {
  const matched = request.routeOptions.url;
  if (matched !== undefined) return matched;
  const raw = request.url.split('?')[0] ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
