// Shared by the port contract suites: polling with a deadline and checks on rejections, in real time, since real
// adapters (Redfish, IPMI, libvirt) run the same suites against real services.
import { expect } from 'vitest';

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until `accept` holds; fails with the last value seen once `deadlineMs` has passed. */
export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  deadlineMs: number,
  what: string,
): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (let wait = 5; ; wait = Math.min(wait * 2, 250)) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() >= until)
      throw new Error(`${what}: not within ${deadlineMs} ms (last seen ${JSON.stringify(value)})`);
    await pause(wait);
  }
}

/** The promise must reject with an Error whose message names `subject`, so an operator can tell what failed. */
export async function expectRejectionNaming(promise: Promise<unknown>, subject: string): Promise<Error> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a rejection naming ${subject}`).toBeInstanceOf(Error);
  const error = caught as Error;
  expect(error.message).toContain(subject);
  return error;
}
