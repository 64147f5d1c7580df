// Serves the dashboard's static files on the API's server: `/` and `/dashboard` redirect to
// `/dashboard/`, which is one HTML page, one CSS file and the compiled browser modules under /dashboard/js/.
// No token is needed for these: they hold no data; every data call the page makes carries the token.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * The page may load only its own files and talk only to this server; it cannot be framed. Nothing inline
 * runs, so even a string that escaped escaping could not execute.
 */
const SECURITY: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * The built dashboard: dist/dashboard (static/ copied by `npm run build`, js/ compiled from src/dashboard/client).
 * Running from the sources (tsx), this module sits in src/dashboard and the build is in dist/dashboard.
 */
export function defaultAssetDir(): string {
  const here = import.meta.dirname;
  return existsSync(join(here, 'js')) ? here : join(here, '..', '..', 'dist', 'dashboard');
}

/** URL path under /dashboard/ -> file, read once: a few dozen kilobytes. Empty when the dashboard was not built. */
export function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const add = (path: string, file: string): void => {
    const type = TYPES[extname(file)];
    if (type === undefined) return;
    const body = readFileSync(file);
    assets.set(path, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  };
  for (const [sub, prefix] of [
    ['static', ''],
    ['js', 'js/'],
  ] as const) {
    const folder = join(dir, sub);
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder)) add(`${prefix}${name}`, join(folder, name));
  }
  return assets;
}

export function mountDashboard(
  app: FastifyInstance,
  options: { readonly dir?: string; readonly warn?: (message: string) => void } = {},
): void {
  const dir = options.dir ?? defaultAssetDir();
  const assets = loadAssets(dir);
  if (!assets.has('index.html'))
    options.warn?.(`the dashboard is not built (${dir} has no index.html): run npm run build`);
  const config = { access: 'public' as const };

  const send = (request: FastifyRequest, reply: FastifyReply, path: string): FastifyReply => {
    void reply.headers(SECURITY);
    const asset = assets.get(path);
    if (!asset) {
      const missing =
        path === 'index.html' ? 'the dashboard is not built: run npm run build' : `no file /dashboard/${path}`;
      return reply
        .code(path === 'index.html' ? 503 : 404)
        .type('text/plain; charset=utf-8')
        .send(missing);
    }
    // Revalidate every time: a new build shows at the next load, and an unchanged file costs a 304.
    void reply.header('cache-control', 'no-cache').header('etag', asset.etag);
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    return reply.type(asset.type).send(asset.body);
  };

  app.get('/', { config }, async (_request, reply) => reply.redirect('/dashboard/', 302));
  app.get('/dashboard', { config }, async (_request, reply) => reply.redirect('/dashboard/', 301));
  app.get('/dashboard/', { config }, async (request, reply) => send(request, reply, 'index.html'));
  app.get<{ Params: { file: string } }>('/dashboard/:file', { config }, async (request, reply) =>
    send(request, reply, request.params.file),
  );
  app.get<{ Params: { file: string } }>('/dashboard/js/:file', { config }, async (request, reply) =>
    send(request, reply, `js/${request.params.file}`),
  );
}
