// What the page shows, kept current: each audit event marks the resources it affects as stale, and a
// debounced refresh refetches only those, so a burst of transfer steps costs one round of requests.
import type { ApiClient } from './api.js';
import type {
  AuditEvent,
  Blade,
  Candidates,
  Proposal,
  StatusView,
  Transfer,
  TransferDetail,
  Workload,
} from './api-types.js';

export type Resource = 'blades' | 'workloads' | 'transfers' | 'candidates' | 'pool' | 'proposals' | 'status';
export type Change = Resource | 'events';
const ALL: readonly Resource[] = ['blades', 'workloads', 'transfers', 'candidates', 'pool', 'proposals', 'status'];

/** How many events the log keeps in the page. */
export const EVENT_LIMIT = 500;
const DEBOUNCE_MS = 150;
/**
 * The API may answer reads from a snapshot up to 1 s old while the controller commits (ApiOptions.readStaleMs),
 * so what an event changed may show only in a later read: a second refetch follows once the events pause.
 */
const SETTLE_MS = 1_200;

export interface Snapshot {
  blades: readonly Blade[];
  workloads: readonly Workload[];
  /** Transfers in progress, with their steps. */
  open: readonly TransferDetail[];
  /** The latest transfers, newest first. */
  recent: readonly Transfer[];
  candidates: Candidates | null;
  pool: readonly Blade[];
  proposals: readonly Proposal[];
  /** The headline and the open alarms. */
  status: StatusView | null;
  /** Oldest first. */
  events: AuditEvent[];
}

/** Which resources an audit event may have changed (event types are "blade.failed", "transfer.step.started", ...). */
export function affected(type: string): readonly Resource[] {
  if (type === 'workload.checkpointed' || type.startsWith('notification.')) return [];
  // Whatever changes a record may change the headline; an alarm changes only it.
  if (type.startsWith('alarm.')) return ['status'];
  const changed = recordsAffected(type);
  return changed.length > 0 ? [...changed, 'status'] : [];
}

function recordsAffected(type: string): readonly Resource[] {
  if (type.startsWith('transfer.step.')) return ['transfers'];
  if (type.startsWith('transfer.')) return ['transfers', 'blades', 'workloads', 'pool', 'candidates'];
  if (type.startsWith('blade.')) return ['blades', 'pool', 'candidates', 'workloads'];
  if (type.startsWith('workload.')) return ['workloads', 'blades', 'candidates'];
  if (type.startsWith('cascade.')) return ['proposals', 'transfers'];
  if (type.startsWith('policy.')) return ['candidates', 'proposals'];
  return [];
}

export class LiveData {
  readonly data: Snapshot = {
    blades: [],
    workloads: [],
    open: [],
    recent: [],
    candidates: null,
    pool: [],
    proposals: [],
    status: null,
    events: [],
  };
  private readonly stale = new Set<Resource>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly settling = new Set<Resource>();
  private settleTimer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly api: ApiClient,
    private readonly onChange: (changed: ReadonlySet<Change>) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Everything, at once: the first load and after the event stream reconnects. */
  async loadAll(): Promise<void> {
    const events = await this.api.get<{ items: AuditEvent[] }>(`/api/v1/events?last=200`);
    this.data.events = events.items.slice();
    await this.fetch(new Set(ALL));
    this.onChange(new Set<Change>([...ALL, 'events']));
  }

  /** Signed out: no timer fires again and nothing more is reported. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.settleTimer !== null) clearTimeout(this.settleTimer);
    this.timer = null;
    this.settleTimer = null;
  }

  lastSeq(): number {
    return this.data.events.at(-1)?.seq ?? 0;
  }

  event(e: AuditEvent): void {
    if (this.stopped || e.seq <= this.lastSeq()) return; // replayed after a reconnect
    this.data.events.push(e);
    if (this.data.events.length > EVENT_LIMIT) this.data.events.splice(0, this.data.events.length - EVENT_LIMIT);
    this.onChange(new Set<Change>(['events']));
    this.invalidate(affected(e.type));
  }

  /** Marks resources stale; they are refetched shortly, together with whatever else turns stale meanwhile. */
  invalidate(resources: readonly Resource[] = ALL, settle = true): void {
    if (resources.length === 0 || this.stopped) return;
    for (const r of resources) this.stale.add(r);
    if (this.timer === null) this.timer = setTimeout(() => void this.flush(), DEBOUNCE_MS);
    if (!settle) return;
    for (const r of resources) this.settling.add(r);
    if (this.settleTimer !== null) clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => {
      this.settleTimer = null;
      const again = [...this.settling];
      this.settling.clear();
      this.invalidate(again, false);
    }, SETTLE_MS);
  }

  private async flush(): Promise<void> {
    this.timer = null;
    if (this.running) {
      // One refresh at a time; what turned stale meanwhile goes in the next one.
      await this.running;
      if (this.timer === null && this.stale.size > 0) this.timer = setTimeout(() => void this.flush(), DEBOUNCE_MS);
      return;
    }
    const batch = new Set(this.stale);
    this.stale.clear();
    this.running = this.fetch(batch).then(
      () => {
        if (!this.stopped) this.onChange(batch);
      },
      (error: unknown) => {
        if (!this.stopped) this.onError(error);
      },
    );
    await this.running;
    this.running = null;
  }

  private async fetch(which: ReadonlySet<Resource>): Promise<void> {
    const api = this.api;
    const d = this.data;
    const work: Promise<void>[] = [];
    if (which.has('blades'))
      work.push(
        api.all<Blade>('/api/v1/blades').then((x) => {
          d.blades = x;
        }),
      );
    if (which.has('workloads'))
      work.push(
        api.all<Workload>('/api/v1/workloads').then((x) => {
          d.workloads = x;
        }),
      );
    if (which.has('pool'))
      work.push(
        api.get<{ items: Blade[] }>('/api/v1/pool').then((x) => {
          d.pool = x.items;
        }),
      );
    if (which.has('candidates'))
      work.push(
        api.get<Candidates>('/api/v1/candidates').then((x) => {
          d.candidates = x;
        }),
      );
    if (which.has('status'))
      work.push(
        api.get<StatusView>('/api/v1/status').then((x) => {
          d.status = x;
        }),
      );
    if (which.has('proposals'))
      work.push(
        api.get<{ items: Proposal[] }>('/api/v1/proposals').then((x) => {
          d.proposals = x.items;
        }),
      );
    if (which.has('transfers')) {
      work.push(
        api.get<{ items: Transfer[] }>('/api/v1/transfers?order=desc&limit=15').then((x) => {
          d.recent = x.items;
        }),
        api.get<{ items: Transfer[] }>('/api/v1/transfers?open=true&limit=1000').then(async (x) => {
          // A handful at a time at most (policy.maxConcurrentTransfers): one detail read each, for the steps.
          const details = await Promise.all(
            x.items
              .slice(0, 50)
              .map((t) =>
                api
                  .get<TransferDetail>(`/api/v1/transfers/${encodeURIComponent(t.id)}`)
                  .catch(() => ({ ...t, steps: [] })),
              ),
          );
          d.open = details;
        }),
      );
    }
    await Promise.all(work);
  }
}
