// The simulated data center at one instant, with the indexes that keep every step O(1) or O(log n) instead of a scan of all blades.
import { isEligible } from '../core/eligibility.js';
import { isExact, type Fit } from '../core/fit.js';
import type { Pending, TransferKind } from '../core/decision.js';
import type { BladeLocation, BladeState, Policy, RequirementSource, Resources, WorkloadState } from '../core/model.js';
import { floorsOf } from '../core/floors.js';
import { FitMemo, shapeId } from '../core/shape.js';
import { CandidateIndex } from './candidate-index.js';
import { EventQueue } from './event-queue.js';
import { FitIntegral } from './fit-integral.js';
import { StandbyPool } from './standby-pool.js';

/** A Blade (core/model.ts) whose state the simulator changes in place; the planners read it as a Blade. */
export interface SimBlade {
  readonly id: string;
  readonly resources: Resources;
  state: BladeState;
  readonly location?: BladeLocation;
}

/** A Workload (core/model.ts) plus its fit on the blade it occupies, kept to avoid recomputing it. */
export interface SimWorkload {
  readonly id: string;
  readonly requirements: Resources;
  readonly source: RequirementSource;
  readonly priority: number;
  /** The blade it occupies: running there, or running there while cascading away. null while pending, in a failover or place, or finished. */
  blade: string | null;
  state: WorkloadState;
  fit: Fit | null;
  readonly minimum?: Readonly<Record<string, number>>;
  readonly pinned?: boolean;
}

/** What a pending workload asks the placement planner for; kept through a transfer so an aborted one can ask again. */
export interface PendingRequest {
  readonly kind: 'failover' | 'place';
  readonly from: string | null;
  readonly before: Fit | null;
}

export interface TransferRecord {
  readonly id: number;
  readonly at: number;
  readonly workload: string;
  readonly from: string | null;
  readonly to: string;
  readonly kind: TransferKind;
  readonly before: Fit | null;
  readonly after: Fit;
  /** A maintenance drain (kind cascade, allowed to lower the fit). */
  readonly drain: boolean;
  end: number | null;
  outcome: 'completed' | 'aborted' | null;
}

export interface InFlight {
  readonly record: TransferRecord;
  /** For failover and place: what to ask for again if the transfer is aborted. */
  readonly request: PendingRequest | null;
}

export type QueueItem =
  | { readonly kind: 'event'; readonly index: number }
  | { readonly kind: 'end'; readonly transfer: number }
  | { readonly kind: 'replan' }
  /** A repaired or added blade's burn-in ends (policy.repairBurnInSeconds). */
  | { readonly kind: 'ready'; readonly blade: string };

export interface IgnoredEvent {
  readonly at: number;
  readonly index: number;
  readonly event: string;
  readonly reason: string;
}

/** Which placement calls could give a different answer than last time; a call whose inputs only shrank cannot. */
export interface Dirty {
  placement: boolean;
  drain: boolean;
}

export class SimState {
  now = 0;
  readonly blades = new Map<string, SimBlade>();
  readonly workloads = new Map<string, SimWorkload>();
  /** Fits per (requirements, blade shape), shared by every planner call of the run. */
  readonly memo: FitMemo;
  /** The standby pool: blades in state standby, none reserved (a reserved target is active). */
  readonly pool: StandbyPool;
  /** Blade -> the workload occupying it. */
  readonly hostOf = new Map<string, string>();
  /** Blade -> the workload whose transfer targets it. */
  readonly targetOf = new Map<string, string>();
  readonly pending = new Map<string, PendingRequest>();
  /** The planner's latest word on each pending workload. */
  readonly pendingReasons = new Map<string, Pending>();
  /** Workload -> its transfer in flight. */
  readonly inFlight = new Map<string, InFlight>();
  /** Running (not transferring) workloads whose fit is not exact: the cascade candidates. */
  readonly candidates: CandidateIndex;
  /** Workload -> when its last move ended, while that may still hold it in cooldown. */
  readonly movedAt = new Map<string, number>();
  /** Active blades an operator put into maintenance: they go to maintenance instead of standby once emptied. */
  readonly maintenanceRequested = new Set<string>();
  readonly transfers: TransferRecord[] = [];
  readonly queue = new EventQueue<QueueItem>();
  readonly scheduledReplans = new Set<number>();
  /** Blades in burn-in, and when it ends. */
  readonly burningIn = new Map<string, number>();
  readonly integral = new FitIntegral();
  readonly dirty: Dirty = { placement: true, drain: true };
  readonly ignored: IgnoredEvent[] = [];
  eventsHandled = 0;

