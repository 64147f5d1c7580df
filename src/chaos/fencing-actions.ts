// The fencing mix of a chaos run: a blade's BMC hung while its workload dies (the failover must fence it through
// another level), fencing levels that do not answer or answer "done" and do nothing, and an operator who pulls a
// blade's plug and vouches for it (`fence confirm`). The world's fencing levels for the site file live here too.
import { z } from 'zod';
import { FENCE_DEVICE_LEVELS } from '../emulator/fence-faults.js';
import { initiatorOf } from '../emulator/fencing-routes.js';
import type { TransferRecord } from '../ports/store.js';
import { createRandom } from '../sim/random.js';
import type { Schedule } from './schedule.js';
import type { Site } from './site.js';

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected an id');
const at = z.number().int().min(0).max(600_000);
const forMs = z.number().int().min(1).max(120_000);

export const fencingActionSchema = z.discriminatedUnion('kind', [
  /**
   * The BMC hangs and what ran on the blade dies with it: both signals lost, the blade must be fenced. With `workload`,
   * the blade is the one that workload runs on when the action is played (`blade` is where it started).
   */
  z.object({ at, kind: z.literal('fence-hang-kill'), blade: id, workload: id.optional(), forMs }),
  /** One fencing device fails for the blade (does not answer, or answers "done" and does nothing) until its BMC is back. */
  z.object({
    at,
    kind: z.literal('fence-level-fault'),
    blade: id,
    workload: id.optional(),
    level: z.enum(FENCE_DEVICE_LEVELS),
    fault: z.enum(['unreachable', 'ignore']),
  }),
  /** An operator makes sure the blade is off (pulls its power) and vouches for it: `fence confirm`. */
  z.object({ at, kind: z.literal('fence-confirm'), blade: id }),
]);

export type FencingAction = z.infer<typeof fencingActionSchema>;
export type FencingKind = FencingAction['kind'];
export const FENCING_KINDS: readonly FencingKind[] = fencingActionSchema.options.map((o) => o.shape.kind.value);

/** The world a schedule asks for beyond its blades: fencing levels on every blade, a faster failure detection. */
export const chaosWorldSchema = z
  .object({
    /** Every blade fenced through bmc, enclosure, pdu and storage, in that order. */
    fencing: z.boolean(),
    /** detection.failAfterMs of the controller (a suspect blade whose workload is silent too counts as failed). */
    failAfterMs: z.number().int().min(0).max(60_000),
  })
  .partial();

export function isFencingAction(a: { readonly kind: string }): a is FencingAction {
  return (FENCING_KINDS as readonly string[]).includes(a.kind);
}

/** How long a suspect blade with a silent workload waits before it is failed, in the fencing mix. */
export const CHAOS_FAIL_AFTER_MS = 1_500;

/** The same schedule with the fencing mix: its own random stream, and the world given every fencing level. */
export function withFencingMix(schedule: Schedule, count = 2, durationMs = 2_000): Schedule {
  const r = createRandom(schedule.seed * 15_485_863 + 41);
  const added: FencingAction[] = [];
  for (let n = 0; n < count; n++) {
    const t = 200 + r.int(Math.max(1, durationMs - 200));
    // A workload, not its first blade: the first plan's cascades move many workloads before the fault comes, and a
    // hung BMC on a blade that no longer runs anything tests no fence.
    const w = schedule.workloads.length > 0 ? r.pick(schedule.workloads) : null;
    const target =
      w !== null ? { blade: w.blade, workload: w.id } : { blade: r.pick(schedule.blades.map((b) => b.id)) };
    const { blade } = target;
    added.push({ at: t, kind: 'fence-hang-kill', ...target, forMs: 2 * CHAOS_FAIL_AFTER_MS + r.int(4_000) });
    // Some of the other levels fail too, while the BMC hangs: the next one must take over.
    const failing = FENCE_DEVICE_LEVELS.filter(() => r.next() < 0.45);
    for (const level of failing)
      added.push({
        at: t,
        kind: 'fence-level-fault',
        ...target,
        level,
        fault: r.next() < 0.5 ? 'unreachable' : 'ignore',
      });
    // With every level failing, an operator steps in now and then, as the alarm asks.
    if (failing.length === FENCE_DEVICE_LEVELS.length || r.next() < 0.15)
      added.push({ at: t + r.int(1_000), kind: 'fence-confirm', blade });
  }
  return {
    ...schedule,
    world: { ...schedule.world, fencing: true, failAfterMs: CHAOS_FAIL_AFTER_MS },
    actions: [...schedule.actions, ...added].sort((a, b) => a.at - b.at),
  };
}

/** The site file's `fencing:` section (YAML flow style): every blade's four levels at the emulator's own devices. */
export function fencingSection(schedule: Schedule, url: string, timeoutMs: number): string[] {
  const blades = [...schedule.blades, ...schedule.actions.flatMap((a) => (a.kind === 'add-blade' ? [a.blade] : []))];
  const device = `{ name: emu, redfish: { url: '${url}', usernameEnv: CHAOS_REDFISH_USER, passwordEnv: CHAOS_REDFISH_PASSWORD, timeoutMs: ${timeoutMs}, retries: 0 } }`;
  const levels = blades.map(
    (b) =>
      `    ${b.id}: [{ level: bmc }, { level: enclosure, device: emu, chassis: 'Blade-${b.id}' }, { level: pdu, device: emu, outlet: '${b.chassis}/${b.slot}' }, { level: storage, device: emu, initiator: '${initiatorOf(b.id)}' }]`,
  );
  return ['fencing:', `  devices: [${device}]`, '  blades:', ...levels];
}

