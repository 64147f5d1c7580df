// Cascade approval (policy.requireApproval): the book of proposals and decisions, and which approved
// moves may start now. Durable through the audit log: every proposal and decision is an event, and
// the book is rebuilt from the log when the controller starts, so an approval survives a restart.
import { z } from 'zod';
import { worthwhile, type CascadeMove } from '../core/cascade.js';
import type { Placement } from '../core/decision.js';
import { fitOf, type Fit } from '../core/fit.js';
import type { Policy } from '../core/model.js';
import type { AuditEvent, BladeRecord, Store, WorkloadRecord } from '../ports/store.js';

/**
 * proposed -> approved -> started (a transfer was created)
 *          -> rejected             (never proposed again while the workload stays on `from`)
 * proposed | approved -> expired   (the move is no longer possible or worthwhile, or was superseded)
 */
export type ProposalStatus = 'proposed' | 'approved' | 'rejected' | 'started' | 'expired';

export interface Proposal {
  /** The seq of its `cascade.proposed` event: stable, unique, and in the log for anyone to check. */
  readonly id: number;
  readonly workload: string;
  readonly from: string;
  readonly to: string;
  /** Fits when proposed; null for proposals recorded before fits were kept. */
  readonly before: Fit | null;
  readonly after: Fit | null;
  readonly saving: number;
  readonly proposedAt: number;
  readonly status: ProposalStatus;
  /** Who approved, rejected or expired it ("controller" for expiry). */
  readonly decidedBy: string | null;
  readonly decidedAt: number | null;
  /** The transfer it started. */
  readonly transfer: string | null;
  /** Why it was rejected or expired. */
  readonly reason: string | null;
}

const fitData = z.object({
  deficit: z.number(),
  surplus: z.number(),
  cost: z.number(),
  feasible: z.boolean(),
  mismatches: z.array(z.object({ key: z.string(), kind: z.enum(['attribute', 'quantity']), required: z.union([z.number(), z.string()]), offered: z.union([z.number(), z.string(), z.null()]) })),
});
const proposedData = z.object({ from: z.string(), to: z.string(), saving: z.number(), before: fitData.nullish(), after: fitData.nullish() });
const decisionData = z.object({ proposal: z.number().int(), reason: z.string().nullish() });

/** Closed proposals kept for the API's listing; open ones are always kept. */
const KEEP_CLOSED = 500;
const PAGE = 5_000;

export class ProposalBook {
  private readonly open = new Map<number, Proposal>();
  private closed: Proposal[] = [];
  /** "workload, from, to" of rejected moves -> the rejected proposal. */
  private readonly rejected = new Map<string, number>();

  /** Replays the whole log once, on start. */
  async load(store: Store): Promise<void> {
    for (let after = 0; ; ) {
      const page = await store.events(after, PAGE);
      if (page.length === 0) return;
      this.apply(page);
      after = page.at(-1)!.seq;
    }
  }

  /** Learns from committed events; everything but proposals and their decisions is ignored. */
  apply(events: readonly AuditEvent[]): void {
    for (const e of events) {
      if (e.type === 'cascade.proposed') {
        const d = proposedData.safeParse(e.data);
        if (!d.success) continue;
        this.open.set(e.seq, {
          id: e.seq, workload: e.subject, from: d.data.from, to: d.data.to, before: d.data.before ?? null, after: d.data.after ?? null,
          saving: d.data.saving, proposedAt: e.at, status: 'proposed', decidedBy: null, decidedAt: null, transfer: null, reason: null,
        });
      } else if (e.type === 'cascade.approved' || e.type === 'cascade.rejected' || e.type === 'cascade.expired') {
        const d = decisionData.safeParse(e.data);
        const p = d.success ? this.open.get(d.data.proposal) : undefined;
        if (!d.success || !p) continue;
        const status = e.type === 'cascade.approved' ? 'approved' : e.type === 'cascade.rejected' ? 'rejected' : 'expired';
        const decided: Proposal = { ...p, status, decidedBy: e.actor, decidedAt: e.at, reason: d.data.reason ?? null };
        if (status === 'approved') this.open.set(p.id, decided);
        else this.close(decided);
        if (status === 'rejected') this.rejected.set(keyOf(p), p.id);
      } else if (e.type === 'transfer.created' && typeof e.data['proposal'] === 'number') {
        const p = this.open.get(e.data['proposal']);
        if (p) this.close({ ...p, status: 'started', transfer: e.subject });
      }
    }
  }

  get(id: number): Proposal | undefined {
    return this.open.get(id) ?? this.closed.find((p) => p.id === id);
  }

  /** Open proposals oldest first, then the most recently closed ones, newest first. */
  list(): Proposal[] {
    return [...this.openProposals(), ...[...this.closed].reverse()];
  }

  /** Proposed or approved, oldest first. */
  openProposals(): Proposal[] {
    return [...this.open.values()].sort((a, b) => a.id - b.id);
  }

  isRejected(workload: string, from: string, to: string): boolean {
    return this.rejected.has(keyOf({ workload, from, to }));
  }

  /** A rejection holds only while the workload stays where it was. */
  forgetRejections(bladeOf: (workload: string) => string | null): void {
    for (const key of this.rejected.keys()) {
      const [workload, from] = key.split('\u0000');
      if (bladeOf(workload!) !== from) this.rejected.delete(key);
    }
  }

