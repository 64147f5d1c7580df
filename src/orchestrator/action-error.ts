// Why an operator action was refused, as a value with a code the API turns into a status (404, 409, 400).

export type ActionErrorCode =
  /** The blade, workload or proposal does not exist. */
  | 'not-found'
  /** It exists, but its state does not allow the action now (e.g. repairing an active blade). */
  | 'conflict'
  /** The request itself cannot be carried out (e.g. a workload with no requirements from anywhere). */
  | 'invalid'
  /** A submitted workload its driver (the hypervisor) does not know. */
  | 'unknown-to-driver';

export class ActionError extends Error {
  constructor(
    readonly code: ActionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ActionError';
  }
}
