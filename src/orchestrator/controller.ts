// The controller: wiring. A level-triggered work queue of ids and one reconciler per kind of id (blade, plan,
// transfer, discover, checkpoint); operator commands in their own module. On start it resumes every unfinished
// transfer from the store.
import type { Proposal } from '../core/approval-round.js';
import type { Policy, Resources } from '../core/model.js';
import type { WorkloadRecord } from '../ports/store.js';
import {
  createContext,
  type ControllerContext,
  type ControllerOptions,
  type Discovered,
  type Reconciler,
  type RunningWorkload,
} from './controller-context.js';
import { LIVE_POLICY, queueInitialWork, resumeFromStore } from './controller-start.js';
import { OperatorCommands } from './operator-commands.js';
import { Overrides } from './overrides.js';
import { abortTransfer, type AbortAnswer } from './transfer-abort.js';
import { BladeReconciler } from './reconcilers/blade.js';
import { CheckpointReconciler } from './reconcilers/checkpoint.js';
import { DiscoverReconciler } from './reconcilers/discover.js';
import { LeftoverCopyReconciler } from './reconcilers/leftover-copy.js';
import { PlanReconciler } from './reconcilers/plan.js';
import { TransferReconciler } from './reconcilers/transfer.js';

export type { ControllerOptions, Discovered, LogEntry, RunningWorkload } from './controller-context.js';
export { LIVE_POLICY } from './controller-start.js';

type Kind = 'blade' | 'due' | 'plan' | 'transfer' | 'discover' | 'checkpoint' | 'leftover';

export class Controller {
  private readonly c: ControllerContext;
  private readonly commands: OperatorCommands;
  private readonly checkpoints: CheckpointReconciler;
  private readonly discovery: DiscoverReconciler;
  private readonly overrides: Overrides;
  private readonly reconcilers: Readonly<Record<Kind, Reconciler>>;
  private unsubscribe: (() => void) | null = null;

  private constructor(o: ControllerOptions) {
    this.c = createContext(o, LIVE_POLICY, (key) => this.sync(key));
    this.commands = new OperatorCommands(this.c);
    this.checkpoints = new CheckpointReconciler(this.c, o.checkpointMs ?? 300_000);
    this.discovery = new DiscoverReconciler(this.c);
    const blades = new BladeReconciler(this.c, o.pollMs ?? 5000);
    this.overrides = new Overrides(this.c, (blade) => blades.forget(blade));
    this.reconcilers = {
      blade: blades,
      // The detector's timer: a suspect blade whose period is over fails on the observations made.
      due: {
        sync: async (id) => {
          await blades.failWhenDue(id);
          return null;
        },
      },
      plan: new PlanReconciler(this.c),
      transfer: new TransferReconciler(this.c),
      discover: this.discovery,
      checkpoint: this.checkpoints,
      leftover: new LeftoverCopyReconciler(this.c, o.pollMs || 5000),
    };
  }

  static async start(options: ControllerOptions): Promise<Controller> {
    const controller = new Controller(options);
    const { c } = controller;
    await resumeFromStore(c, options);
    c.running = true;
    controller.unsubscribe = options.hardware.subscribe((e) => c.queue.add(`blade:${e.blade}`));
    await queueInitialWork(c, options);
    return controller;
  }

  async stop(): Promise<void> {
    this.c.running = false;
    this.unsubscribe?.();
    this.c.queue.stop();
    await this.c.queue.idle();
  }

  /** Resolves when no work is queued or running. */
  idle(): Promise<void> {
    return this.c.queue.idle();
  }

  isRunning(): boolean {
    return this.c.running;
  }

  currentPolicy(): Policy {
    return this.c.policy;
  }

  // --- operator actions: each is recorded with who asked ---

  repair(blade: string, actor = 'operator'): Promise<void> {
    return this.commands.repair(blade, actor);
  }

  /** The operator vouches that a failed blade is off: a failover waiting on its fence proceeds. */
  confirmFence(blade: string, reason: string, actor = 'operator'): Promise<{ readonly transfers: string[] }> {
    return this.overrides.confirmFence(blade, reason, actor);
  }

