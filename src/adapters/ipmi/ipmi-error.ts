// The errors of the IPMI driver: a code to act on, and a message naming the blade (never a password).

export type IpmiCode =
  /** The BMC answered and refused the user name or password (or the privilege asked for). */
  | 'auth-refused'
  /** No answer from the BMC within ipmitool's own retries. */
  | 'unreachable'
  /** ipmitool did not finish within the call's deadline and was killed. */
  | 'timeout'
  | 'not-installed'
  /** The BMC answered with an error, or ipmitool failed otherwise. */
  | 'command-failed'
  /** ipmitool's output was not what the parser knows. */
  | 'bad-output'
  | 'unknown-blade';

export class IpmiError extends Error {
  constructor(
    readonly code: IpmiCode,
    message: string,
    readonly blade: string | null = null,
  ) {
    super(message);
    this.name = 'IpmiError';
  }
}

/**
 * Sorts ipmitool's complaint into a code. With `-v`, a refused login says why (`RAKP 2 HMAC is invalid`: wrong
 * password; `unauthorized name`: unknown user); without it, every failed login reads "Unable to establish
 * IPMI v2 / RMCP+ session", whether the BMC refused or never answered.
 */
export function classifyIpmitool(stderr: string): IpmiCode {
  if (
    /RAKP 2 HMAC is invalid|unauthorized name|Insufficient privilege|invalid (user ?name|password)|Unauthorized/i.test(
      stderr,
    )
  )
    return 'auth-refused';
  if (
    /Get Auth Capabilities error|No response from remote controller|Unable to establish|Connection refused|No route to host|Name or service not known/i.test(
      stderr,
    )
  ) {
    return 'unreachable';
  }
  return 'command-failed';
}
