// Suites that run against real peers (Debian packages) skip where a peer is missing, saying why in one line. In CI
// (CI=true), where .ci/run installed every package, a missing or broken peer fails the suite instead: a package that
// installs but does not work must not turn the proof into a silent skip.

/** The suite's reason to skip, or null when it can run; throws in CI rather than skip. */
export function requiredPeer(suite: string, reason: string | null): string | null {
  if (reason === null) return null;
  if (process.env.CI === 'true') {
    throw new Error(`${suite} must run in CI, but ${reason}`);
  }
  console.warn(`${suite}: skipped: ${reason}`);
  return reason;
}
