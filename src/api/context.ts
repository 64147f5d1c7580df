// What the route handlers share: the controller, the store, the clock, and reads coalesced under load.
import type { Policy } from '../core/model.js';
import type { Controller } from '../orchestrator/controller.js';
import type { Clock } from '../ports/clock.js';
import type { BladeRecord, Store, TransferRecord, WorkloadRecord } from '../ports/store.js';
import type { CommitFeed } from '../ports/commit-feed.js';
import type { LogTail } from './log-tail.js';
import type { SurvivabilityMonitor } from './survivability-monitor.js';
import { occupants } from './views.js';
import type { TokenVerifier } from './tokens.js';

/** Fault injection into an emulated data center; only `cascade serve` with the emulator provides it. */
export interface EmulatorHooks {
  failBlade(blade: string): Promise<void> | void;
  // The emulator's fault injection and hardware repair, proxied for operator tokens,
  // because a browser cannot reach the emulator's control API (its token never leaves the controller).
  /** Applies a fault to an existing blade and says what happened. */
  injectFault?(blade: string, fault: EmulatedFault): Promise<string> | string;
  /** The emulated hardware is fixed; then the controller is told, as `cascade repair` does. Says what each did. */
  repairBlade?(blade: string, actor: string): Promise<{ readonly hardware: string; readonly controller: string }>;
}

/** The faults the API lets an operator inject into the emulated data center. */
export type EmulatedFault =
  | { readonly kind: 'fail' | 'power-loss' | 'memory-fault' }
  | { readonly kind: 'network-loss'; readonly hang: boolean };

export interface ApiContext {
  readonly controller: Controller;
  readonly store: Store;
  readonly clock: Clock;
  readonly tokens: TokenVerifier;
  readonly tail: LogTail;
  readonly emulator: EmulatorHooks | undefined;
  /** The current state, read once for every request that asks at the same time. */
  readonly state: StateReader;
  policy(): Policy;
  /** The survivability report, kept current; admission control reads the labels it was given. */
  readonly survivability: SurvivabilityMonitor;
  /** Every SSE response still open, so closing the server can end them. */
  readonly streams: Set<NodeJS.WritableStream & { end(): void }>;
  /** Replaces configured secrets in text that leaves the process. */
  readonly redact: (text: string) => string;
  readonly heartbeatMs: number;
  /** Per hardware endpoint: `ok`, `warning: ...`, or why it fails (see ApiOptions.endpoints). */
  readonly endpoints: () => Readonly<Record<string, string>>;
}

export interface StateSnapshot {
  readonly blades: readonly BladeRecord[];
  readonly bladeById: ReadonlyMap<string, BladeRecord>;
  readonly workloads: readonly WorkloadRecord[];
  readonly open: readonly TransferRecord[];
  /** Blade id -> the workload on it or moving onto it. */
  readonly occupants: ReadonlyMap<string, string>;
}

/**
 * Concurrent callers share one read in flight; a caller that arrives after it finished starts a new
 * one. Nothing is served older than the read a request waited for: this is single-flight, not a cache.
 */
export function coalesce<T>(read: () => Promise<T>): () => Promise<T> {
  let inflight: Promise<T> | null = null;
  return () => {
    inflight ??= read().finally(() => {
      inflight = null;
    });
    return inflight;
  };
}

/**
 * The state the read routes share. Reading 10,000 blades and workloads costs 100-200 ms of a
 * single-threaded process, so with commit notices a snapshot is reused:
 * - until a change made through this API (`invalidate`): a client sees its own writes at once;
 * - after the controller's own commits, for at most `staleMs` (1 s): during a burst of transfer
 *   steps the snapshot is refreshed once a second instead of once per commit (the event stream
 *   carries every change as it happens);
 * - while nothing committed, for at most `maxAgeMs` (1 s): that bounds how stale it can be when
 *   another process writes the store (the CLI, another controller).
 * Without notices every request reads (one read per burst of concurrent requests).
 */
export interface StateReader {
  (): Promise<StateSnapshot>;
  invalidate(): void;
}

export function stateReader(
  store: Store,
  commits: CommitFeed | undefined,
  clock: Clock,
  staleMs = 1_000,
  maxAgeMs = 1_000,
): StateReader {
  const read = async (): Promise<StateSnapshot> => {
    const [blades, workloads, open] = await Promise.all([
      store.blades(),
      store.workloads(),
      store.transfers({ open: true }),
    ]);
    return {
      blades,
      bladeById: new Map(blades.map((b) => [b.id, b])),
      workloads,
      open,
      occupants: occupants(workloads, open),
    };
  };
  let version = 0;
  commits?.onCommit(() => {
    version++;
  });
  let cached: { version: number; at: number; done: boolean; snapshot: Promise<StateSnapshot> } | null = null;
  const reader = (): Promise<StateSnapshot> => {
    const now = clock.now();
    if (cached && !cached.done) return cached.snapshot; // one read in flight serves everyone who asks meanwhile
    const age = cached ? now - cached.at : Infinity;
    const fresh =
      cached !== null && commits !== undefined && age < maxAgeMs && (cached.version === version || age < staleMs);
    if (fresh) return cached!.snapshot;
    // Tagged with the version it started under: a commit during the read counts as newer than it.
    const entry = { version, at: now, done: false, snapshot: read() };
    entry.snapshot.then(
      () => {
        entry.done = true;
      },
      () => {
        entry.done = true;
        if (cached === entry) cached = null;
      },
    );
    cached = entry;
    return entry.snapshot;
  };
  return Object.assign(reader, {
    invalidate: () => {
      cached = null;
    },
  });
}
