// The transfer reconciler: drives one transfer through its steps; a waiting one (an unconfirmed fence) is retried.
import type { TransferRecord } from '../../ports/store.js';
import { moved, type ControllerContext, type Reconciler } from '../controller-context.js';
import { Executor } from '../executor.js';

export class TransferReconciler implements Reconciler {
  private readonly executor: Executor;

  constructor(private readonly c: ControllerContext) {
    const { o, timing, log } = c;
    this.executor = new Executor(
      {
        hardware: o.hardware,
        workloads: o.workloads,
        storage: o.storage,
        store: o.store,
        clock: o.clock,
        timing,
        fenceConfirmed: (blade) => c.fenceConfirmations.get(blade) ?? null,
        ...(o.fencing ? { fencing: o.fencing } : {}),
      },
      {
        onStep: (t, step) =>
          log({
            level: step.status === 'failed' ? 'warn' : 'info',
            msg: `step ${step.name} ${step.status}`,
            transfer: t.id,
            workload: t.workload,
            kind: t.kind,
            from: t.from,
            to: t.to,
            attempt: step.attempt,
            ...(step.error ? { error: step.error } : {}),
          }),
        onSettled: (t) => this.settled(t),
        onRetry: (t, step, error, tries) =>
          log({
            level: 'warn',
            msg: `step ${step} retrying: ${error.message}`,
            transfer: t.id,
            workload: t.workload,
            step,
            tries,
          }),
      },
    );
  }

  async sync(id: string): Promise<number | null> {
    const t = await this.c.o.store.transfer(id);
    if (t?.status === 'waiting') await this.executor.retryWaiting(id);
    else await this.executor.drive(id);
    return null;
  }

  private settled(t: TransferRecord): void {
    const { c } = this;
    moved(c, t);
    c.log({
      level: t.status === 'done' ? 'info' : 'warn',
      msg: `transfer ${t.status}`,
      transfer: t.id,
      workload: t.workload,
      kind: t.kind,
      from: t.from,
      to: t.to,
      ...(t.reason ? { reason: t.reason } : {}),
    });
    // An unconfirmed fence: try again later; nothing else happens to this workload meanwhile.
    if (t.status === 'waiting') c.queue.addAfter(`transfer:${t.id}`, c.timing.maxBackoffMs);
    c.queue.add('plan');
  }
}
