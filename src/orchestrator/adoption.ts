// Adopting many running workloads at once (a first start on a full data center): their requirements are asked of
// the driver a few at a time and the records are committed in batches, not one round trip and one commit each.
import { deriveRequirements } from '../core/requirements.js';
import type { BladeRecord, NewAuditEvent, WorkloadRecord } from '../ports/store.js';
import type { ControllerContext, RunningWorkload } from './controller-context.js';
import { fanOut } from './fan-out.js';

/** Driver reads in flight at once while adopting. */
const READS_AT_ONCE = 8;
/** Workloads per commit: one transaction each, small enough that no other writer waits long. */
const PER_COMMIT = 250;

export interface Adopted {
  readonly adopted: string[];
  readonly failed: { readonly workload: string; readonly blade: string; readonly error: string }[];
}

/**
 * Adopts `running` (each on a known, free blade; the caller checked and holds the exclusive section). A workload
 * whose driver does not answer is left out and reported; the next discovery tries it again.
 */
export async function adoptAll(
  c: ControllerContext,
  running: readonly RunningWorkload[],
  blades: ReadonlyMap<string, BladeRecord>,
  actor: string,
): Promise<Adopted> {
  const { store, workloads, clock } = c.o;
  const records: { workload: WorkloadRecord; blade: BladeRecord }[] = [];
  const failed: Adopted['failed'][number][] = [];
  await fanOut(clock, running, { width: READS_AT_ONCE, spreadMs: 0 }, async (w) => {
    const blade = blades.get(w.blade);
    try {
      if (!blade) throw new Error(`unknown blade ${w.blade}`);
      const [declared, samples] = await Promise.all([workloads.declared(w.id), workloads.samples(w.id)]);
      const derived = deriveRequirements({ declared, samples, host: blade.resources });
      if (!derived) throw new Error('no requirements from the driver, its samples or the blade');
      records.push({
        blade,
        workload: {
          id: w.id,
          requirements: derived.requirements,
          source: derived.source,
          priority: w.priority ?? 0,
          blade: w.blade,
          state: 'running',
          movedAt: null,
          pendingReason: null,
        },
      });
    } catch (error) {
      failed.push({ workload: w.id, blade: w.blade, error: error instanceof Error ? error.message : String(error) });
    }
  });
  // In the order they were found, so the audit log reads as the listing did.
  const order = new Map(running.map((w, i) => [w.id, i]));
  records.sort((a, b) => order.get(a.workload.id)! - order.get(b.workload.id)!);
  for (let i = 0; i < records.length; i += PER_COMMIT) {
    const batch = records.slice(i, i + PER_COMMIT);
    const events: NewAuditEvent[] = batch.map((r) =>
      c.event(actor, 'workload.adopted', r.workload.id, { blade: r.workload.blade, source: r.workload.source }),
    );
    await store.commit({
      workloads: batch.map((r) => r.workload),
      blades: batch.map((r) => ({ ...r.blade, state: 'active' as const })),
      events,
    });
  }
  if (records.length > 0) c.queue.add('plan');
  return { adopted: records.map((r) => r.workload.id), failed };
}
