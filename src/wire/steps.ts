// The steps of a transfer and their order per kind: the names the store, the API, the CLI and the dashboard share.

export const STEP_NAMES = [
  'capture', // failover: the state from the failing blade, or the latest stored checkpoint
  'fence', // failover: power the source off and confirm it is off
  'attach', // boot storage and identity to the target
  'start', // power the target on and confirm it is on
  'restore', // start the workload on the target from the captured state
  'verify', // the workload runs on the target, and only there
  'prepare', // cascade: power the target on and confirm
  'move', // cascade: live migration, or a checkpoint at a quiesce point
  'switch', // cascade: storage and identity to the target
  'release', // cascade: power the source off and return it to the pool
  'rollback', // cascade: put the workload back on its source, power the target off
  'unwind', // failover, place: power the failed target off and confirm, before anyone else is tried
] as const;

export type StepName = (typeof STEP_NAMES)[number];

export type TransferKind = 'failover' | 'cascade' | 'place';

const SEQUENCES = {
  failover: ['capture', 'fence', 'attach', 'start', 'restore', 'verify'],
  place: ['attach', 'start', 'restore', 'verify'],
  cascade: ['prepare', 'move', 'switch', 'restore', 'verify', 'release'],
} as const;

/** The sequences as exact tuples: a client that keeps its own copy (the dashboard) is held to them by the compiler. */
export type ExactStepSequences = typeof SEQUENCES;

export const STEP_SEQUENCES: Readonly<Record<TransferKind, readonly StepName[]>> = SEQUENCES;

const KNOWN = new Set<string>(STEP_NAMES);

export function isStepName(name: string): name is StepName {
  return KNOWN.has(name);
}
