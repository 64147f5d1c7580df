// Runs transfers: asks the state machine for the next command, writes the step to the store
// before it runs and after, and carries out completion and aborts with their bookkeeping.
import type { BladeRecord, NewAuditEvent, StepRecord, TransferRecord, WorkloadRecord } from '../ports/store.js';
import { retry, stepTiming } from './deadline.js';
import { faultOf, WORKLOAD_FAULT_PREFIX } from './fault-class.js';
import { parseStepOutput, type StepOutput } from './step-output.js';
import { runStep, type Ports } from './steps.js';
import { alarmEvent } from '../wire/alarms.js';
import type { AuditEventType } from '../wire/events.js';
import type { AbortRequest } from './abort.js';
import { nextCommand, type Command, type StepName } from './transfer-machine.js';

export interface ExecutorHooks {
  /** A transfer ended (done or aborted) or now waits: the controller replans, alerts, etc. */
  readonly onSettled?: (transfer: TransferRecord, command: Command) => void;
  /** Every step as it is written, e.g. for logs. */
  readonly onStep?: (transfer: TransferRecord, step: StepRecord) => void;
  /** A driver call of a step failed and will be retried: once per step and reason (the audit log has every try). */
  readonly onRetry?: (transfer: TransferRecord, step: StepName, error: Error, tries: number) => void;
  /** An operator's standing request to abort the transfer (`transfer abort`), read before every step. */
  readonly abortRequested?: (transfer: string) => AbortRequest | null;
}

export class Executor {
  constructor(
    private readonly ports: Ports,
    private readonly hooks: ExecutorHooks = {},
  ) {}

  /** Drives one transfer until it is done, aborted, or waiting; returns the last record. */
  async drive(id: string): Promise<TransferRecord> {
    for (;;) {
      const transfer = await this.ports.store.transfer(id);
      if (!transfer) throw new Error(`transfer ${id} not found`);
      const source = transfer.from === null ? null : await this.ports.store.blade(transfer.from);
      const command = nextCommand(transfer, {
        sourceFailed: source?.state === 'failed',
        withdrawn: await this.withdrawn(transfer),
        abort: this.hooks.abortRequested?.(id) ?? null,
      });
      switch (command.type) {
        case 'none':
          return transfer;
        case 'run':
          await this.run(transfer, command.step, command.attempt);
          break;
        case 'complete': {
          // Withdrawn between the question and the answer: the loop asks again and unwinds.
          if (await this.withdrawn(transfer)) break;
          return this.settle(command, await this.complete(transfer));
        }
        case 'abort':
          return this.settle(command, await this.abort(transfer, command));
        case 'wait':
          return this.settle(command, await this.wait(transfer, command.step, command.reason));
      }
    }
  }

  /** Runs a step that was waiting (an unconfirmed fence) once more. */
  async retryWaiting(id: string): Promise<TransferRecord> {
    const transfer = await this.ports.store.transfer(id);
    if (transfer?.status !== 'waiting') return transfer!;
    // Asked to abort, the wait may end in an abort rather than another try: the machine decides from the record.
    const abort = this.hooks.abortRequested?.(id) ?? null;
    const command = nextCommand(transfer, abort ? { abort } : {});
    if (command.type === 'wait') await this.run({ ...transfer, status: 'running' }, command.step, command.attempt);
    return this.drive(id);
  }

  private settle(command: Command, settled: TransferRecord): TransferRecord {
    this.hooks.onSettled?.(settled, command);
    return settled;
  }

