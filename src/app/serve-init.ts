// The store and the world must agree at start: an empty store in front of a world that already runs workloads is a
// lost or misnamed database, not a new data center. Without --init the start is refused, naming what runs; with it,
// every blade is observed first and only then enters the store, so none is a standby on faith and nothing moves.
import { verdictOf, type BladeObservation } from '../core/verdict.js';
import { withDeadline } from '../orchestrator/deadline.js';
import type { Clock } from '../ports/clock.js';
import type { BladeInventory, HardwarePort } from '../ports/hardware.js';
import type { BladeRecord, NewAuditEvent, Store } from '../ports/store.js';
import { ConfigError } from './config.js';

/** Status reads in flight at once while a large data center is observed. */
const AT_ONCE = 8;

export interface StartCheck {
  readonly store: Store;
  readonly hardware: HardwarePort;
  /** What the hypervisor runs, and where (the emulated and libvirt drivers list it). */
  readonly workloads: { list(): Promise<readonly { id: string; state: string; blade: string | null }[]> };
  readonly clock: Clock;
  /** How long one status read may take. */
  readonly callMs: number;
  /** --init: adopt what is observed instead of refusing. */
  readonly init: boolean;
  /** What the world is, for the refusal ("the emulated world in data/world.json", "the configured drivers"). */
  readonly world: string;
  /** The store's name (redacted), for the refusal. */
  readonly storeName: string;
}

/** What the check did: nothing (the store knows the world, or the world runs nothing), or seeded the store. */
export type StartOutcome =
  | { readonly kind: 'agrees' }
  | { readonly kind: 'seeded'; readonly standby: number; readonly failed: readonly string[] };

export async function checkStoreAgainstWorld(o: StartCheck): Promise<StartOutcome> {
  const { store } = o;
  await store.migrate();
  if ((await store.blades()).length > 0 || (await store.workloads()).length > 0) return { kind: 'agrees' };
  const running = (await o.workloads.list()).filter((w) => w.state === 'running' && w.blade !== null);
  if (running.length === 0) return { kind: 'agrees' };
  if (!o.init) {
    const named = running
      .slice(0, 5)
      .map((w) => `${w.id} on ${w.blade}`)
      .join(', ');
    const more = running.length > 5 ? ` and ${running.length - 5} more` : '';
    throw new ConfigError(
      `the store ${o.storeName} is empty, but ${o.world} already runs ${running.length} workload(s) ` +
        `(${named}${more}): start with --init to adopt what runs there (every blade's health is read first, ` +
        'nothing is moved), or point --db at the store that manages it',
    );
  }
  const hosts = new Set(running.map((w) => w.blade!));
  const listed = await o.hardware.inventory(new Set());
  const seen = await observeAll(o, listed);
  const records: BladeRecord[] = [];
  const events: NewAuditEvent[] = [];
  const failed: string[] = [];
  const at = o.clock.now();
  for (const [i, b] of listed.entries()) {
    const observation = seen[i]!;
    const { verdict, reason } = verdictOf(observation, hosts.has(b.id));
    // Only a blade that answered, healthy (or merely degraded) with its power known, may be a standby: anything
    // else waits, failed, for an operator's repair after a check; a workload running on it is left alone there.
    const usable =
      observation.kind === 'status' &&
      observation.power !== 'unknown' &&
      (verdict === 'healthy' || verdict === 'degraded');
    const state = usable ? 'standby' : 'failed';
    const why = usable ? reason : `at --init: ${reason}`;
    if (!usable) failed.push(b.id);
    records.push({
      id: b.id,
      resources: b.resources,
      state,
      ...(b.location ? { location: b.location } : {}),
      ...(b.name ? { name: b.name } : {}),
      power: observation.kind === 'status' ? observation.power : 'unknown',
      health: observation.kind === 'status' ? observation.health : 'unreachable',
      endpoint: 'driver',
      verdict,
      verdictReason: why,
    });
    events.push({
      at,
      actor: 'controller',
      type: 'blade.added',
      subject: b.id,
      data: { resources: b.resources, init: true },
    });
    if (!usable) events.push({ at, actor: 'controller', type: 'blade.failed', subject: b.id, data: { reason: why } });
  }
  await store.commit({ blades: records, events });
  return { kind: 'seeded', standby: records.length - failed.length, failed };
}

/** Every listed blade's status, a few at a time, each bounded by its deadline; an error is an observation too. */
async function observeAll(o: StartCheck, listed: readonly BladeInventory[]): Promise<BladeObservation[]> {
  const out: BladeObservation[] = new Array(listed.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < listed.length) {
      const i = next++;
      const id = listed[i]!.id;
      try {
        const s = await withDeadline(o.clock, o.hardware.status(id), o.callMs, `status of ${id}`);
        out[i] = { kind: 'status', power: s.power, health: s.health, state: s.state ?? null };
      } catch (error) {
        const code = (error as { readonly code?: unknown } | null)?.code === 'auth' ? 'auth' : 'path';
        out[i] = { kind: 'error', code, message: error instanceof Error ? error.message : String(error) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(AT_ONCE, listed.length) }, worker));
  return out;
}
