// Port: a fencing device, one independent way to make sure a blade is cut off (its own BMC, the enclosure manager,
// a switched PDU outlet, the SAN), each confirmed by reading the device back.

/** The kinds of level, weakest first as sites usually order them; a site may order its levels otherwise. */
export const FENCE_LEVELS = ['bmc', 'enclosure', 'pdu', 'storage'] as const;
export type FenceLevel = (typeof FENCE_LEVELS)[number];

export function isFenceLevel(value: string): value is FenceLevel {
  return (FENCE_LEVELS as readonly string[]).includes(value);
}

export interface FenceReading {
  /** The device shows the blade cut off: power off, the bay off, the outlet off, its initiator in no ACL. */
  readonly fenced: boolean;
  /** What was read, as proof in the transfer's record ("PowerState Off", "outlet 3 Off", "ACL of tid 1: none"). */
  readonly shows: string;
}

/**
 * One device. An `address` is what the device calls the blade: the blade id for its BMC, its chassis id in the
 * enclosure manager, `PDU/OUTLET` on a PDU, its initiator IQN on a SAN.
 */
export interface FenceDevice {
  readonly level: FenceLevel;
  /** How proofs and messages name the device ("bmc", "enclosure enc-a", "san tgt-a"). */
  readonly name: string;
  /** Changes nothing. Rejects with an error naming the address when the device does not know it. */
  read(address: string): Promise<FenceReading>;
  /**
   * Asks the device to cut the address off; resolves with the device's answer once the request is accepted, not
   * once it took effect: the caller confirms by read(). Asking again for what is already done is accepted.
   */
  fence(address: string): Promise<string>;
}

/** The device answered but does not know the address (no such outlet, chassis or initiator): a misconfigured level. */
export class UnknownFenceAddress extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownFenceAddress';
  }
}