  private async run(transfer: TransferRecord, step: StepName, attempt: number): Promise<void> {
    const { store, clock } = this.ports;
    const started: StepRecord = {
      name: step,
      status: 'started',
      attempt,
      startedAt: clock.now(),
      endedAt: null,
      error: null,
      output: null,
    };
    let current: TransferRecord = {
      ...transfer,
      status: 'running',
      steps: [...transfer.steps, started],
      updatedAt: clock.now(),
    };
    await store.commit({
      transfers: [current],
      events: [this.event(current, 'transfer.step.started', { step, attempt })],
    });
    this.hooks.onStep?.(current, started);

    let ended: StepRecord;
    let output: StepOutput | null = null;
    const reasons = new Set<string>();
    const timing = stepTiming(step, this.ports.timing);
    const ports = timing === this.ports.timing ? this.ports : { ...this.ports, timing };
    try {
      output = await retry(
        clock,
        timing,
        () => runStep(step, current, (name) => outputOf(current, name), ports),
        async (error, tries) => {
          if (!reasons.has(error.message)) {
            reasons.add(error.message);
            this.hooks.onRetry?.(current, step, error, tries);
          }
          await store.commit({
            events: [this.event(current, 'transfer.step.retry', { step, tries, error: error.message })],
          });
        },
        // A workload the driver does not know, or whose state it cannot use, stays so however long one waits.
        (error) => faultOf(error) === 'workload',
      );
      ended = { ...started, status: 'succeeded', endedAt: clock.now(), output: JSON.stringify(output) };
    } catch (raw) {
      const message = raw instanceof Error ? raw.message : String(raw);
      const fault: StepOutput | null = faultOf(raw) === 'workload' ? { fault: 'workload' } : null;
      ended = {
        ...started,
        status: 'failed',
        endedAt: clock.now(),
        error: message,
        output: fault === null ? null : JSON.stringify(fault),
      };
    }
    current = {
      ...current,
      steps: [...current.steps, ended],
      reason: ended.error ?? current.reason,
      updatedAt: clock.now(),
    };
    const checkpoint =
      output?.checkpoint &&
      (step === 'capture' || step === 'move') &&
      output.source !== 'stored' &&
      output.source !== 'none'
        ? [{ ...output.checkpoint, takenAt: clock.now() }]
        : [];
    const events = [
      this.event(current, `transfer.step.${ended.status}`, {
        step,
        attempt,
        ...(ended.error ? { error: ended.error } : {}),
      }),
    ];
    const fenced = output?.fence;
    if (step === 'fence' && fenced && transfer.steps.some((s) => s.name === 'fence' && s.status === 'failed')) {
      const message = `${fenced.level} (${fenced.device}) confirmed ${transfer.from ?? ''} is off: ${fenced.reading}`;
      events.push(
        alarmEvent('alarm.cleared', clock.now(), 'controller', transfer.id, { kind: 'fence.unconfirmed', message }),
      );
    }
    await store.commit({ transfers: [current], checkpoints: checkpoint, events });
    this.hooks.onStep?.(current, ended);
  }

  /** The workload is on its target: record it there, and for a cascade return the source to the pool. */
  private async complete(transfer: TransferRecord): Promise<TransferRecord> {
    const { store, clock } = this.ports;
    const now = clock.now();
    const workload = await this.workload(transfer);
    const blades: BladeRecord[] = [];
    const target = await store.blade(transfer.to);
    if (target) blades.push({ ...target, state: 'active', power: 'on' });
    const source = transfer.from === null ? null : await store.blade(transfer.from);
    // A failover away from a blade still in service (its workload, not the blade, was down) returns it too.
    if (source && (transfer.kind === 'cascade' || (transfer.kind === 'failover' && source.state === 'active'))) {
      // A blade an operator put into maintenance (a drain) stays out of the pool; a failed one stays failed.
      if (source && source.state === 'active') blades.push({ ...source, state: 'standby', power: 'off' });
      if (source && source.state !== 'active') blades.push({ ...source, power: 'off' });
    }
    const done: TransferRecord = { ...transfer, status: 'done', reason: null, updatedAt: now };
    await store.commit({
      transfers: [done],
      blades,
      workloads: [{ ...workload, blade: transfer.to, state: 'running', movedAt: now, pendingReason: null }],
      events: [this.event(done, 'transfer.done', { kind: transfer.kind, from: transfer.from, to: transfer.to })],
    });
    return done;
  }

