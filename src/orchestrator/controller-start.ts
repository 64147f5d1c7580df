// A controller's first moments: the stored policy and approvals, every unfinished transfer resumed, then the sweeps.
import { DEFAULT_POLICY, type Policy } from '../core/model.js';
import { EVERY, type ControllerContext, type ControllerOptions } from './controller-context.js';

/** The live defaults differ from the simulator's in one place: cooldown (DESIGN section 4). */
export const LIVE_POLICY: Policy = { ...DEFAULT_POLICY, cooldownSeconds: 600 };

/** Reads what the store says rules (the policy, the approvals) and queues every record it must look at again. */
export async function resumeFromStore(c: ControllerContext, options: ControllerOptions): Promise<void> {
  const { store } = options;
  await store.migrate();
  const stored = await store.policy();
  if (stored) c.policy = stored;
  else {
    c.policy = options.policy ?? LIVE_POLICY;
    await store.commit({ policy: c.policy, events: [c.event('controller', 'policy.set', 'policy', {})] });
  }
  await c.approvals.load(store); // approvals survive a restart
}

/** Queues the unfinished transfers, every blade and a first plan, then the sweeps that repeat on their periods. */
export async function queueInitialWork(c: ControllerContext, options: ControllerOptions): Promise<void> {
  const { store } = options;
  const open = await store.transfers({ open: true });
  for (const t of open) c.queue.add(`transfer:${t.id}`);
  if (open.length > 0)
    c.log({ level: 'info', msg: `resuming ${open.length} unfinished transfer(s)`, transfers: open.map((t) => t.id) });
  // Every known blade is observed once now, by a sweep (bounded, spread), which then comes back every pollMs.
  c.queue.add(`blade:${EVERY}`);
  c.queue.add('plan');
  // The other sweeps first run after their period.
  if ((options.checkpointMs ?? 300_000) > 0) c.queue.addAfter(`checkpoint:${EVERY}`, options.checkpointMs ?? 300_000);
  // The first discovery is the caller's (it may submit workloads after it); later ones are the queue's.
  if (options.discovery && options.discovery.everyMs > 0) c.queue.addAfter('discover', options.discovery.everyMs);
}
