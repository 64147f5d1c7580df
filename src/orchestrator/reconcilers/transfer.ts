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
        abortRequested: (id) => c.aborts.get(id) ?? null,
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
    const after = t?.status === 'waiting' ? await this.executor.retryWaiting(id) : await this.executor.drive(id);
    await this.endAbort(after);
    return null;
  }

  /**
   * An abort request ends with its transfer. One that completed anyway was carried past its point of no return by the
   * step that was running when the operator asked: the audit log says so next to the request.
   */
  private async endAbort(t: TransferRecord): Promise<void> {
    const { c } = this;
    const request = c.aborts.get(t.id);
    if (!request || (t.status !== 'done' && t.status !== 'aborted')) return;
    c.aborts.delete(t.id);
    if (t.status !== 'done') return;
    const why = `a step running when the abort was asked moved ${t.workload} onto ${t.to}; it completed there`;
    await c.o.store.commit({
      events: [c.event('controller', 'transfer.abort.refused', t.id, { workload: t.workload, by: request.by, why })],
    });
    c.log({ level: 'warn', msg: `abort of ${t.id} not carried out: ${why}`, transfer: t.id });
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