/** The longest a hung BMC waits for the controller to fail its blade, and an operator for a blade to fail. */
const HOLD_CAP_MS = 12_000;

/**
 * Applies the fencing mix's actions. A hung BMC stays hung until the controller has failed its blade (and at least
 * its `forMs`), then for FENCE_WINDOW_MS more, so the fence runs while the BMC is gone; the levels' faults last until
 * every hung BMC is back. An operator vouches only for a blade the controller failed, after pulling its power.
 */
export class FencingDesk {
  readonly #held: Promise<void>[] = [];
  /** Where each fault of a given time and first blade was played (its workload's blade then), and each blade's latest. */
  readonly #played = new Map<string, string>();
  readonly #latest = new Map<string, string>();

  constructor(
    private readonly site: Site,
    private readonly apiUrl: () => string | null,
  ) {}

  async apply(a: FencingAction): Promise<boolean> {
    const { world, emulator } = this.site;
    const blade = this.#bladeOf(a);
    if (!world.blade(blade)) return false;
    switch (a.kind) {
      case 'fence-hang-kill':
        world.setReachable(blade, false, { hang: true });
        world.crashWorkloads(blade);
        this.#held.push(this.#hold(blade, a.forMs));
        return true;
      case 'fence-level-fault':
        emulator.fencing.set(a.level, blade, a.fault);
        return true;
      case 'fence-confirm': {
        if (!(await this.#failed(blade, Date.now() + HOLD_CAP_MS))) return false;
        // The operator's word must be true: the blade's power is pulled before they vouch for it.
        world.losePower(blade);
        const answer = await this.#request('POST', `/api/v1/blades/${blade}/fence-confirm`, {
          reason: 'chaos: power pulled at the rack',
        });
        return answer !== null;
      }
    }
  }

  /**
   * The blade an action plays on. A hang and the level faults that come with it share a time and a first blade, and
   * whichever is played first decides for all of them (the player starts actions of one time in no fixed order), so
   * the faults meet the hung blade. An operator's `fence confirm` follows its blade's latest hang.
   */
  #bladeOf(a: FencingAction): string {
    if (a.kind === 'fence-confirm' || a.workload === undefined) return this.#latest.get(a.blade) ?? a.blade;
    const key = `${a.at}/${a.blade}`;
    let blade = this.#played.get(key);
    if (blade === undefined) {
      const w = this.site.world.workload(a.workload);
      blade = w?.state === 'running' && w.blade !== null ? w.blade : a.blade;
      this.#played.set(key, blade);
      this.#latest.set(a.blade, blade);
    }
    return blade;
  }

  /** After the schedule: every hung BMC back (waited out: the fault under test), then every level's fault ended. */
  async heal(): Promise<void> {
    await Promise.all(this.#held);
    this.site.emulator.fencing.clear();
  }

  async #hold(blade: string, forMs: number): Promise<void> {
    const started = Date.now();
    await this.#failed(blade, started + HOLD_CAP_MS, true);
    const left = Math.max(started + forMs - Date.now(), FENCE_WINDOW_MS);
    await sleep(left);
    if (this.site.world.blade(blade)) this.site.world.setReachable(blade, true);
  }

  /**
   * Waits until the controller has the blade failed; false when the deadline came first. `hung`: the BMC is held hung
   * meanwhile, through a repair of the blade too (a repair that woke the BMC of a blade whose workload died would
   * leave a healthy blade with a dead workload, a fault of its own that this mix does not test).
   */
  async #failed(blade: string, deadline: number, hung = false): Promise<boolean> {
    while (Date.now() < deadline) {
      const world = this.site.world;
      if (hung && world.blade(blade)?.reachable === 'yes') world.setReachable(blade, false, { hang: true });
      const answer = await this.#request('GET', `/api/v1/blades/${blade}`);
      if ((answer?.body as { state?: unknown } | undefined)?.state === 'failed') return true;
      await sleep(200);
    }
    return false;
  }

  async #request(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown } | null> {
    const url = this.apiUrl();
    if (url === null) return null;
    try {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.site.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      return { status: response.status, body: text.startsWith('{') ? (JSON.parse(text) as unknown) : text };
    } catch {
      // The controller was killed under the call (the schedule kills it): asked again on the next round.
      return null;
    }
  }
}

/** How long a hung BMC stays hung after its blade was failed: the fence runs through the other levels meanwhile. */
const FENCE_WINDOW_MS = 2_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const FENCED_THROUGH = ['bmc', 'enclosure', 'pdu', 'storage', 'operator'] as const;
export type FencedThrough = (typeof FENCED_THROUGH)[number];

/** Failovers that completed, by the level whose fence let them go on (from the fence step's stored proof). */
export function failoversByLevel(transfers: readonly TransferRecord[]): Record<FencedThrough, number> {
  const counts = Object.fromEntries(FENCED_THROUGH.map((l) => [l, 0])) as Record<FencedThrough, number>;
  for (const t of transfers) {
    if (t.kind !== 'failover' || t.status !== 'done') continue;
    const output = t.steps.find((s) => s.name === 'fence' && s.status === 'succeeded')?.output ?? null;
    const level = output === null ? null : levelOf(output);
    if (level !== null && (FENCED_THROUGH as readonly string[]).includes(level)) counts[level as FencedThrough]++;
  }
  return counts;
}

function levelOf(output: string): string | null {
  try {
    const value = JSON.parse(output) as { fence?: { level?: unknown } } | null;
    return typeof value?.fence?.level === 'string' ? value.fence.level : null;
  } catch {
    return null;
  }
}
