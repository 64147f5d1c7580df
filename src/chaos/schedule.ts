// A chaos run's whole plan, made from one seed: the data center it starts with and the faults, operator actions and
// controller kills it goes through, at times in ms from the start. Plain JSON, so a failing run can be replayed.
import { z } from 'zod';
import { createRandom, type Random } from '../sim/random.js';
import { idSchema, withNumericQuantities } from '../wire/ids.js';
import { chaosWorldSchema, fencingActionSchema } from './fencing-actions.js';
import { managementActionSchema } from './management-actions.js';
import { operatorActionSchema } from './operator-actions.js';

const id = idSchema;
const resources = withNumericQuantities(z.record(z.string().min(1), z.union([z.number().min(0), z.string()])));
const at = z.number().int().min(0).max(600_000);
const span = z.number().int().min(1).max(600_000);

export const siteBladeSchema = z.object({
  id,
  resources,
  chassis: id,
  slot: z.number().int().min(1),
  power: z.enum(['on', 'off']),
  powerDelayMs: z.number().int().min(0).max(60_000),
});
export const siteWorkloadSchema = z.object({ id, requirements: resources, blade: id });

export const actionSchema = z.discriminatedUnion('kind', [
  z.object({ at, kind: z.literal('fail'), blade: id }),
  z.object({ at, kind: z.literal('power-loss'), blade: id }),
  z.object({ at, kind: z.literal('chassis-power-loss'), chassis: id }),
  z.object({ at, kind: z.literal('memory-fault'), blade: id }),
  z.object({ at, kind: z.literal('network-loss'), blade: id, hang: z.boolean(), forMs: span }),
  z.object({
    at,
    kind: z.literal('flap'),
    blade: id,
    times: z.number().int().min(1).max(20),
    periodMs: z.number().int().min(10).max(10_000),
  }),
  z.object({ at, kind: z.literal('slow'), blade: id, delayMs: span, forMs: span }),
  z.object({ at, kind: z.literal('malformed'), blade: id, forMs: span }),
  z.object({ at, kind: z.literal('add-blade'), blade: siteBladeSchema }),
  z.object({ at, kind: z.literal('repair'), blade: id }),
  z.object({
    at,
    kind: z.literal('submit'),
    workload: id,
    requirements: resources,
    priority: z.number().int().min(0).max(10),
  }),
  z.object({ at, kind: z.literal('finish'), workload: id }),
  z.object({ at, kind: z.literal('kill'), restartAfterMs: z.number().int().min(0).max(60_000) }),
]);

export const scheduleSchema = z.object({
  /** The seed it was made from (informative once shrunk: the actions are what runs). */
  seed: z.number().int().min(0),
  blades: z.array(siteBladeSchema).min(1),
  workloads: z.array(siteWorkloadSchema),
  /** What the world has beyond its blades (fencing levels, detection timing); absent: the defaults. */
  world: chaosWorldSchema.optional(),
  actions: z.array(z.union([actionSchema, operatorActionSchema, managementActionSchema, fencingActionSchema])),
});

export type SiteBlade = z.infer<typeof siteBladeSchema>;
export type SiteWorkload = z.infer<typeof siteWorkloadSchema>;
export type Action = z.infer<typeof scheduleSchema>['actions'][number];
export type ActionKind = Action['kind'];
export type Schedule = z.infer<typeof scheduleSchema>;

export const ACTION_KINDS: readonly ActionKind[] = actionSchema.options.map((o) => o.shape.kind.value);

export interface ScheduleShape {
  /** How long faults keep coming, in ms. */
  readonly durationMs: number;
  readonly chassis: number;
  readonly bladesPerChassis: number;
  /** How many actions, at most (at least a third of it). */
  readonly maxActions: number;
}

export const DEFAULT_SHAPE: ScheduleShape = { durationMs: 2_000, chassis: 2, bladesPerChassis: 6, maxActions: 10 };

const MEMORY = [64, 128, 256] as const;
const CORES = [16, 32, 64] as const;
const ARCH = ['x86_64', 'aarch64'] as const;

