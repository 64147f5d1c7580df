// The error the fake drivers reject with: a message naming the blade, as a real driver's would, and a code for tests.
import type { RefusalCode } from './world-state.js';

export class DriverError extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
    readonly blade: string | null,
    readonly workload: string | null,
  ) {
    super(message);
    this.name = 'DriverError';
  }
}
