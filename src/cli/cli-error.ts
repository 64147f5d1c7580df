// An error a command reports as one line and an exit code, without a stack: bad input (2) or a failure (1).
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
