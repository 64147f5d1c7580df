// The errors of the libvirt driver: a code to act on, and a message that names the blade or workload concerned.

/** What went wrong talking to virsh itself (one host connection). */
export type VirshFailure =
  | 'not-installed'
  | 'unreachable'
  | 'timeout'
  | 'session-died'
  | 'bad-argument'
  | 'no-domain'
  | 'no-metadata'
  | 'unsupported'
  | 'command-failed';

/** What the workload driver refuses, on top of virsh's own failures. */
export type LibvirtRefusal =
  | 'unknown-blade'
  | 'unknown-workload'
  | 'not-running-here'
  | 'running-elsewhere'
  | 'already-running'
  | 'blade-busy'
  | 'bad-checkpoint'
  | 'state-lost'
  | 'no-definition'
  | 'migration-unsupported'
  | 'checkpoint-unsupported';

export type LibvirtCode = VirshFailure | LibvirtRefusal;

export class LibvirtError extends Error {
  constructor(
    readonly code: LibvirtCode,
    message: string,
    readonly blade: string | null = null,
    readonly workload: string | null = null,
  ) {
    super(message);
    this.name = 'LibvirtError';
  }
}

/** Sorts virsh's `error:` lines into a code; the text stays in the message for the operator. */
export function classifyVirshError(text: string): VirshFailure {
  if (/metadata not found/i.test(text)) return 'no-metadata';
  if (/failed to get domain|Domain not found|no domain with matching/i.test(text)) return 'no-domain';
  if (
    /not supported by the connection driver|unsupported flags|unsupported configuration|Operation not supported/i.test(
      text,
    )
  )
    return 'unsupported';
  if (
    /failed to connect|no valid connection|Cannot recv data|End of file while reading|unable to connect|Connection reset|Connection refused/i.test(
      text,
    )
  ) {
    return 'unreachable';
  }
  return 'command-failed';
}
