// Fault injection on the emulated data center: each fault changes the FakeWorld the way the real one would fail.
import type { FakeWorld } from '../adapters/fake/index.js';
import type { Fault } from './control-schemas.js';
import { ReplyFaults } from './reply-faults.js';
import { ServiceFaults } from './service-faults.js';

export class FaultInjector {
  readonly #timers = new Set<NodeJS.Timeout>();

  /** Faults in the BMC's Redfish replies (slow, malformed); the Redfish routes consult it. */
  readonly replies = new ReplyFaults();

  /** Faults of the whole Redfish service (outage, password) and of a System's Status.State. */
  readonly service = new ServiceFaults();

  constructor(private readonly world: FakeWorld) {}

  /** Applies the fault to one blade (which must exist) and says what happened. */
  inject(blade: string, fault: Fault): string {
    switch (fault.kind) {
      case 'fail':
        this.world.failBlade(blade);
        return `${blade} failed: powered off, health critical`;
      case 'power-loss':
        this.world.losePower(blade);
        return `${blade} lost power`;
      case 'workload-crash':
        this.world.crashWorkloads(blade);
        return `what ran on ${blade} crashed; the blade stays on`;
      case 'memory-fault':
        this.world.setHealth(blade, 'critical');
        return `${blade} reports uncorrectable memory errors: health critical`;
      case 'network-loss':
        this.world.setReachable(blade, false, { hang: fault.hang });
        return `${blade} no longer answers${fault.hang ? ' (connections hang)' : ''}`;
      case 'flap':
        this.#flap(blade, fault.health, fault.times, fault.periodMs);
        return `${blade} health flaps ${fault.health}/OK ${fault.times} times every ${fault.periodMs} ms`;
      case 'slow':
        this.replies.slow(blade, fault.delayMs, fault.forMs);
        return `${blade} answers Redfish ${fault.delayMs} ms late for ${fault.forMs} ms`;
      case 'malformed':
        this.replies.malformed(blade, fault.forMs);
        return `${blade} answers Redfish with malformed replies for ${fault.forMs} ms`;
      case 'state': {
        const gone = fault.state === 'Absent' || fault.state === 'UnavailableOffline';
        // A pulled blade has no power: what ran on it stops. A contradictory BMC says so while the blade runs on.
        if (gone && !fault.contradictory) this.world.losePower(blade);
        this.service.setState(blade, fault.state, fault.contradictory);
        return `${blade} reports Status.State ${fault.state}${fault.contradictory ? ' with PowerState On' : ''}`;
      }
    }
  }

  /** Every blade of the enclosure loses power at once (a PDU, the midplane); returns them. */
  chassisPowerLoss(chassis: string): string[] {
    const hit = this.world.bladeIds().filter((id) => this.world.blade(id)?.location?.chassis === chassis);
    for (const id of hit) this.world.losePower(id);
    // The enclosure itself reads Off, as a real one's Redfish Chassis does: targets there are refused at once.
    if (hit.length > 0) this.service.losePower(chassis, hit);
    return hit;
  }

  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #flap(blade: string, bad: 'warning' | 'critical', times: number, periodMs: number): void {
    for (let i = 0; i < times * 2; i++) {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        // The blade may have been removed meanwhile; a flap of a blade that is gone is no fault.
        if (this.world.blade(blade)) this.world.setHealth(blade, i % 2 === 0 ? bad : 'ok');
      }, i * periodMs);
      this.#timers.add(timer);
    }
  }
}
