// The dashboard's static files: redirects, content types, revalidation with ETags, security headers, and
// nothing served beyond the files of the build.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { mountDashboard } from './assets.js';

const dir = mkdtempSync(join(tmpdir(), 'cascade-assets-'));
mkdirSync(join(dir, 'static'));
mkdirSync(join(dir, 'js'));
writeFileSync(join(dir, 'static', 'index.html'), '<!doctype html><title>Cascade</title>');
writeFileSync(join(dir, 'static', 'dashboard.css'), 'body { margin: 0 }');
writeFileSync(join(dir, 'static', 'notes.txt'), 'not an asset type');
writeFileSync(join(dir, 'js', 'main.js'), 'export {};');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function app(assetDir = dir, warnings: string[] = []) {
  const server = Fastify();
  mountDashboard(server, { dir: assetDir, warn: (m) => warnings.push(m) });
  return server;
}

describe('mountDashboard', () => {
  it('redirects / and /dashboard to /dashboard/, which is the page', async () => {
    const server = app();
    expect((await server.inject({ url: '/' })).headers.location).toBe('/dashboard/');
    const bare = await server.inject({ url: '/dashboard' });
    expect([bare.statusCode, bare.headers.location]).toEqual([301, '/dashboard/']);
    const page = await server.inject({ url: '/dashboard/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<title>Cascade</title>');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'; script-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves the stylesheet and the modules with their types, and answers 304 to a matching ETag', async () => {
    const server = app();
    const css = await server.inject({ url: '/dashboard/dashboard.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const js = await server.inject({ url: '/dashboard/js/main.js' });
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('no-cache');
    const again = await server.inject({
      url: '/dashboard/js/main.js',
      headers: { 'if-none-match': String(js.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const head = await server.inject({ method: 'HEAD', url: '/dashboard/dashboard.css' });
    expect(head.statusCode).toBe(200);
  });

  it('serves nothing but the build’s files of known types', async () => {
    const server = app();
    for (const url of [
      '/dashboard/notes.txt',
      '/dashboard/js/../static/index.html',
      '/dashboard/..%2F..%2Fpackage.json',
      '/dashboard/js/%2e%2e%2fassets.ts',
      '/dashboard/nope.js',
    ]) {
      expect((await server.inject({ url })).statusCode, url).toBe(404);
    }
  });

  it('says so when the dashboard was not built', async () => {
    const warnings: string[] = [];
    const server = app(join(dir, 'missing'), warnings);
    const page = await server.inject({ url: '/dashboard/' });
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('npm run build');
    expect(warnings.join('\n')).toContain('not built');
  });
});