  private close(p: Proposal): void {
    this.open.delete(p.id);
    this.closed.push(p);
    if (this.closed.length > KEEP_CLOSED) this.closed = this.closed.slice(-KEEP_CLOSED);
  }
}

function keyOf(m: { workload: string; from: string; to: string }): string {
  return `${m.workload}\u0000${m.from}\u0000${m.to}`;
}

export interface ApprovalRoundInput {
  readonly book: ProposalBook;
  /** Every blade as this round sees it: targets reserved earlier in the round are already active. */
  readonly blades: ReadonlyMap<string, BladeRecord>;
  readonly workloads: readonly WorkloadRecord[];
  /** Workloads in a transfer, or given one earlier in this round. */
  readonly busy: ReadonlySet<string>;
  /** Workloads cooling down after their last move. */
  readonly cooling: ReadonlySet<string>;
  readonly policy: Policy;
  /** How many cascades may start now. */
  readonly slots: number;
  /** Every move of the cascade optimum (moves and deferred alike): candidates for new proposals. */
  readonly moves: readonly CascadeMove[];
  /** A blade a cascade may move to now: standby and healthy. */
  readonly usable: (blade: BladeRecord) => boolean;
}

export interface ApprovalRound {
  /** Approved moves still possible and worthwhile, within the slots: start them. */
  readonly start: readonly { readonly proposal: number; readonly move: Placement }[];
  /** New moves to propose (not already open, not rejected). */
  readonly propose: readonly CascadeMove[];
  /** Open proposals that can no longer happen, with why. */
  readonly expire: readonly { readonly proposal: Proposal; readonly reason: string }[];
}

/** Pure: decides from the book and this round's state; the controller commits the outcome. */
export function approvalRound(input: ApprovalRoundInput): ApprovalRound {
  const { book, blades, policy } = input;
  const byId = new Map(input.workloads.map((w) => [w.id, w]));
  book.forgetRejections((id) => byId.get(id)?.blade ?? null);
  const start: { proposal: number; move: Placement }[] = [];
  const expire: { proposal: Proposal; reason: string }[] = [];
  const taken = new Set<string>();
  const starting = new Set<string>();
  /** Workloads with an approved move that waits (for a slot, a cooldown, a transfer to end). */
  const waiting = new Set<string>();
  let slots = Math.max(0, Math.floor(input.slots));

  for (const p of book.openProposals()) {
    if (input.busy.has(p.workload) || input.cooling.has(p.workload) || starting.has(p.workload) || taken.has(p.to)) {
      // Not now; look again next round, when the transfer or the cooldown has ended.
      if (p.status === 'approved') waiting.add(p.workload);
      continue;
    }
    const check = recheck(p, byId.get(p.workload), blades, policy, input.usable);
    if (typeof check === 'string') {
      expire.push({ proposal: p, reason: check });
      continue;
    }
    if (p.status !== 'approved') continue;
    if (slots <= 0) {
      waiting.add(p.workload);
      continue;
    }
    slots--;
    taken.add(p.to);
    starting.add(p.workload);
    start.push({ proposal: p.id, move: { workload: p.workload, kind: 'cascade', from: p.from, to: p.to, before: check.before, after: check.after, runnersUp: [] } });
  }

  const expiring = new Set(expire.map((x) => x.proposal.id));
  const stillOpen = book.openProposals().filter((p) => !expiring.has(p.id));
  const openKeys = new Set(stillOpen.map(keyOf));
  const propose: CascadeMove[] = [];
  for (const m of input.moves) {
    if (m.from === null || starting.has(m.workload) || waiting.has(m.workload) || taken.has(m.to)) continue;
    const key = keyOf({ workload: m.workload, from: m.from, to: m.to });
    if (openKeys.has(key) || book.isRejected(m.workload, m.from, m.to)) continue;
    // The optimum changed its mind about this workload: the older, undecided proposal gives way.
    for (const q of stillOpen) {
      if (q.workload === m.workload && q.status === 'proposed' && !expiring.has(q.id)) {
        expire.push({ proposal: q, reason: `superseded: ${m.to} is now the better move` });
        expiring.add(q.id);
      }
    }
    propose.push(m);
  }
  return { start, propose, expire };
}

/** Checks an open proposal against the state of now: the fits it would have, or why it cannot happen. */
function recheck(
  p: Proposal,
  w: WorkloadRecord | undefined,
  blades: ReadonlyMap<string, BladeRecord>,
  policy: Policy,
  usable: (blade: BladeRecord) => boolean,
): { before: Fit; after: Fit } | string {
  if (!w || w.state !== 'running') return `workload ${p.workload} is ${w ? w.state : 'gone'}`;
  if (w.blade !== p.from) return `workload ${p.workload} is no longer on ${p.from}`;
  const source = blades.get(p.from);
  const target = blades.get(p.to);
  if (!source) return `blade ${p.from} is gone`;
  if (!target || !usable(target)) return `blade ${p.to} is no longer a healthy standby blade`;
  const before = fitOf(source.resources, w.requirements, policy.weights);
  const after = fitOf(target.resources, w.requirements, policy.weights);
  if (!worthwhile(before, after, policy)) return `no longer worthwhile: ${p.to} does not beat ${p.from} by the policy's margin`;
  return { before, after };
}
