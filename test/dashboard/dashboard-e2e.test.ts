// The dashboard in a real browser: `cascade serve` on an emulated data center in a child process,
// Debian's Chromium driven by playwright-core. An operator signs in, injects a failure from the page, sees the
// blade turn failed and the workload appear on its replacement without a reload, asks why that blade, repairs
// The blade from the page and sees the cascade home. A wrong token stays on the login page; a viewer sees no
// action. Screenshots go to test-results/ (desktop 1280x800, phone 390x844).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, ServeChild } from '../serve/serve-child.js';
import { requiredPeer } from '../../src/testing/required-peers.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM =
  requiredPeer(
    'the dashboard in Chromium',
    existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing (apt-get install -y chromium)`,
  ) === null;
const RESULTS = join(ROOT, 'test-results');
type Json = Record<string, unknown>;
const run = promisify(execFile);

const SCENARIO = `
name: dashboard-e2e
blades:
  - { id: A, resources: { memoryGiB: 256, cpuCount: 32, storageTB: 200, cpuArch: x86_64 }, state: active, location: { chassis: c1, slot: 1 } }
  - { id: B, resources: { memoryGiB: 256, cpuCount: 32, storageTB: 500, cpuArch: x86_64 }, state: standby, location: { chassis: c1, slot: 2 } }
  - { id: C, resources: { memoryGiB: 128, cpuCount: 16, storageTB: 8, cpuArch: x86_64 }, state: active, location: { chassis: c1, slot: 3 } }
  - { id: D, resources: { memoryGiB: 512, cpuCount: 64, storageTB: 1000, cpuArch: x86_64 }, state: standby, location: { chassis: c2, slot: 1 } }
  - { id: E, resources: { memoryGiB: 192, cpuCount: 16, storageTB: 8, cpuArch: x86_64 }, state: active, location: { chassis: c2, slot: 2 } }
  - { id: F, resources: { memoryGiB: 128, cpuCount: 16, storageTB: 8, cpuArch: aarch64 }, state: standby, location: { chassis: c2, slot: 3 } }
workloads:
  - { id: W1, requirements: { memoryGiB: 256, cpuCount: 32, storageTB: 200, cpuArch: x86_64 }, blade: A, priority: 1 }
  - { id: W2, requirements: { memoryGiB: 128, cpuCount: 16, storageTB: 8, cpuArch: x86_64 }, blade: C }
  - { id: W3, requirements: { memoryGiB: 128, cpuCount: 16, storageTB: 8, cpuArch: x86_64 }, blade: E }
`;

const CONFIG = `
emulator: { scenario: ./dc.yaml, powerDelayMs: 300, tickMs: 5, unreachableDelayMs: 100 }
controller: { pollMs: 300, checkpointMs: 500, callMs: 3000, powerPollMs: 25 }
policy: { cooldownSeconds: 0, replanSeconds: 2 }
log: { level: info, format: json }
`;

/** Chromium as the lead's CI runs it: headless, no sandbox (root in a container), nothing fetched from outside. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

let dir = '';
let serve: ServeChild | null = null;
let browser: Browser | null = null;
let url = '';
const tokens = { operator: '', viewer: '' };

async function cascade(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [BIN, ...args], { cwd: ROOT });
  return stdout.trim();
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.goto(`${url}/`);
  await page.locator('#token').fill(token);
  await page.locator('#login-form button[type=submit]').click();
}

/** The slot of a blade in its enclosure. */
const slot = (page: Page, blade: string) => page.locator(`#enclosures [data-blade="${blade}"]`);

/** The API as a script would call it, for what the page must notice on its own. */
async function api(method: string, path: string, token: string, body?: unknown): Promise<Response> {
  return fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe.skipIf(!HAVE_CHROMIUM)('the dashboard in Chromium', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cascade-dashboard-'));
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(join(dir, 'dc.yaml'), SCENARIO);
    writeFileSync(join(dir, 'cascade.yaml'), CONFIG);
    serve = new ServeChild('cascade serve', [
      '--config',
      join(dir, 'cascade.yaml'),
      '--data',
      join(dir, 'data'),
      '--emulator-port',
      '0',
      '--port',
      '0',
    ]);
    const listening = await serve.waitFor(
      (l) => typeof l['url'] === 'string' && l.msg.startsWith('API listening'),
      'the API listening',
    );
    url = String(listening['url']);
    await serve.waitFor((l) => l.msg === 'ready', 'serve ready');
    tokens.operator = await cascade(
      'token',
      'create',
      '--role',
      'operator',
      '--name',
      'alice',
      '--data',
      join(dir, 'data'),
    );
    tokens.viewer = await cascade(
      'token',
      'create',
      '--role',
      'viewer',
      '--name',
      'victor',
      '--data',
      join(dir, 'data'),
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page without a token, with its content types, and redirects / to it', async () => {
    const root = await fetch(`${url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/dashboard/');
    const page = await fetch(`${url}/dashboard/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const script = await fetch(`${url}/dashboard/js/main.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    // The data is what needs the token.
    expect((await fetch(`${url}/api/v1/blades`)).status).toBe(401);
  });

  it('keeps a wrong token on the login page and shows nothing', async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signIn(page, `cascade_${'x'.repeat(43)}`);
    await expect
      .poll(() => page.locator('#login-error').textContent(), { timeout: 10_000 })
      .toContain('unknown, revoked or malformed');
    expect(await page.locator('#login').isVisible()).toBe(true);
    expect(await page.locator('#dashboard').isVisible()).toBe(false);
    expect(await page.locator('#enclosures [data-blade]').count()).toBe(0);
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await context.close();
  }, 60_000);

  it('injects a failure, follows the failover live, says why that blade, and repairs into a cascade home', async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // Destructive actions ask first (their refusal is the last test's); here the operator says yes.
    page.on('dialog', (dialog) => void dialog.accept());
    await signIn(page, tokens.operator);
    await slot(page, 'A').waitFor();
    expect(await slot(page, 'A').getAttribute('data-state')).toBe('active');
    expect(await slot(page, 'A').getAttribute('data-workload')).toBe('W1');
    expect(await slot(page, 'A').getAttribute('data-fit')).toBe('exact');
    expect(await page.locator('#who').textContent()).toContain('alice · operator');
    await page.locator('#live[data-state="live"]').waitFor();
    // A mark on the window: it would be gone after any reload or navigation.
    await page.evaluate('window.__sameDocument = 42');

    await slot(page, 'A').click();
    await page.locator('#detail [data-detail-blade="A"]').waitFor();
    await page.screenshot({ path: join(RESULTS, 'dashboard-blade.png') });
    await page.locator('#fault-kind').selectOption('fail');
    await page.locator('#detail [data-action="fault"]').click();
    await expect.poll(() => page.locator('#action-note').textContent(), { timeout: 10_000 }).toContain('A failed');
    await page.locator('#detail-close').click();

    await page.locator('#enclosures [data-blade="A"][data-state="failed"]').waitFor({ timeout: 30_000 });
    await page
      .locator('#enclosures [data-blade="B"][data-workload="W1"]:not([data-state="transferring"])')
      .waitFor({ timeout: 30_000 });
    await expect
      .poll(() => page.locator('#workload-table tr[data-workload="W1"] td[data-field="blade"]').textContent(), {
        timeout: 30_000,
      })
      .toBe('B');
    expect(await slot(page, 'B').getAttribute('data-fit')).toBe('surplus');
    expect(await page.locator('#event-table tr[data-type="blade.failed"]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(RESULTS, 'dashboard-failover.png') });

    // Why B? D (1000 TB) fits worse; F has the wrong CPU architecture.
    await page.locator('#recent-transfers tr[data-kind="failover"] [data-why]').first().click();
    const why = page.locator('#detail [data-detail-why]');
    await why.waitFor();
    expect(await why.locator('tr.chosen').getAttribute('data-runner')).toBe('B');
    expect(await why.locator('tr[data-runner="D"]').getAttribute('data-lost')).toBe('worse-fit');
    expect(await why.locator('tr[data-runner="F"]').getAttribute('data-lost')).toBe('infeasible');
    // "Why not that blade?": the blades that were no candidate when the round decided, by the eligibility rule. The
    // ones running a workload (C, E) are only counted; every other one is named with its reason: here A, failed. The
    // runners-up (D, and F that cannot fit) were candidates, so they are not in that list.
    expect(await why.locator('[data-excluded="A"]').getAttribute('data-reason')).toBe('failed');
    expect(await why.locator('[data-excluded="A"]').textContent()).toBe('A: failed');
    expect(await why.locator('[data-excluded]').count()).toBe(1);
    expect(await why.locator('[data-reason-count="active"]').getAttribute('data-count')).toBe('2');
    expect(await why.locator('[data-reason-count="failed"]').getAttribute('data-count')).toBe('1');
    await page.screenshot({ path: join(RESULTS, 'dashboard-why.png') });
    await page.locator('#detail-close').click();

    await slot(page, 'A').click();
    await page.locator('#detail [data-detail-blade="A"]').waitFor();
    await page.locator('#detail [data-action="repair"]').click();
    await expect.poll(() => page.locator('#action-note').textContent(), { timeout: 10_000 }).toContain('repaired');
    await page.locator('#detail-close').click();

    // The cascade: W1 goes home to A, an exact fit again, and B returns to the pool.
    await page.locator('#recent-transfers tr[data-kind="cascade"]').first().waitFor({ timeout: 30_000 });
    await page
      .locator('#enclosures [data-blade="A"][data-state="active"][data-workload="W1"][data-fit="exact"]')
      .waitFor({ timeout: 30_000 });
    // B returns to the pool. (A race in the controller's blade observation once marked a just-released blade failed;
    // its regression test is in src/orchestrator/chaos-regressions.test.ts.)
    await page
      .locator('#enclosures [data-blade="B"][data-state="standby"][data-workload=""]')
      .waitFor({ timeout: 30_000 });
    await expect
      .poll(() => page.locator('#workload-table tr[data-workload="W1"] td[data-field="blade"]').textContent(), {
        timeout: 30_000,
      })
      .toBe('A');
    await page.locator('#open-transfers .empty').waitFor({ timeout: 30_000 });

    expect(await page.evaluate('window.__sameDocument')).toBe(42);
    expect(errors).toEqual([]);
    await page.screenshot({ path: join(RESULTS, 'dashboard-desktop.png') });
    await page.screenshot({ path: join(RESULTS, 'dashboard-desktop-full.png'), fullPage: true });
    await context.close();
  }, 120_000);

  it('fits a 390-pixel phone: enclosures wrap, tables scroll inside their frames', async () => {
    const context = await browser!.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await signIn(page, tokens.operator);
    await slot(page, 'F').waitFor();
    await page.locator('#recent-transfers table').waitFor();
    // Nothing wider than the screen: the page itself never scrolls sideways.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    const boxes = await Promise.all(
      ['c1', 'c2'].map((c) => page.locator(`#enclosures [data-chassis="${c}"]`).boundingBox()),
    );
    expect(boxes[1]!.y).toBeGreaterThan(boxes[0]!.y); // stacked, not side by side
    await page.screenshot({ path: join(RESULTS, 'dashboard-phone.png') });
    await context.close();
  }, 60_000);

  it('keeps the excluded list readable at scale: counts first, 50 blades named, then how many more', async () => {
    const context = await browser!.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await signIn(page, tokens.viewer);
    await slot(page, 'A').waitFor();
    // The page's own module, as "Why?" and what-if use it, given what a chassis loss at a large site looks like.
    const drawn = (await page.evaluate(`(async () => {
      const { excludedList } = await import('/dashboard/js/excluded-list.js');
      const blades = Array.from({ length: 130 }, (_, i) => ({
        blade: 'b' + String(i).padStart(5, '0') + '-with-a-long-name-from-the-bmc',
        reason: i < 120 ? 'chassis-unpowered' : 'maintenance',
        text: i < 120 ? 'chassis enclosure-0007-row-12 has no power' : 'in maintenance',
      }));
      const counts = [{ reason: 'active', count: 9000 }, { reason: 'maintenance', count: 10 },
        { reason: 'chassis-unpowered', count: 120 }];
      const el = excludedList({ counts, blades }, 'Not candidates', '');
      el.id = 'scale-check';
      document.getElementById('whatif-result').append(el);
      return {
        counts: el.querySelectorAll('[data-reason-count]').length,
        named: el.querySelectorAll('[data-excluded]').length,
        open: el.querySelector('details').open,
        more: el.querySelector('details > p').textContent,
      };
    })()`)) as Json;
    expect(drawn).toEqual({ counts: 3, named: 50, open: false, more: 'and 80 more' });
    await page.locator('#scale-check summary').click();
    expect(await overflowing(page)).toEqual([]);
    await context.close();
  }, 60_000);

  it('shows a viewer no action button, but lets it ask what-if', async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signIn(page, tokens.viewer);
    await slot(page, 'C').waitFor();
    expect(await page.locator('#who').textContent()).toContain('victor · viewer');
    await slot(page, 'C').click();
    await page.locator('#detail [data-detail-blade="C"]').waitFor();
    expect(await page.locator('[data-action]').count()).toBe(0);
    await page.locator('#detail [data-whatif-pick="C"]').click();
    await page.locator('#whatif [data-whatif="plan"]').click();
    await page.locator('#whatif-result tr[data-plan-workload="W2"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-action]').count()).toBe(0);
    // The what-if names the blades its failovers could not take, the same way "Why?" does: C, failed by the what-if.
    expect(await page.locator('#whatif-result [data-excluded="C"]').getAttribute('data-reason')).toBe('failed');
    expect(await page.locator('#whatif-result [data-reason-count="active"]').getAttribute('data-count')).toBe('2');

    // Signing out forgets the token and takes every piece of data off the page.
    await page.locator('#logout').click();
    await page.locator('#login-form').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    expect(await page.locator('#enclosures [data-blade], #workload-table tr, #whatif-result tr').count()).toBe(0);
    await context.close();
  }, 60_000);

  it('shows what the data center survives, and follows a pool change live', async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signIn(page, tokens.operator);
    const panel = page.locator('#survivability-panel');
    // B and D are the x86_64 spares: any two blades may fail, but chassis c1 takes W1, W2 and the spare B at once.
    await panel.locator('tr[data-domain="blade"][data-survives="2"]').waitFor({ timeout: 30_000 });
    expect(await panel.locator('tr[data-domain="chassis"]').getAttribute('data-survives')).toBe('0');
    await expect
      .poll(() => page.locator('#survivability-verdict').textContent(), { timeout: 30_000 })
      .toMatch(/^survives any 2 blade failures; does not survive chassis c1 /);
    expect(await panel.locator('tr[data-combination="c1"]').count()).toBe(1);
    await page.locator('#survivability').screenshot({ path: join(RESULTS, 'dashboard-survivability.png') });

    // D into maintenance (through the API, as a script would): one x86_64 spare left, and the page says so.
    expect((await api('PUT', '/api/v1/blades/D/maintenance', tokens.operator, { on: true })).status).toBe(200);
    await panel.locator('tr[data-domain="blade"][data-survives="1"]').waitFor({ timeout: 30_000 });
    expect((await api('PUT', '/api/v1/blades/D/maintenance', tokens.operator, { on: false })).status).toBe(200);
    await panel.locator('tr[data-domain="blade"][data-survives="2"]').waitFor({ timeout: 30_000 });
    await context.close();
  }, 90_000);

  it('catches up after the controller restarts (Last-Event-ID), and approves a proposed cascade from the page', async () => {
    const admin = await cascade('token', 'create', '--role', 'admin', '--name', 'ada', '--data', join(dir, 'data'));
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    await signIn(page, tokens.operator);
    await page.locator('#live[data-state="live"]').waitFor();
    await slot(page, 'C').waitFor();
    await page.evaluate('window.__sameDocument = 7');

    // The controller restarts. While it is down an event is written (a token made with the CLI): back up, the
    // page's stream resumes after the last event it saw (Last-Event-ID) and shows it; then C dies, live again.
    const port = new URL(url).port;
    await serve!.stop();
    await page.locator('#live[data-state="reconnecting"]').waitFor({ timeout: 30_000 });
    await cascade('token', 'create', '--role', 'viewer', '--name', 'made-offline', '--data', join(dir, 'data'));
    serve = new ServeChild('cascade serve (restarted)', [
      '--config',
      join(dir, 'cascade.yaml'),
      '--data',
      join(dir, 'data'),
      '--emulator-port',
      '0',
      '--port',
      port,
    ]);
    await serve.waitFor((l) => l.msg === 'ready', 'serve ready again');
    await page.locator('#live[data-state="live"]').waitFor({ timeout: 60_000 });
    await page
      .locator('#event-table tr[data-type="token.created"]', { hasText: 'made-offline' })
      .waitFor({ timeout: 30_000 });
    expect((await api('POST', '/api/v1/emulator/blades/C/faults', tokens.operator, { kind: 'fail' })).status).toBe(202);
    await page.locator('#enclosures [data-blade="C"][data-state="failed"]').waitFor({ timeout: 30_000 });
    await page.locator('#event-table tr[data-type="emulator.fault"]').first().waitFor({ timeout: 30_000 });
    await expect
      .poll(() => page.locator('#workload-table tr[data-workload="W2"] td[data-field="blade"]').textContent(), {
        timeout: 30_000,
      })
      .not.toBe('C');

    // With approval required, the repair of C makes W2's way home a proposal; the operator approves it on the page.
    expect((await api('PATCH', '/api/v1/policy', admin, { requireApproval: true })).status).toBe(200);
    await slot(page, 'C').click();
    await page.locator('#detail [data-action="repair"]').click();
    await expect.poll(() => page.locator('#action-note').textContent(), { timeout: 10_000 }).toContain('repaired');
    await page.locator('#detail-close').click();
    const approve = page.locator('#proposal-table tr[data-status="proposed"] [data-action="approve"]').first();
    await approve.waitFor({ timeout: 30_000 });
    await approve.click();
    await page
      .locator('#enclosures [data-blade="C"][data-state="active"][data-workload="W2"]')
      .waitFor({ timeout: 30_000 });
    expect(await page.evaluate('window.__sameDocument')).toBe(7);

    // Maintenance from the page: D leaves the pool, then comes back.
    await slot(page, 'D').click();
    await page.locator('#detail [data-action="maintenance-on"]').click();
    await page.locator('#detail [data-action="maintenance-off"]').waitFor({ timeout: 10_000 });
    await page.locator('#enclosures [data-blade="D"][data-state="maintenance"]').waitFor({ timeout: 10_000 });
    await page.locator('#detail [data-action="maintenance-off"]').click();
    await page.locator('#detail [data-action="maintenance-on"]').waitFor({ timeout: 10_000 });
    await page.locator('#detail-close').click();
    await page.locator('#enclosures [data-blade="D"][data-state="standby"]').waitFor({ timeout: 10_000 });

    // Text from the API is text: markup in a requirement shows as written and never becomes an element.
    const markup = '<img src=x onerror="window.__xss=1">';
    expect(
      (
        await api('PUT', '/api/v1/workloads/W3/requirements', tokens.operator, {
          requirements: { memoryGiB: 128, cpuCount: 16, storageTB: 8, cpuArch: 'x86_64', note: markup },
        })
      ).status,
    ).toBe(200);
    await expect
      .poll(() => page.locator('#workload-table tr[data-workload="W3"] td[data-field="requirements"]').textContent(), {
        timeout: 30_000,
      })
      .toContain(markup);
    expect(await page.locator('#dashboard img').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    await context.close();
  }, 120_000);

  it('shows a chassis loss workloads first: the headline counts them down, a banner, where each went; nothing clipped', async () => {
    const context = await browser!.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await signIn(page, tokens.operator);
    await slot(page, 'A').waitFor();
    await page.locator('#headline [data-count="running"][data-value="3"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('#headline [data-count="down"]').getAttribute('data-value')).toBe('0');

    // Destructive buttons ask first: declined, nothing happens.
    const asked: string[] = [];
    page.once('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.dismiss();
    });
    await slot(page, 'E').click();
    await page.locator('#detail [data-action="fault"]').click();
    await expect.poll(() => asked.length, { timeout: 10_000 }).toBe(1);
    expect(asked[0]).toMatch(/^Inject "fail" into E\? W3 will fail over$/);
    expect(await page.locator('#action-note').count()).toBe(0);
    page.once('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.dismiss();
    });
    await page.locator('#detail [data-action="maintenance-on"]').click();
    await expect.poll(() => asked.length, { timeout: 10_000 }).toBe(2);
    expect(asked[1]).toContain('W3 moves to another blade first');
    await page.locator('#detail-close').click();
    expect(await slot(page, 'E').getAttribute('data-state')).toBe('active');

    // Chassis c1 loses power: A, B and C at once. D is the only x86_64 spare: W1 (priority 1) gets it, W2 waits.
    expect(await cascade('fault', 'chassis-power-loss', 'c1', '--data', join(dir, 'data'))).toContain('c1');
    await page.locator('#headline [data-count="down"][data-value="1"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('#headline-summary').textContent()).toMatch(/^DOWN: 1 of 3 workload\(s\) not running$/);
    await page.locator('#down-list [data-down="W2"]').waitFor({ timeout: 30_000 });
    const banner = page.locator('#alarm-banner');
    await banner.locator('[data-alarm="workload.down/W2"]').waitFor({ timeout: 30_000 });
    expect(await banner.isVisible()).toBe(true);
    expect(await banner.getAttribute('class')).toContain('banner-critical');
    const top = await banner.boundingBox();
    expect(top!.y).toBeLessThan(200); // at the top of the page, not somewhere down it
    await page.locator('#enclosures [data-blade="A"][data-departed="W1 → D"]').waitFor({ timeout: 30_000 });
    expect(await slot(page, 'C').getAttribute('data-departed')).toBe('W2 down');
    expect(await page.locator('#open-transfers .empty').textContent()).toContain('1 workload(s) are down');
    await page.screenshot({ path: join(RESULTS, 'dashboard-chassis-loss-desktop.png'), fullPage: true });
    expect(await overflowing(page)).toEqual([]);

    // Why D? B was the better fit, but its chassis had no power when the round decided: not a candidate, and why.
    const whyD = await openWhy(page, 'A → D');
    expect(await whyD.locator('[data-excluded="B"]').getAttribute('data-reason')).toBe('chassis-unpowered');
    expect(await whyD.locator('[data-excluded="B"]').textContent()).toBe('B: chassis c1 has no power');
    await page.screenshot({ path: join(RESULTS, 'dashboard-why-chassis-loss.png') });
    expect(await overflowing(page)).toEqual([]);
    await page.locator('#detail-close').click();
    // B's own page says the same, in the same words.
    await slot(page, 'B').click();
    await expect
      .poll(() => page.locator('#detail [data-detail-blade="B"] [data-not-target]').textContent(), { timeout: 30_000 })
      .toBe('Not a failover target: chassis c1 has no power');
    expect(await overflowing(page)).toEqual([]);
    await page.locator('#detail-close').click();

    const phone = await browser!.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const small = await phone.newPage();
    await signIn(small, tokens.operator);
    await small.locator('#headline [data-count="down"][data-value="1"]').waitFor({ timeout: 30_000 });
    await small.locator('#alarm-banner [data-alarm="workload.down/W2"]').waitFor({ timeout: 30_000 });
    await small.locator('#recent-transfers table').waitFor();
    expect(await small.locator('#alarm-banner').isVisible()).toBe(true);
    await small.screenshot({ path: join(RESULTS, 'dashboard-chassis-loss-phone.png'), fullPage: true });
    expect(await overflowing(small)).toEqual([]);
    expect(await small.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await (await openWhy(small, 'A → D')).locator('[data-excluded="B"][data-reason="chassis-unpowered"]').waitFor();
    await small.screenshot({ path: join(RESULTS, 'dashboard-why-phone.png') });
    expect(await overflowing(small)).toEqual([]);
    await small.locator('#detail-close').click();

    // An operator acknowledges the alarm from the banner.
    await page.locator('#alarm-banner [data-ack="workload.down/W2"]').click();
    await page
      .locator('#alarm-banner [data-alarm="workload.down/W2"]', { hasText: 'acknowledged by token:alice' })
      .waitFor({ timeout: 30_000 });
    expect(errors).toEqual([]);
    await phone.close();
    await context.close();
  }, 120_000);
});

