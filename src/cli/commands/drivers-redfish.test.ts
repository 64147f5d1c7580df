// `cascade drivers check` on a Redfish-only site file, against DMTF's public-bladed mockup and the quirks fixtures:
// one row per blade with its mapped resources, the auth chosen and the event paths; read-only; exit 1 with a named
// reason where an endpoint or a blade cannot be managed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { serveMockup, type MockupServer } from '../../adapters/redfish/testing/mockup-server.js';
import { DMTF_PUBLIC_BLADED as DMTF } from '../../adapters/redfish/testing/dmtf-mockup.js';
import { runCli } from '../testing/run-cli.js';

const QUIRKS = join(import.meta.dirname, '..', '..', 'adapters', 'redfish', 'testing', 'quirks-mockup');
const CREDENTIALS = { username: 'ops', password: 'check-6a1f' };

let dir: string;
let dmtf: MockupServer;
let quirks: MockupServer;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cascade-drivers-redfish-'));
  dmtf = await serveMockup(DMTF, CREDENTIALS);
  dmtf.login = 'ok';
  quirks = await serveMockup(QUIRKS, CREDENTIALS);
  process.env['CASCADE_TEST_REDFISH_PASSWORD'] = CREDENTIALS.password;
});
afterEach(async () => {
  await dmtf.close();
  await quirks.close();
  rmSync(dir, { recursive: true, force: true });
});

const site = (endpoints: object[]): string => {
  const file = join(dir, 'site.yaml');
  writeFileSync(file, YAML.stringify({ redfish: endpoints }));
  return file;
};
const endpoint = (name: string, url: string, extra: object = {}) => ({
  name,
  url,
  username: CREDENTIALS.username,
  passwordEnv: 'CASCADE_TEST_REDFISH_PASSWORD',
  timeoutMs: 1_000,
  ...extra,
});

describe('cascade drivers check (redfish)', () => {
  it('checks every endpoint read-only and prints one row per blade with its mapped resources', async () => {
    const file = site([endpoint('encl-dmtf', dmtf.url), endpoint('quirks', quirks.url)]);
    const { code, out, err } = await runCli(['drivers', 'check', file]);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain(`Redfish encl-dmtf (${dmtf.url}): 4 System(s)`);
    expect(out).toContain('auth: session (a session from /redfish/v1/SessionService/Sessions)');
    expect(out).toContain('auth: basic (the service root links no Sessions collection)');
    expect(out).toContain('events: push subscriptions');
    const rows = out.split('\n').filter((l) => /^(encl-dmtf|quirks) /.test(l));
    expect(rows).toHaveLength(4 + 4);
    const row = rows.find((l) => l.includes('529QB9450R6'))!;
    expect(row).toMatch(
      /Bladed System\s+MultiBladeEncl Blade 1\s+memoryGiB=64 cpuCount=4 cpuThreads=8 .*storageTB=0\s+on\s+ok\s+Enabled/,
    );
    expect(rows.find((l) => l.includes('sockets-only'))).toContain('no CoreCount and no TotalCores');
    expect(rows.find((l) => l.includes('empty-bay'))).toContain('Status.State is Absent');
    // Read-only: nothing but the login was POSTed, nothing subscribed.
    for (const server of [dmtf, quirks]) {
      expect(server.requests.filter((r) => r.method === 'POST' && !r.path.endsWith('/Sessions'))).toEqual([]);
      expect(server.subscriptions.size).toBe(0);
    }
    const json = JSON.parse((await runCli(['drivers', 'check', file, '--json'])).out) as {
      redfish: { blades: unknown[] }[];
    };
    expect(json.redfish.map((e) => e.blades.length)).toEqual([4, 4]);
  });

  it('exits 1 naming why: refused credentials, a blade that cannot be fenced, an endpoint with no System', async () => {
    await quirks.patch('/redfish/v1/Systems/node-07', {
      Actions: { '#ComputerSystem.Reset': { target: '/x', 'ResetType@Redfish.AllowableValues': ['On', 'Nmi'] } },
    });
    const file = site([
      endpoint('encl-dmtf', dmtf.url, { password: 'wrong-1111', passwordEnv: undefined }),
      endpoint('quirks', quirks.url),
    ]);
    const { code, err } = await runCli(['drivers', 'check', file]);
    expect(code).toBe(1);
    expect(err).toMatch(/encl-dmtf: service root or login: .*login refused \(401\)/);
    expect(err).toContain('quirks node-07: Reset allows On, Nmi: none powers it off, so it cannot be fenced');

    quirks.override('/redfish/v1/Systems', { body: JSON.stringify({ Members: [] }) });
    const empty = await runCli(['drivers', 'check', site([endpoint('quirks', quirks.url)])]);
    expect(empty.code).toBe(1);
    expect(empty.err).toContain('quirks: lists 0 Systems: nothing to manage');
  });
});