/** One seed, one schedule, on every machine. */
export function generateSchedule(seed: number, shape: ScheduleShape = DEFAULT_SHAPE): Schedule {
  const r = createRandom(seed);
  const blades: SiteBlade[] = [];
  for (let c = 1; c <= shape.chassis; c++) {
    for (let s = 1; s <= shape.bladesPerChassis; s++)
      blades.push(newBlade(r, `b${c}${String(s).padStart(2, '0')}`, `c${c}`, s, 'on'));
  }
  // About two thirds run a workload; the rest are the cold standby pool (powered off).
  const hosts = r.shuffled(blades).slice(0, Math.round(blades.length * 0.65));
  const workloads: SiteWorkload[] = hosts.map((b, n) => ({
    id: `w${String(n + 1).padStart(2, '0')}`,
    requirements: newRequirements(r),
    blade: b.id,
  }));
  const hosting = new Set(hosts.map((b) => b.id));
  const site = blades.map((b) => (hosting.has(b.id) ? b : { ...b, power: 'off' as const }));

  const bladeIds = site.map((b) => b.id);
  const workloadIds = workloads.map((w) => w.id);
  const chassis = [...new Set(site.map((b) => b.chassis))];
  const count = Math.max(
    1,
    Math.ceil(shape.maxActions / 3) + r.int(shape.maxActions - Math.ceil(shape.maxActions / 3) + 1),
  );
  const times = Array.from({ length: count }, () => 200 + r.int(Math.max(1, shape.durationMs - 200))).sort(
    (a, b) => a - b,
  );
  const actions: Action[] = [];
  let added = 0;
  let submitted = 0;
  for (const t of times) {
    const kind = r.weighted<ActionKind>([
      ['fail', 2],
      ['power-loss', 2],
      ['chassis-power-loss', 0.5],
      ['memory-fault', 2],
      ['network-loss', 2],
      ['flap', 1.5],
      ['slow', 1.5],
      ['malformed', 1.5],
      ['add-blade', 1.5],
      ['repair', 3],
      ['submit', 2],
      ['finish', 1.5],
      ['kill', 2.5],
    ]);
    const blade = r.pick(bladeIds);
    switch (kind) {
      case 'fail':
      case 'power-loss':
      case 'memory-fault':
      case 'repair':
        actions.push({ at: t, kind, blade });
        break;
      case 'chassis-power-loss':
        actions.push({ at: t, kind, chassis: r.pick(chassis) });
        break;
      case 'network-loss':
        actions.push({ at: t, kind, blade, hang: r.next() < 0.4, forMs: 200 + r.int(1_200) });
        break;
      case 'flap':
        actions.push({ at: t, kind, blade, times: 1 + r.int(4), periodMs: 30 + r.int(200) });
        break;
      case 'slow':
        actions.push({ at: t, kind, blade, delayMs: 50 + r.int(700), forMs: 200 + r.int(1_500) });
        break;
      case 'malformed':
        actions.push({ at: t, kind, blade, forMs: 100 + r.int(1_000) });
        break;
      case 'add-blade': {
        added++;
        const fresh = newBlade(
          r,
          `n${String(added).padStart(2, '0')}`,
          r.pick(chassis),
          shape.bladesPerChassis + added,
          'off',
        );
        bladeIds.push(fresh.id);
        actions.push({ at: t, kind, blade: fresh });
        break;
      }
      case 'submit': {
        submitted++;
        const workload = `s${String(submitted).padStart(2, '0')}`;
        workloadIds.push(workload);
        actions.push({ at: t, kind, workload, requirements: newRequirements(r), priority: r.int(3) });
        break;
      }
      case 'finish':
        actions.push({ at: t, kind, workload: r.pick(workloadIds) });
        break;
      case 'kill':
        actions.push({ at: t, kind, restartAfterMs: r.int(400) });
        break;
    }
  }
  return { seed, blades: site, workloads, actions };
}

function newBlade(r: Random, bladeId: string, chassis: string, slot: number, power: 'on' | 'off'): SiteBlade {
  const memoryGiB = r.pick(MEMORY);
  return {
    id: bladeId,
    resources: { memoryGiB, cpuCount: r.pick(CORES), storageTB: r.pick([2, 4, 8]), cpuArch: r.pick(ARCH) },
    chassis,
    slot,
    power,
    powerDelayMs: 50 + r.int(150),
  };
}

function newRequirements(r: Random): Record<string, number> {
  return {
    memoryGiB: r.pick([32, 48, 64, 96, 128, 200]),
    cpuCount: r.pick([8, 16, 24, 32]),
    storageTB: r.pick([1, 2, 4]),
  };
}

/** How many of each kind a schedule holds (for the campaign's figures). */
export function countKinds(actions: readonly Action[]): Record<ActionKind, number> {
  const counts = Object.fromEntries(ACTION_KINDS.map((k) => [k, 0])) as Record<ActionKind, number>;
  for (const a of actions) counts[a.kind] = (counts[a.kind] ?? 0) + 1;
  return counts;
}
