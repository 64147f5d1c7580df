// The management-path mix of a chaos run: faults of the Redfish service while blades and workloads run on (the whole
// service down for 1-60 s, its password changed then restored, a System reported Absent or contradicting itself),
// each undone by a timer; what a management-path fault must never become is checked by invariants-healthy.ts.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { createRandom, type Random } from '../sim/random.js';
import type { Schedule } from './schedule.js';
import type { Site } from './site.js';

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected an id');
const at = z.number().int().min(0).max(600_000);
const forMs = z.number().int().min(1).max(120_000);

export const managementActionSchema = z.discriminatedUnion('kind', [
  /** The whole Redfish service drops every connection (its management controller reboots). */
  z.object({ at, kind: z.literal('mgmt-outage'), forMs }),
  /** The BMC password is changed behind the controller's back, and restored after `forMs`. */
  z.object({ at, kind: z.literal('mgmt-password'), forMs }),
  /** The blade is pulled from its bay (State Absent, power gone) and pushed back after `forMs`, off. */
  z.object({ at, kind: z.literal('mgmt-absent'), blade: id, forMs }),
  /** The BMC says the blade is gone while PowerState stays On and the blade runs on. */
  z.object({
    at,
    kind: z.literal('mgmt-contradictory'),
    blade: id,
    state: z.enum(['Absent', 'UnavailableOffline']),
    forMs,
  }),
]);

export type ManagementAction = z.infer<typeof managementActionSchema>;
export type ManagementKind = ManagementAction['kind'];
export const MANAGEMENT_KINDS: readonly ManagementKind[] = managementActionSchema.options.map(
  (o) => o.shape.kind.value,
);

export function isManagementAction(a: { readonly kind: string }): a is ManagementAction {
  return (MANAGEMENT_KINDS as readonly string[]).includes(a.kind);
}

/**
 * An outage's length: mostly a few seconds (a BMC reboot), sometimes up to a minute. Long ones are rare so a campaign
 * stays fast, but every run may draw one; the run waits for it to end before it checks anything.
 */
function outageMs(r: Random): number {
  const p = r.next();
  if (p < 0.7) return 1_000 + r.int(4_000);
  if (p < 0.9) return 5_000 + r.int(15_000);
  return 20_000 + r.int(40_001);
}

/** The same schedule with a management-path mix added: its own random stream, so the seed's faults stay its own. */
export function withManagementMix(schedule: Schedule, count = 3, durationMs = 2_000): Schedule {
  const r = createRandom(schedule.seed * 104_729 + 29);
  const blades = schedule.blades.map((b) => b.id);
  const added: ManagementAction[] = [];
  for (let n = 0; n < count; n++) {
    const t = 200 + r.int(Math.max(1, durationMs - 200));
    const kind = r.weighted<ManagementKind>([
      ['mgmt-outage', 2],
      ['mgmt-password', 1.5],
      ['mgmt-absent', 1],
      ['mgmt-contradictory', 2],
    ]);
    switch (kind) {
      case 'mgmt-outage':
        added.push({ at: t, kind, forMs: outageMs(r) });
        break;
      case 'mgmt-password':
        added.push({ at: t, kind, forMs: 300 + r.int(3_000) });
        break;
      case 'mgmt-absent':
        added.push({ at: t, kind, blade: r.pick(blades), forMs: 200 + r.int(2_000) });
        break;
      case 'mgmt-contradictory':
        added.push({
          at: t,
          kind,
          blade: r.pick(blades),
          state: r.next() < 0.5 ? 'Absent' : 'UnavailableOffline',
          forMs: 300 + r.int(3_000),
        });
        break;
    }
  }
  return { ...schedule, actions: [...schedule.actions, ...added].sort((a, b) => a.at - b.at) };
}

/** Applies the management-path faults of one run and undoes them, on their timers or all at once at the end. */
export class ManagementDesk {
  readonly #undo = new Map<string, { timer: NodeJS.Timeout; undo: () => void }>();
  #outageEnds = 0;

  constructor(private readonly site: Site) {}

  apply(a: ManagementAction): boolean {
    const { world, emulator } = this.site;
    const service = emulator.faults.service;
    switch (a.kind) {
      case 'mgmt-outage':
        // Overlapping outages: the later end wins, as one long reboot.
        this.#outageEnds = Math.max(this.#outageEnds, Date.now() + a.forMs);
        service.outage(this.#outageEnds - Date.now());
        return true;
      case 'mgmt-password': {
        service.changePassword(randomBytes(9).toString('hex'));
        this.#later('password', a.forMs, () => service.changePassword(emulator.credentials.password));
        return true;
      }
      case 'mgmt-absent':
        if (!world.blade(a.blade)) return false;
        emulator.faults.inject(a.blade, { kind: 'state', state: 'Absent', contradictory: false });
        this.#later(`state/${a.blade}`, a.forMs, () => this.#enabled(a.blade));
        return true;
      case 'mgmt-contradictory':
        if (!world.blade(a.blade)) return false;
        emulator.faults.inject(a.blade, { kind: 'state', state: a.state, contradictory: true });
        this.#later(`state/${a.blade}`, a.forMs, () => this.#enabled(a.blade));
        return true;
    }
  }

  /**
   * After the schedule: the password and every State back at once, and the outage waited out rather than cut short
   * (a long outage is the fault under test: nothing may have moved by the time the service answers again).
   */
  async heal(): Promise<void> {
    for (const { timer, undo } of this.#undo.values()) {
      clearTimeout(timer);
      undo();
    }
    this.#undo.clear();
    const left = this.#outageEnds - Date.now();
    if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
    this.site.emulator.faults.service.restore();
  }

  #later(key: string, ms: number, undo: () => void): void {
    const previous = this.#undo.get(key);
    if (previous) clearTimeout(previous.timer);
    const timer = setTimeout(() => {
      this.#undo.delete(key);
      undo();
    }, ms);
    this.#undo.set(key, { timer, undo });
  }

  /** Back in its bay (a pulled blade stays off until powered on); a blade removed meanwhile needs nothing. */
  #enabled(blade: string): void {
    this.site.emulator.faults.service.setState(blade, 'Enabled');
  }
}
