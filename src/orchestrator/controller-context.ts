// What the controller's reconcilers and operator commands share: ports, the queue, the policy, one lock.
import type { Policy } from '../core/model.js';
import type { AbortRequest } from './abort.js';
import type { DetectionSettings } from '../core/verdict.js';
import type { Clock } from '../ports/clock.js';
import type { HardwarePort } from '../ports/hardware.js';
import type { StoragePort } from '../ports/storage.js';
import type { BladeRecord, NewAuditEvent, Store } from '../ports/store.js';
import type { WorkloadPort } from '../ports/workloads.js';
import type { AuditEventType } from '../wire/events.js';
import { ActionError } from './action-error.js';
import { ProposalBook } from './approvals.js';
import { LIVE_TIMING, type RetryTiming } from './deadline.js';
import type { FencingTopology } from './fence-levels.js';
import { WorkQueue } from './work-queue.js';

export interface LogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly [key: string]: unknown;
}

/** A workload found running on a blade, for discovery to adopt. */
export interface RunningWorkload {
  readonly id: string;
  readonly blade: string;
  readonly priority?: number;
}

/** What one discovery added: new blades in the pool, and running workloads adopted onto them. */
export interface Discovered {
  readonly blades: string[];
  readonly adopted: string[];
}

export interface ControllerOptions {
  readonly store: Store;
  readonly hardware: HardwarePort;
  readonly workloads: WorkloadPort;
  readonly storage: StoragePort;
  /** Each blade's fencing levels in order; absent: every blade is fenced through its own BMC. */
  readonly fencing?: FencingTopology;
  readonly clock: Clock;
  readonly timing?: RetryTiming;
  /** Written to the store on first start only; later the stored policy rules. */
  readonly policy?: Policy;
  readonly log?: (entry: LogEntry) => void;
  /** How often every blade's status is read even without events (ms); 0 turns polling off. */
  readonly pollMs?: number;
  /** When a suspect blade counts as failed, and when its alarm is raised; default DEFAULT_DETECTION. */
  readonly detection?: DetectionSettings;
  /** How often every running workload is snapshotted for failovers from a dead blade (ms); 0 turns it off. */
  readonly checkpointMs?: number;
  /** Told after each work-queue key ('plan', 'blade:*' (a poll of every blade), 'blade:B', ...) synced: lets tests wait for a round, not a time. */
  readonly onSynced?: (key: string) => void;
  /**
   * Rediscovery: every `everyMs` (and whenever requestDiscovery() is called) the hardware is listed again, and
   * what `running()` reports on new or free blades is adopted. Without it only explicit discover() calls list.
   */
  readonly discovery?: { readonly everyMs: number; readonly running: () => Promise<readonly RunningWorkload[]> };
}

export interface ControllerContext {
  readonly o: ControllerOptions;
  readonly timing: RetryTiming;
  readonly queue: WorkQueue;
  readonly approvals: ProposalBook;
  readonly log: (entry: LogEntry) => void;
  policy: Policy;
  running: boolean;
  /**
   * Blades an operator vouched are off (`fence confirm`): a failover's fence step from one of them succeeds on that
   * word, at level "operator". Kept in memory: after a restart the operator confirms again.
   */
  readonly fenceConfirmations: Map<string, FenceConfirmation>;
  /**
   * Transfers an operator asked to abort (`transfer abort`), read by the state machine before each step. Kept in
   * memory like fence confirmations: a rollback that began is in the step log and finishes after a restart; a request
   * that no step acted on yet is lost with the process, and the transfer goes on (the operator asks again).
   */
  readonly aborts: Map<string, AbortRequest>;
  /** Per blade, how many transfers into or out of it began or ended: a status read across a change is stale. */
  readonly moves: Map<string, number>;
  /** Planning, blade observations and operator actions change shared records: one at a time. */
  serial<T>(work: () => Promise<T>): Promise<T>;
  event(actor: string, type: AuditEventType, subject: string, data: Record<string, unknown>): NewAuditEvent;
}

export interface FenceConfirmation {
  readonly by: string;
  readonly reason: string;
  readonly at: number;
}

/** Resolves in the next turn of the event loop, after pending I/O callbacks. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** One exclusive section after another, each starting in a new turn of the event loop. */
export function serializer(): <T>(work: () => Promise<T>) => Promise<T> {
  let exclusive: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    // With a synchronous store (SQLite) a queue of plans and blade observations is otherwise one unbroken chain
    // of microtasks, and the HTTP API, the event streams and the drivers' own I/O wait seconds for it to drain.
    const run = exclusive.then(turn).then(work);
    exclusive = run.catch(() => {});
    return run;
  };
}

export async function mustBlade(store: Store, id: string): Promise<BladeRecord> {
  const b = await store.blade(id);
  if (!b) throw new ActionError('not-found', `unknown blade ${id}`);
  return b;
}

/** One per key kind (controller-runtime's Reconcile): looks at one id and says when to look again (ms), if ever. */
export interface Reconciler {
  sync(id: string): Promise<number | null>;
}

/** Counts a transfer's start or end on each blade it touches (ControllerContext.moves). */
export function moved(c: ControllerContext, t: { readonly from: string | null; readonly to: string }): void {
  for (const b of [t.from, t.to]) if (b !== null) c.moves.set(b, (c.moves.get(b) ?? 0) + 1);
}

/** The id that stands for every record of a kind: a sweep queues each of them. */
export const EVERY = '*';

/** A fresh context whose queue hands every key to `sync` and tells `onSynced` after each. */
export function createContext(
  o: ControllerOptions,
  policy: Policy,
  sync: (key: string) => Promise<number | null>,
): ControllerContext {
  const log = o.log ?? (() => {});
  const queue = new WorkQueue(
    (key) =>
      sync(key).then((requeueMs) => {
        o.onSynced?.(key);
        return requeueMs;
      }),
    o.clock,
    (key, error, retryInMs) =>
      log({ level: 'warn', msg: 'sync failed; will retry', key, error: error.message, retryInMs }),
  );
  return {
    o,
    queue,
    log,
    serial: serializer(),
    timing: o.timing ?? LIVE_TIMING,
    approvals: new ProposalBook(),
    policy,
    running: false,
    fenceConfirmations: new Map(),
    aborts: new Map(),
    moves: new Map(),
    event: (actor, type, subject, data) => ({ at: o.clock.now(), actor, type, subject, data }),
  };
}
