// What a step hands to the steps after it, typed; stored as JSON text in its record and read back through a schema.
import { z } from 'zod';
import type { Checkpoint } from '../ports/workloads.js';
import { fenceProofShape } from '../wire/fence-proof.js';
import type { FenceProof } from './fence-levels.js';

export interface StepOutput {
  readonly checkpoint?: Checkpoint;
  /** capture: where the state came from; `none` means a cold start from the boot disk. */
  readonly source?: 'live' | 'stored' | 'none';
  /** move: how the state moved. */
  readonly mode?: 'live' | 'checkpoint';
  /** A failed step whose driver blamed the workload (unknown, unusable state), not the target blade. */
  readonly fault?: 'workload';
  /** fence: the level that confirmed the source is cut off, its proof, and the attempts before it. */
  readonly fence?: FenceProof;
}

// Loose: an operator's confirmation (level "operator") may say more than a device's proof.
const fenceProof = z.looseObject(fenceProofShape);

// Loose: a driver's checkpoint may carry more than the port names, and restore() must get it back whole.
const stepOutput = z.looseObject({
  checkpoint: z
    .looseObject({ workload: z.string(), blade: z.string(), sequence: z.number(), data: z.string() })
    .optional(),
  source: z.enum(['live', 'stored', 'none']).optional(),
  mode: z.enum(['live', 'checkpoint']).optional(),
  fault: z.literal('workload').optional(),
  fence: fenceProof.optional(),
});

/** Reads a stored output; no output (a step that hands nothing on) reads as {}. A malformed one is a bug. */
export function parseStepOutput(text: string | null): StepOutput {
  if (text === null || text === '') return {};
  const parsed = stepOutput.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new Error(`a stored step output does not read as one: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}
