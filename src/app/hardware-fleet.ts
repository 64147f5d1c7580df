// Several Redfish services as one HardwarePort: each blade is managed by the service that discovered it.
import type { BladeInventory, BladeStatus, HardwareEvent, HardwarePort, PowerState } from '../ports/hardware.js';
import type { RedfishHardware } from '../adapters/redfish/redfish-hardware.js';

export class HardwareFleet implements HardwarePort {
  /** blade id -> the service that has it. */
  readonly #owner = new Map<string, RedfishHardware>();

  constructor(
    private readonly services: readonly RedfishHardware[],
    private readonly warn: (message: string) => void = () => {},
  ) {}

  async inventory(known?: ReadonlySet<string>): Promise<BladeInventory[]> {
    const all: BladeInventory[] = [];
    const lists = await Promise.allSettled(this.services.map((s) => s.inventory(known)));
    for (const [index, list] of lists.entries()) {
      const service = this.services[index]!;
      if (list.status === 'rejected') {
        this.warn(
          `inventory of ${service.name} failed: ${list.reason instanceof Error ? list.reason.message : String(list.reason)}`,
        );
        continue;
      }
      for (const blade of list.value) {
        const owner = this.#owner.get(blade.id);
        if (owner && owner !== service) {
          this.warn(`blade ${blade.id} is on both ${owner.name} and ${service.name}; keeping ${owner.name}`);
          continue;
        }
        this.#owner.set(blade.id, service);
        all.push(blade);
      }
    }
    // Blades the caller knew were listed, not read: their owner is the service whose listing had them.
    for (const id of known ?? []) {
      if (!this.#owner.has(id)) {
        const owner = this.services.find((s) => s.knows(id));
        if (owner) this.#owner.set(id, owner);
      }
    }
    return all;
  }

  async status(blade: string): Promise<BladeStatus> {
    return (await this.#serviceOf(blade)).status(blade);
  }

  endpointOf(blade: string): string | null {
    return (this.#owner.get(blade) ?? this.services.find((s) => s.knows(blade)))?.name ?? null;
  }

  async setPower(blade: string, power: PowerState): Promise<void> {
    return (await this.#serviceOf(blade)).setPower(blade, power);
  }

  subscribe(listener: (event: HardwareEvent) => void): () => void {
    const stops = this.services.map((s) => s.subscribe(listener));
    return () => {
      for (const stop of stops) stop();
    };
  }

  /** Per endpoint, for /readyz: `ok`, `warning: ...` (0 Systems, not inventoried yet), or why it fails. */
  readiness(): Record<string, string> {
    const checks: Record<string, string> = {};
    for (const s of this.services) {
      const r = s.readiness();
      checks[s.name] = r.state === 'ok' ? 'ok' : r.state === 'failing' ? r.detail : `warning: ${r.detail}`;
    }
    return checks;
  }

  async close(): Promise<void> {
    await Promise.all(this.services.map((s) => s.close()));
  }

  async #serviceOf(blade: string): Promise<RedfishHardware> {
    const owner = this.#owner.get(blade) ?? (this.services.length === 1 ? this.services[0] : undefined);
    if (owner) return owner;
    // Not seen yet: a fresh inventory finds who has it; unknown everywhere is the caller's error.
    await this.inventory();
    const found = this.#owner.get(blade);
    if (!found)
      throw new Error(
        `blade ${blade}: unknown to every Redfish service (${this.services.map((s) => s.name).join(', ')})`,
      );
    return found;
  }
}
