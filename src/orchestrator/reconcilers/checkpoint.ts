// The checkpoint reconciler: snapshots running workloads, so a failover from a dead blade restores the latest one.
import { EVERY, type ControllerContext, type Reconciler } from '../controller-context.js';
import { withDeadline } from '../deadline.js';
import { fanOut } from '../fan-out.js';

/** Checkpoints in flight at once during a sweep: the hypervisor API is shared by every workload. */
const CHECKPOINTS_AT_ONCE = 4;
/** The sweep's starts take this share of its period, so one sweep is done before the next is due. */
const SPREAD = 0.8;

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
    // Spread over the period and bounded, not one queued key per workload: thousands of snapshots fired at once
    // made calls time out, status reads among them, and healthy blades look silent.
    const { clock, store } = this.c.o;
    const started = clock.now();
    const running = (await store.workloads()).filter((w) => w.state === 'running').map((w) => w.id);
    const swept = await fanOut(
      clock,
      running,
      { width: CHECKPOINTS_AT_ONCE, spreadMs: this.everyMs * SPREAD, going: () => this.c.running },
      (id) => this.checkpoint(id, 'controller'),
    );
    // A checkpoint that failed is taken again by the next sweep; one line says how many, not one per workload.
    if (swept.failed > 0)
      this.c.log({
        level: 'warn',
        msg: `checkpoint sweep: ${swept.failed} of ${running.length} failed; the next sweep tries them again`,
        failed: swept.failed,
        errors: swept.errors,
      });
    if (this.everyMs <= 0) return null;
    return Math.max(1, this.everyMs - (clock.now() - started));
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
