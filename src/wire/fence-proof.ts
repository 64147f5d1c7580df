// The shape of a fence step's proof, shared by the stored step output and the API's step view.
import { z } from 'zod';

/** One level tried: its device, what it answered, the confirming read, and when. */
export const fenceAttemptSchema = z.object({
  level: z.string(),
  device: z.string(),
  address: z.string(),
  answer: z.string().nullable(),
  reading: z.string().nullable(),
  confirmed: z.boolean(),
  error: z.string().nullable(),
  at: z.number(),
  endedAt: z.number(),
});

/** The level that confirmed, its proof, and the attempts before it; readers choose strict or loose objects. */
export const fenceProofShape = {
  level: z.string(),
  device: z.string(),
  address: z.string().optional(),
  answer: z.string(),
  reading: z.string(),
  at: z.number(),
  attempts: z.array(fenceAttemptSchema).optional(),
};
