// Port: boot storage and network identity (LUN mapping, MAC/WWN) that follow a workload from blade to blade.

export interface StoragePort {
  /** Maps the workload's boot LUN and identity to `blade`, removing them from any other blade. Idempotent. */
  attach(workload: string, blade: string): Promise<void>;
  /** The blade the workload's storage and identity are mapped to, or null. */
  attachedTo(workload: string): Promise<string | null>;
}
