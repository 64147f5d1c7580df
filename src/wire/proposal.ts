// A cascade proposal as JSON: one schema for the API's proposal view and the proposals in a stored round snapshot.
import { z } from 'zod';
import { fitSchema } from './fit.js';
import { PROPOSAL_STATUSES } from './states.js';

export const proposalSchema = z.object({
  id: z.number(),
  workload: z.string(),
  from: z.string(),
  to: z.string(),
  before: fitSchema.nullable(),
  after: fitSchema.nullable(),
  saving: z.number(),
  proposedAt: z.number(),
  status: z.enum(PROPOSAL_STATUSES),
  decidedBy: z.string().nullable(),
  decidedAt: z.number().nullable(),
  transfer: z.string().nullable(),
  reason: z.string().nullable(),
});

/** A proposal as the API sends it, for clients that read it as a type. */
export type ProposalView = z.infer<typeof proposalSchema>;
