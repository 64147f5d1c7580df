// Part of the chaos run's quiet test: the controller is not done while a workload its store says runs is not running
// there in the emulator (it crashed, or a hung BMC's blade lost it). Its detector is still counting towards a verdict
// (workload liveness, failAfterMs) and writes nothing to the audit log meanwhile, so a silent log alone is no quiet.
// Past the settle deadline the disagreement stands, and the placement invariant reports it.
import { z } from 'zod';
import type { FakeWorld } from '../adapters/fake/index.js';

/** A page of GET /api/v1/workloads as the API writes it (api/views.ts, pageAfter): `next` is the cursor, or null. */
export const runningPage = z.object({
  items: z.array(z.object({ id: z.string(), blade: z.string().nullable() })),
  next: z.string().nullable(),
});

/** The workloads the store has running whose emulated run is elsewhere or nowhere: what the controller has yet to see. */
export function disagreeing(world: FakeWorld, running: readonly { id: string; blade: string | null }[]): string[] {
  return running
    .filter((w) => {
      const on = world.runningOn(w.id);
      return w.blade === null || on.length !== 1 || on[0] !== w.blade;
    })
    .map((w) => w.id);
}

/** Whether the controller's running workloads all run where it says, read through its API. */
export async function storeAgrees(world: FakeWorld, url: string, token: string): Promise<boolean> {
  const headers = { authorization: `Bearer ${token}` };
  const running: { id: string; blade: string | null }[] = [];
  let after: string | null = null;
  do {
    const query = `state=running&limit=1000${after === null ? '' : `&after=${encodeURIComponent(after)}`}`;
    const page = runningPage.parse(await (await fetch(`${url}/api/v1/workloads?${query}`, { headers })).json());
    running.push(...page.items);
    after = page.next;
  } while (after !== null);
  return disagreeing(world, running).length === 0;
}
