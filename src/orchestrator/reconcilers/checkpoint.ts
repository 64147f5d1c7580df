// The checkpoint reconciler: snapshots running workloads, so a failover from a dead blade restores the latest one.
import { EVERY, type ControllerContext, type Reconciler } from '../controller-context.js';
import { withDeadline } from '../deadline.js';

export class CheckpointReconciler implements Reconciler {
  constructor(
    private readonly c: ControllerContext,
    private readonly everyMs: number,
  ) {}

  async sync(id: string): Promise<number | null> {
    if (id !== EVERY) {
      await this.checkpoint(id, 'controller');
      return null;
    }
    for (const w of await this.c.o.store.workloads()) if (w.state === 'running') this.c.queue.add(`checkpoint:${w.id}`);
    return this.everyMs > 0 ? this.everyMs : null;
  }

  /** Snapshots a running workload through its driver and keeps it in the store; returns its sequence. */
  async checkpoint(workload: string, actor: string): Promise<number | null> {
    const { store, workloads, clock } = this.c.o;
    const w = await store.workload(workload);
    if (w?.state !== 'running' || w.blade === null) return null;
    const snapshot = await withDeadline(
      clock,
      workloads.checkpoint(workload, w.blade),
      this.c.timing.callMs,
      `checkpoint of ${workload}`,
    );
    await store.commit({
      checkpoints: [{ ...snapshot, takenAt: clock.now() }],
      events: [
        this.c.event(actor, 'workload.checkpointed', workload, { blade: snapshot.blade, sequence: snapshot.sequence }),
      ],
    });
    return snapshot.sequence;
  }
}
