// The shape of a fit (core/fit.ts) as JSON: one schema for the API's views, the stored transfers and round snapshots.
import { z } from 'zod';

export const mismatchSchema = z.object({
  key: z.string(),
  kind: z.enum(['attribute', 'quantity']),
  required: z.union([z.number(), z.string()]),
  offered: z.union([z.number(), z.string(), z.null()]),
  /** A hard floor the blade falls below: it is infeasible for the workload. */
  floor: z.number().optional(),
});

export const fitSchema = z.object({
  deficit: z.number(),
  surplus: z.number(),
  cost: z.number(),
  feasible: z.boolean(),
  mismatches: z.array(mismatchSchema),
});

/** A fit and a mismatch as the API sends them, for clients that read them as types. */
export type FitView = z.infer<typeof fitSchema>;
export type MismatchView = z.infer<typeof mismatchSchema>;