  /** Forgets a stale verdict on a blade that is not failed; the next observation decides afresh. */
  clearBlade(blade: string, reason: string, actor = 'operator'): Promise<void> {
    return this.overrides.clear(blade, reason, actor);
  }

  /** Aborts a transfer that has not passed its point of no return; it unwinds as a rollback does. */
  abortTransfer(id: string, reason: string, actor = 'operator'): Promise<AbortAnswer> {
    return abortTransfer(this.c, id, reason, actor);
  }

  maintenance(blade: string, on: boolean, actor = 'operator'): Promise<void> {
    return this.commands.maintenance(blade, on, actor);
  }

  /** A new workload to place; requirements may come from its driver instead of the caller. */
  submit(
    w: {
      id: string;
      requirements?: Resources;
      priority?: number;
      minimum?: Readonly<Record<string, number>>;
      pinned?: boolean;
    },
    actor = 'operator',
  ): Promise<void> {
    return this.commands.submit(w, actor);
  }

  /**
   * A workload already running on a blade when Cascade first sees it. Its requirements come from
   * its driver's metadata, else measured samples, else the host blade (the patent's three sources).
   */
  adopt(w: RunningWorkload, actor = 'operator'): Promise<void> {
    return this.c.serial(() => this.commands.adoptNow(w, actor));
  }

  finish(workload: string, actor = 'operator'): Promise<void> {
    return this.commands.finish(workload, actor);
  }

  /** Withdraws a pending or placing workload: a placement in progress powers its target off and frees it. */
  withdraw(workload: string, actor = 'operator'): Promise<void> {
    return this.commands.finish(workload, actor, true);
  }

  /** Snapshots a running workload now (the failover of a dead blade restores it); returns the sequence. */
  checkpoint(workload: string, actor = 'controller'): Promise<number | null> {
    return this.checkpoints.checkpoint(workload, actor);
  }

  /**
   * Blades the hardware reports that the store does not know yet join the pool; `running` workloads on them (or
   * on free standby blades) are adopted in the same exclusive section. See DiscoverReconciler.
   */
  discover(actor = 'controller', running: readonly RunningWorkload[] = []): Promise<Discovered> {
    return this.discovery.discover(actor, running);
  }

  /** Queues a rediscovery (options.discovery); one asked for while one runs runs again after it. */
  requestDiscovery(): void {
    this.c.queue.add('discover');
  }

  /** New declared requirements for a workload; the planner reconsiders its fit at once. */
  setRequirements(workload: string, requirements: Resources, actor = 'operator'): Promise<WorkloadRecord> {
    return this.commands.setRequirements(workload, requirements, actor);
  }

  /** Replaces the policy (the caller validated it); it rules from the next plan on. */
  setPolicy(policy: Policy, actor = 'operator'): Promise<Policy> {
    return this.commands.setPolicy(policy, actor);
  }

  /** Cascade proposals (requireApproval): the open ones, then the latest closed ones. */
  proposals(): Proposal[] {
    return this.c.approvals.list();
  }

  /** Approves a proposed cascade; the next plan starts it if it is still possible and worthwhile. */
  approve(id: number, actor = 'operator'): Promise<Proposal> {
    return this.commands.decide(id, 'cascade.approved', actor, null);
  }

  /** Rejects a proposed cascade: that move is not proposed again while the workload stays where it is. */
  reject(id: number, actor = 'operator', reason: string | null = null): Promise<Proposal> {
    return this.commands.decide(id, 'cascade.rejected', actor, reason);
  }

  private sync(key: string): Promise<number | null> {
    const colon = key.indexOf(':');
    const kind = (colon < 0 ? key : key.slice(0, colon)) as Kind;
    const reconciler = this.reconcilers[kind];
    if (!reconciler) return Promise.reject(new Error(`no reconciler for ${key}`));
    return reconciler.sync(colon < 0 ? '' : key.slice(colon + 1));
  }
}
