// An error a command reports as one line and an exit code, without a stack: bad input (2), a failure (1), or
// `cascade status` finding a workload down (3).
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 | 3 = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
