// Whose fault a failed driver call is: the workload's (it is unknown, its image or saved state is unusable, it runs
// elsewhere) or the target blade's (power, health, BMC, anything else). Only a target fault may fail a blade.

/** Driver codes (the fake world's, the emulator's, libvirt's) that say the workload, not the blade, is the problem. */
const WORKLOAD_CODES: ReadonlySet<string> = new Set([
  'unknown-workload',
  'bad-checkpoint',
  'state-lost',
  'running-elsewhere',
  'no-definition',
  'checkpoint-unsupported',
]);

export type FaultClass = 'workload' | 'target';

/** The driver's code of an error, when it carries one (every driver's error class has a string `code`). */
export function driverCode(error: unknown): string | null {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : null;
}

/** Unclassified errors count as the target's: the cautious side keeps a doubtful blade out of the pool. */
export function faultOf(error: unknown): FaultClass {
  const code = driverCode(error);
  return code !== null && WORKLOAD_CODES.has(code) ? 'workload' : 'target';
}

/** How a workload held after a workload fault reads: pending, with this prefix on its reason. */
export const WORKLOAD_FAULT_PREFIX = 'workload fault: ';

/** A pending workload held back after a workload fault: the planner does not place it until an operator acts. */
export function heldByFault(w: { readonly state: string; readonly pendingReason: string | null }): boolean {
  return w.state === 'pending' && w.pendingReason !== null && w.pendingReason.startsWith(WORKLOAD_FAULT_PREFIX);
}