  private async abort(transfer: TransferRecord, command: Extract<Command, { type: 'abort' }>): Promise<TransferRecord> {
    const { reason, targetFailed } = command;
    const { store, clock } = this.ports;
    const now = clock.now();
    const workload = await this.workload(transfer);
    const target = await store.blade(transfer.to);
    const blades: BladeRecord[] = [];
    if (target)
      blades.push({ ...target, state: targetFailed ? 'failed' : target.state === 'active' ? 'standby' : target.state });
    // A failover away from a blade still in service (its workload, not the blade, was down) that fenced it returns it
    // to the pool; the workload, stopped, is placed afresh from its latest checkpoint.
    const source = transfer.kind === 'failover' && transfer.from !== null ? await store.blade(transfer.from) : null;
    const released = source?.state === 'active' && transfer.steps.some((s) => s.name === 'fence');
    if (source && released) blades.push({ ...source, state: 'standby', power: 'off' });
    // A failover that gives up keeps its source as the workload's blade, so the next attempt
    // fences and captures from it again; a cascade leaves the workload running on its source. A workload fault holds
    // the workload pending (the planner leaves it alone) with the driver's reason, until an operator acts on it.
    const pendingReason = command.workloadFault ? `${WORKLOAD_FAULT_PREFIX}${reason}` : reason;
    // A cascade an operator aborted cools down, or the next round would start the same move again.
    const after: WorkloadRecord = command.withdrawn
      ? workload
      : transfer.kind === 'cascade' && !command.toFailover
        ? { ...workload, blade: transfer.from, state: 'running', ...(command.byOperator ? { movedAt: now } : {}) }
        : {
            ...workload,
            blade: transfer.kind === 'place' || released ? null : transfer.from,
            state: 'pending',
            pendingReason,
          };
    const aborted: TransferRecord = { ...transfer, status: 'aborted', reason, updatedAt: now };
    const fault = command.workloadFault
      ? { fault: 'workload' }
      : command.withdrawn
        ? { withdrawn: true }
        : command.byOperator
          ? { byOperator: true }
          : {};
    const events: NewAuditEvent[] = [this.event(aborted, 'transfer.aborted', { reason, targetFailed, ...fault })];
    if (targetFailed)
      events.push({ at: now, actor: 'controller', type: 'blade.failed', subject: transfer.to, data: { reason } });
    // An aborted failover no longer waits on its fence: its alarm ends with it (the next failover raises its own).
    if (command.byOperator && transfer.steps.some((s) => s.name === 'fence' && s.status === 'failed'))
      events.push(
        alarmEvent('alarm.cleared', now, 'controller', transfer.id, { kind: 'fence.unconfirmed', message: reason }),
      );
    await store.commit({ transfers: [aborted], blades, workloads: [after], events });
    return aborted;
  }

  private async wait(transfer: TransferRecord, step: StepName, reason: string): Promise<TransferRecord> {
    const { store, clock } = this.ports;
    const waiting: TransferRecord = { ...transfer, status: 'waiting', reason, updatedAt: clock.now() };
    const events = [this.event(waiting, 'alert', { step, reason })];
    // The reason names each fencing level's last error: what the operator reads before `fence confirm`.
    if (step === 'fence')
      events.push(
        alarmEvent('alarm.raised', clock.now(), 'controller', transfer.id, {
          kind: 'fence.unconfirmed',
          message: reason,
          severity: 'critical',
        }),
      );
    await store.commit({ transfers: [waiting], events });
    return waiting;
  }

  /** A placement whose workload an operator withdrew (finished) while it ran. */
  private async withdrawn(transfer: TransferRecord): Promise<boolean> {
    return transfer.kind === 'place' && (await this.ports.store.workload(transfer.workload))?.state === 'finished';
  }

  private async workload(transfer: TransferRecord): Promise<WorkloadRecord> {
    const workload = await this.ports.store.workload(transfer.workload);
    if (!workload) throw new Error(`transfer ${transfer.id}: workload ${transfer.workload} is not in the store`);
    return workload;
  }

  private event(t: TransferRecord, type: AuditEventType, data: Record<string, unknown>): NewAuditEvent {
    return {
      at: this.ports.clock.now(),
      actor: 'controller',
      type,
      subject: t.id,
      data: { workload: t.workload, ...data },
    };
  }
}

/** The output of the step's last successful run. */
export function outputOf(transfer: TransferRecord, name: StepName): StepOutput | null {
  for (let i = transfer.steps.length - 1; i >= 0; i--) {
    const s = transfer.steps[i]!;
    if (s.name === name && s.status === 'succeeded') return parseStepOutput(s.output);
  }
  return null;
}
