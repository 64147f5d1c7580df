// Tests of the rules about the controller's own lateness need the process itself to be late: a timer that fires
// after the event loop was blocked, as a long GC pause or a starved CPU makes it.

/** Blocks the event loop for `ms` milliseconds. */
export function stall(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy: the point is that nothing else runs
  }
}