/** Opens "Why?" of the latest failover whose row reads `fromTo` ("A → D") and waits for it. */
async function openWhy(page: Page, fromTo: string) {
  await page
    .locator('#recent-transfers tr[data-kind="failover"]', { hasText: fromTo })
    .first()
    .locator('[data-why]')
    .click();
  const why = page.locator('#detail [data-detail-why]');
  await why.waitFor();
  return why;
}

/**
 * Every visible element of the page whose content is wider or taller than its box and cut off or spilling over:
 * scroll containers (tables' frames) are allowed to scroll, nothing else may clip. Named by tag, id, class, text.
 */
async function overflowing(page: Page): Promise<string[]> {
  // A string, not a function: this file is compiled without the DOM's types; the page runs it as it is.
  return page.evaluate(OVERFLOW_CHECK) as Promise<string[]>;
}

const OVERFLOW_CHECK = `(() => {
  const out = [];
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const insideScroller = (el) => {
    for (let p = el.parentElement; p !== null; p = p.parentElement) if (scrolls(p)) return true;
    return false;
  };
  for (const el of Array.from(document.querySelectorAll('body *'))) {
    if (el.offsetParent === null) continue; // not rendered
    if (scrolls(el) || el.closest('.table-wrap, dialog:not([open]), select, option, script, style') !== null) continue;
    const wide = el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0;
    // Inside a frame that scrolls sideways (the tables, the phone's section links) an element may reach past the page.
    const beyond = el.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !insideScroller(el);
    if (wide || beyond) {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + el.className;
      out.push(name + ': ' + el.scrollWidth + '>' + el.clientWidth + (beyond ? ' beyond the page' : '') + ' "' + (el.textContent || '').slice(0, 40) + '"');
    }
  }
  return out;
})()`;

if (!HAVE_CHROMIUM) {
  describe('the dashboard in Chromium', () => {
    it.skip(`skipped: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`, () => {});
  });
}
