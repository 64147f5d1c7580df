// Takes the README's screenshot (docs/dashboard.png): `npm start`'s data center of 56 blades in a temporary
// directory, a blade failed through the API, and the page caught while the failover runs.
// Run: npx tsx test/dashboard/readme-screenshot.ts [OUT.png]   (needs /usr/bin/chromium and a built dist/)
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { BIN, ROOT, ServeChild } from '../serve/serve-child.js';

const out = process.argv[2] ?? join(ROOT, 'docs', 'dashboard.png');
const dir = mkdtempSync(join(tmpdir(), 'cascade-screenshot-'));
const serve = new ServeChild('cascade serve', [
  '--data',
  join(dir, 'data'),
  '--emulator-port',
  '0',
  '--port',
  '0',
  '--log-format',
  'json',
]);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
    '--disable-sync',
  ],
});
try {
  const url = String(
    (await serve.waitFor((l) => typeof l['url'] === 'string' && l.msg.startsWith('API listening'), 'the API', 60_000))[
      'url'
    ],
  );
  await serve.waitFor((l) => l.msg === 'ready', 'ready', 60_000);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [BIN, 'token', 'create', '--role', 'operator', '--name', 'alice', '--data', join(dir, 'data')],
    { cwd: ROOT },
  );
  const token = stdout.trim();
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${url}/`);
  await page.locator('#token').fill(token);
  await page.locator('#login-form button[type=submit]').click();
  await page.locator('#enclosures [data-blade]').first().waitFor();
  // Let the first placements and cascades of a fresh start finish, so the picture shows one failure at work.
  await page.locator('#open-transfers .empty').waitFor({ timeout: 120_000 });
  for (const blade of ['b0002', 'b0017']) {
    const reply = await fetch(`${url}/api/v1/emulator/blades/${blade}/faults`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'fail' }),
    });
    if (reply.status !== 202) throw new Error(`fault on ${blade}: HTTP ${reply.status} ${await reply.text()}`);
  }
  // Caught mid-failover: a step running in the timeline.
  await page.locator('#open-transfers .step-running').first().waitFor({ timeout: 30_000 });
  for (const blade of ['b0002', 'b0017'])
    await page.locator(`#enclosures [data-blade="${blade}"][data-state="failed"]`).waitFor({ timeout: 30_000 });
  await page.locator('#open-transfers .step-running').first().waitFor({ timeout: 30_000 });
  await page.screenshot({ path: out });
  process.stdout.write(`wrote ${out}\n`);
} finally {
  await browser.close();
  await serve.stop();
  rmSync(dir, { recursive: true, force: true });
}
