// The book of cascade proposals and their decisions (policy.requireApproval). Durable through the audit log: every
// proposal and decision is an event, and the book is rebuilt from the log on start, so an approval survives a restart.
import { z } from 'zod';
import { keyOf, type MoveKey, type Proposal } from '../core/approval-round.js';
import type { AuditEvent, Store } from '../ports/store.js';

export type { Proposal, ProposalStatus } from '../core/approval-round.js';

const fitData = z.object({
  deficit: z.number(),
  surplus: z.number(),
  cost: z.number(),
  feasible: z.boolean(),
  mismatches: z.array(
    z.object({
      key: z.string(),
      kind: z.enum(['attribute', 'quantity']),
      required: z.union([z.number(), z.string()]),
      offered: z.union([z.number(), z.string(), z.null()]),
    }),
  ),
});
const proposedData = z.object({
  from: z.string(),
  to: z.string(),
  saving: z.number(),
  before: fitData.nullish(),
  after: fitData.nullish(),
});
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
          id: e.seq,
          workload: e.subject,
          from: d.data.from,
          to: d.data.to,
          before: d.data.before ?? null,
          after: d.data.after ?? null,
          saving: d.data.saving,
          proposedAt: e.at,
          status: 'proposed',
          decidedBy: null,
          decidedAt: null,
          transfer: null,
          reason: null,
        });
      } else if (e.type === 'cascade.approved' || e.type === 'cascade.rejected' || e.type === 'cascade.expired') {
        const d = decisionData.safeParse(e.data);
        const p = d.success ? this.open.get(d.data.proposal) : undefined;
        if (!d.success || !p) continue;
        const status =
          e.type === 'cascade.approved' ? 'approved' : e.type === 'cascade.rejected' ? 'rejected' : 'expired';
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

  /** Moves an operator rejected, for the round to leave out. */
  rejectedMoves(): MoveKey[] {
    return [...this.rejected.keys()].map((key) => {
      const [workload, from, to] = key.split('\u0000') as [string, string, string];
      return { workload, from, to };
    });
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