  /**
   * @param exhaustive hand the planners the whole pool and every candidate instead of the indexed few;
   *   slow, for tests that show the indexes change nothing.
   */
  constructor(
    readonly policy: Policy,
    readonly exhaustive = false,
  ) {
    // One memo for the whole run: the weights never change within a scenario.
    this.memo = new FitMemo(policy.weights);
    this.pool = new StandbyPool(this.memo);
    this.candidates = new CandidateIndex(policy, this.memo);
  }

  fitOn(bladeId: string, workload: SimWorkload): Fit {
    return this.memo.fit(this.blade(bladeId).resources, workload.requirements, floorsOf(workload, this.policy));
  }

  /**
   * A repaired or added blade: standby, but in the pool only once it stayed healthy for the burn-in, as the live
   * controller's eligibility rule has it (core/eligibility.ts). A blade that fails or goes to maintenance meanwhile
   * starts over when it comes back.
   */
  enterPoolAfterBurnIn(blade: SimBlade): void {
    const seconds = this.policy.repairBurnInSeconds ?? 0;
    if (seconds <= 0) {
      this.enterPool(blade);
      return;
    }
    blade.state = 'standby';
    const until = this.now + seconds;
    this.burningIn.set(blade.id, until);
    this.queue.push(until, { kind: 'ready', blade: blade.id });
  }

  /** The burn-in that ends now, if the blade is still standby and no later repair restarted it. */
  burnInEnded(bladeId: string): void {
    if (this.burningIn.get(bladeId) !== this.now) return;
    this.burningIn.delete(bladeId);
    const blade = this.blade(bladeId);
    if (blade.state === 'standby') this.enterPool(blade);
  }

  blade(id: string): SimBlade {
    const blade = this.blades.get(id);
    if (blade === undefined) throw new Error(`simulator: unknown blade ${id}`);
    return blade;
  }

  workload(id: string): SimWorkload {
    const workload = this.workloads.get(id);
    if (workload === undefined) throw new Error(`simulator: unknown workload ${id}`);
    return workload;
  }

  enterPool(blade: SimBlade): void {
    blade.state = 'standby';
    if (!isEligible(blade)) return;
    if (this.pool.add(blade)) this.candidates.shapeAppeared(shapeId(blade.resources), blade.resources);
    // A new blade may place a pending workload or let a drain go.
    this.dirty.placement = this.dirty.drain = true;
  }

  leavePool(blade: SimBlade, state: BladeState): void {
    this.burningIn.delete(blade.id);
    if (this.pool.remove(blade)) this.candidates.shapeVanished(shapeId(blade.resources));
    blade.state = state;
  }

  /** An emptied blade returns to the pool, or to maintenance if an operator asked for it meanwhile. */
  release(bladeId: string): void {
    const blade = this.blade(bladeId);
    if (this.maintenanceRequested.delete(bladeId)) blade.state = 'maintenance';
    else this.enterPool(blade);
  }

  /** The workload now runs on the blade. */
  occupy(workload: SimWorkload, bladeId: string): void {
    const fit = this.fitOn(bladeId, workload);
    workload.blade = bladeId;
    workload.state = 'running';
    workload.fit = fit;
    this.hostOf.set(bladeId, workload.id);
    this.integral.add(fit);
    this.markRunning(workload);
  }

  /** The workload leaves its blade; the caller decides what becomes of both. */
  vacate(workload: SimWorkload): void {
    if (workload.blade !== null) this.hostOf.delete(workload.blade);
    if (workload.fit !== null) this.integral.remove(workload.fit);
    this.candidates.remove(workload.id);
    workload.blade = null;
    workload.fit = null;
  }

  /** A workload runs again (landed, or its cascade was called off): it may be a cascade candidate, or a drain to retry. */
  markRunning(workload: SimWorkload): void {
    workload.state = 'running';
    // A pinned workload is never cascaded: it is no candidate (a maintenance drain still moves it).
    if (workload.blade !== null && workload.fit !== null && !isExact(workload.fit) && workload.pinned !== true) {
      const floors = floorsOf(workload, this.policy);
      this.candidates.add(
        workload.id,
        workload.requirements,
        floors,
        this.blade(workload.blade).resources,
        workload.fit,
      );
    }
    if (workload.blade !== null && this.maintenanceRequested.has(workload.blade)) this.dirty.drain = true;
  }

  makePending(workload: SimWorkload, request: PendingRequest): void {
    this.vacate(workload);
    workload.state = 'pending';
    this.pending.set(workload.id, request);
    this.dirty.placement = true;
  }
}
