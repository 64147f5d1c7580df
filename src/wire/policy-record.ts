// A policy as the server holds and sends it, fields unbounded: one schema for the API, round snapshots, the store.
import { z } from 'zod';

export const policyRecordSchema = z.object({
  weights: z.record(z.string(), z.number()),
  minImprovement: z.number(),
  maxConcurrentTransfers: z.number(),
  cooldownSeconds: z.number(),
  replanSeconds: z.number(),
  transferSeconds: z.number(),
  requireApproval: z.boolean(),
  survivability: z.object({ k: z.number(), domains: z.array(z.string()) }).optional(),
  admission: z
    .object({ mode: z.enum(['off', 'warn', 'enforce']), k: z.number(), domains: z.array(z.string()) })
    .optional(),
  hardKeys: z.array(z.string()).optional(),
  repairBurnInSeconds: z.number().optional(),
  cascadeWindows: z.array(z.string()).optional(),
});
