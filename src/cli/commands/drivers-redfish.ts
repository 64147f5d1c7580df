// `cascade drivers check` for a site file's redfish: endpoints, read-only: the service root, the authentication
// chosen and why, every System with its mapped resources, power, Status and Reset types, and what the EventService
// offers. Nothing is changed on the service (a session login and its logout aside); no subscription is made.
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { RedfishHardware } from '../../adapters/redfish/redfish-hardware.js';
import type { Discovery } from '../../adapters/redfish/redfish-inventory.js';
import { secretOf } from '../../app/config.js';
import { redfishEndpoint } from '../../app/config-sections.js';
import type { Resources } from '../../core/model.js';
import { CliError } from '../cli-error.js';

export interface RedfishBladeRow {
  readonly endpoint: string;
  readonly blade: string;
  readonly name: string;
  readonly slot: string;
  readonly resources: Resources;
  readonly power: string;
  readonly health: string;
  readonly state: string;
  readonly reset: string;
  readonly note: string;
  readonly ok: boolean;
}

export interface RedfishEndpointCheck {
  readonly endpoint: string;
  readonly url: string;
  readonly auth: string;
  readonly events: string;
  /** Why this endpoint cannot be managed, or null. */
  readonly problem: string | null;
  readonly blades: RedfishBladeRow[];
}

/** Validates the section (one line naming the field) and builds the endpoints; secrets are read here. */
export function parseRedfishSection(raw: unknown, file: string, baseDir: string): z.infer<typeof redfishEndpoint>[] {
  const parsed = z.array(redfishEndpoint).safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`${file}: redfish.${issue?.path.map(String).join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data.map((r) =>
    r.tls?.caFile && !isAbsolute(r.tls.caFile)
      ? { ...r, tls: { ...r.tls, caFile: resolve(baseDir, r.tls.caFile) } }
      : r,
  );
}

export async function checkRedfish(
  endpoints: readonly z.infer<typeof redfishEndpoint>[],
): Promise<RedfishEndpointCheck[]> {
  return Promise.all(endpoints.map((r, index) => checkEndpoint(r, index)));
}

async function checkEndpoint(r: z.infer<typeof redfishEndpoint>, index: number): Promise<RedfishEndpointCheck> {
  const where = `redfish[${index}]`;
  const name = r.name ?? new URL(r.url).host;
  const fail = (problem: string): RedfishEndpointCheck => ({
    endpoint: name,
    url: r.url,
    auth: '-',
    events: '-',
    problem,
    blades: [],
  });
  let ca: string | undefined;
  let username: string;
  let password: string;
  try {
    username = secretOf(r, 'username', where);
    password = secretOf(r, 'password', where);
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  if (r.tls?.caFile) {
    try {
      ca = await readFile(r.tls.caFile, 'utf8');
    } catch {
      return fail(`${where}.tls.caFile: cannot read ${r.tls.caFile}`);
    }
  }
  const port = new RedfishHardware({
    url: r.url,
    name,
    username,
    password,
    auth: r.auth,
    timeoutMs: r.timeoutMs,
    retries: r.retries,
    ...(r.tls ? { tls: { ...(ca !== undefined ? { ca } : {}), insecure: r.tls.insecure } } : {}),
  });
  try {
    let auth: string;
    try {
      const chosen = await port.auth();
      auth = `${chosen.mode} (${chosen.why})`;
    } catch (error) {
      return fail(`service root or login: ${error instanceof Error ? error.message : String(error)}`);
    }
    let found: Discovery;
    try {
      found = await port.discover();
    } catch (error) {
      return { ...fail(`inventory: ${error instanceof Error ? error.message : String(error)}`), auth };
    }
    const events = await port.eventCapabilities().then(
      (e) =>
        !e.enabled
          ? 'EventService disabled: polling alone'
          : [e.sse ? `SSE (${e.sse})` : null, e.subscriptions ? 'push subscriptions' : null]
              .filter(Boolean)
              .join(' + ') || 'neither SSE nor push: polling alone',
      (error: unknown) =>
        `EventService unreadable (${error instanceof Error ? error.message : String(error)}): polling alone`,
    );
    const blades: RedfishBladeRow[] = [];
    for (const blade of found.blades) {
      const base = {
        endpoint: name,
        blade: blade.id,
        name: blade.name ?? '-',
        slot: slotOf(blade.location),
        resources: blade.resources,
      };
      try {
        const c = await port.check(blade.id);
        const notes = [
          ...(blade.warnings ?? []).map((w) => w.replace(/^blade \S+: \S+: /, '')),
          ...(c.problem ? [c.problem] : []),
        ];
        blades.push({
          ...base,
          power: c.power,
          health: c.health,
          state: c.state ?? '-',
          reset: c.reset?.join(',') ?? '(any)',
          note: notes.join('; '),
          ok: c.problem === null,
        });
      } catch (error) {
        blades.push({
          ...base,
          power: '-',
          health: '-',
          state: '-',
          reset: '-',
          note: error instanceof Error ? error.message : String(error),
          ok: false,
        });
      }
    }
    for (const problem of found.problems) {
      const id = problem.blade ?? '-';
      blades.push({
        endpoint: name,
        blade: id,
        name: '-',
        slot: '-',
        resources: {},
        power: '-',
        health: '-',
        state: '-',
        reset: '-',
        note: problem.message,
        ok: /Absent/.test(problem.message),
      });
    }
    const problem =
      found.blades.length === 0 && found.problems.length === 0 ? 'lists 0 Systems: nothing to manage' : null;
    return { endpoint: name, url: r.url, auth, events, problem, blades };
  } finally {
    await port.close();
  }
}

function slotOf(location: { chassis: string; slot: number; label?: string } | undefined): string {
  if (!location) return '-';
  return `${location.chassis} ${location.label ?? `slot ${location.slot}`}`;
}

export function resourceText(resources: Resources): string {
  return Object.entries(resources)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}
