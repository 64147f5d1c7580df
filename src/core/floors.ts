// Hard floors (DESIGN section 3): which keys of a workload a blade must meet to be feasible at all. The policy's
// hardKeys make a requirement its own floor; a workload's `minimum` names floors of its own, below its requirement.
import { NO_FLOORS } from './fit.js';
import type { Policy, Workload } from './model.js';

type Floors = Readonly<Record<string, number>>;

const cache = new WeakMap<Workload, { readonly hardKeys: readonly string[] | undefined; readonly floors: Floors }>();

/**
 * The floors of one workload under one policy: the same object for the same workload and hardKeys, so fit memos
 * (shape.ts) key them cheaply. NO_FLOORS when there are none, which keeps every plain workload on one memo row.
 */
export function floorsOf(
  workload: Pick<Workload, 'requirements' | 'minimum'>,
  policy: Pick<Policy, 'hardKeys'>,
): Floors {
  const hardKeys = policy.hardKeys;
  const known = cache.get(workload as Workload);
  if (known !== undefined && known.hardKeys === hardKeys) return known.floors;
  const floors = computeFloors(workload, hardKeys ?? []);
  cache.set(workload as Workload, { hardKeys, floors });
  return floors;
}

function computeFloors(workload: Pick<Workload, 'requirements' | 'minimum'>, hardKeys: readonly string[]): Floors {
  const out: Record<string, number> = {};
  for (const key of hardKeys) {
    const required = workload.requirements[key];
    if (typeof required === 'number' && required > 0) out[key] = required;
  }
  // The workload's own minimum is the more specific word: it may lower a hard key's floor below the requirement.
  for (const [key, value] of Object.entries(workload.minimum ?? {})) if (value > 0) out[key] = value;
  return Object.keys(out).length === 0 ? NO_FLOORS : Object.freeze(out);
}
