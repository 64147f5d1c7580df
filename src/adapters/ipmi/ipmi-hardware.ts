// HardwarePort over IPMI (ipmitool -I lanplus): power, health from chassis status and sensors, events by polling.
//
// IPMI knows nothing of a blade's resources or of where it sits: that inventory comes from the site's
// configuration. A BMC cannot push events either: the driver polls every blade while someone listens.
import type { BladeLocation, Resources } from '../../core/model.js';
import type { BladeInventory, BladeStatus, HardwareEvent, HardwarePort, PowerState } from '../../ports/hardware.js';
import { IpmiError } from './ipmi-error.js';
import {
  judgeHealth,
  parseChassisStatus,
  parseSdr,
  parseSel,
  type HealthJudgement,
  type SelEntry,
} from './ipmi-readings.js';
import { runIpmitool, type BmcTarget, type IpmitoolOptions } from './ipmitool.js';
import { StatusPoller } from './status-poller.js';

export interface IpmiBlade {
  readonly id: string;
  readonly bmc: BmcTarget;
  readonly resources: Resources;
  readonly location?: BladeLocation;
}

export interface IpmiHardwareOptions {
  readonly blades: readonly IpmiBlade[];
  readonly ipmitool?: string;
  /** Hard deadline of one ipmitool call; default 10 s. */
  readonly callTimeoutMs?: number;
  /**
   * ipmitool -N (seconds per attempt) and -R (retries); default 1 and 2. ipmitool's waits grow with each retry:
   * a BMC that never answers is given up after about 2 s (-N 1 -R 1), 6 s (1, 2), 10 s (2, 2) or 18 s (2, 3).
   */
  readonly attemptSeconds?: number;
  readonly retries?: number;
  /** How often subscribers' blades are polled; default 5 s. */
  readonly pollMs?: number;
  readonly pollConcurrency?: number;
  /** Read sensors (sdr elist) for health; default true. Without, health comes from chassis faults only. */
  readonly sensors?: boolean;
}

/** What an operator sees when asking why a blade is unhealthy. */
export interface HealthReport extends HealthJudgement {
  readonly power: PowerState;
  /** The latest entries of the BMC's event log, newest last. */
  readonly recentEvents: readonly SelEntry[];
}

export class IpmiHardware implements HardwarePort {
  readonly #blades = new Map<string, IpmiBlade>();
  readonly #tool: IpmitoolOptions;
  readonly #sensors: boolean;
  readonly #lastSeen = new Map<string, BladeStatus>();
  readonly #poller: StatusPoller;

  constructor(options: IpmiHardwareOptions) {
    for (const blade of options.blades) this.#blades.set(blade.id, blade);
    this.#tool = {
      ...(options.ipmitool ? { ipmitool: options.ipmitool } : {}),
      timeoutMs: options.callTimeoutMs ?? 10_000,
      attemptSeconds: options.attemptSeconds ?? 1,
      retries: options.retries ?? 2,
    };
    this.#sensors = options.sensors ?? true;
    this.#poller = new StatusPoller(
      () => [...this.#blades.keys()],
      (blade) => this.status(blade),
      () => this.#lastSeen,
      { intervalMs: options.pollMs ?? 5_000, concurrency: options.pollConcurrency ?? 4 },
    );
  }

  /** From the configuration: IPMI has no inventory of resources or locations. */
  async inventory(): Promise<BladeInventory[]> {
    return [...this.#blades.values()].map((b) =>
      b.location ? { id: b.id, resources: b.resources, location: b.location } : { id: b.id, resources: b.resources },
    );
  }

  async status(blade: string): Promise<BladeStatus> {
    const { power, health } = await this.#judge(blade);
    const status = { power, health };
    this.#lastSeen.set(blade, status);
    return status;
  }

  /** `chassis power on|off`: a hard off, as fencing needs (a soft shutdown may never end). */
  async setPower(blade: string, power: PowerState): Promise<void> {
    await this.#run(blade, ['chassis', 'power', power], true);
  }

  /** Off then on, in the BMC. Not part of HardwarePort: for operators (a hung blade). */
  async powerCycle(blade: string): Promise<void> {
    await this.#run(blade, ['chassis', 'power', 'cycle'], true);
  }

  /** Health with its reasons and the latest event log entries. */
  async healthReport(blade: string, events = 10): Promise<HealthReport> {
    const judged = await this.#judge(blade);
    const recentEvents = parseSel(await this.#run(blade, ['sel', 'elist', 'last', String(events)]));
    return { ...judged, recentEvents };
  }

  subscribe(listener: (event: HardwareEvent) => void): () => void {
    return this.#poller.subscribe(listener);
  }

  async #judge(blade: string): Promise<HealthJudgement & { power: PowerState }> {
    // -v: a refused login then says why; chassis status prints the same stdout with it.
    const chassisText = await this.#run(blade, ['chassis', 'status'], true);
    const chassis = parseChassisStatus(chassisText);
    if (!chassis)
      throw new IpmiError(
        'bad-output',
        `blade ${blade}: chassis status without a System Power line: ${JSON.stringify(chassisText.slice(0, 200))}`,
        blade,
      );
    const sensors = this.#sensors ? parseSdr(await this.#run(blade, ['sdr', 'elist'])) : [];
    return { power: chassis.power, ...judgeHealth(chassis, sensors) };
  }

  #run(blade: string, command: readonly string[], verbose = false): Promise<string> {
    const known = this.#blades.get(blade);
    if (!known)
      return Promise.reject(
        new IpmiError('unknown-blade', `blade ${blade}: unknown to the IPMI driver (not in the configuration)`, blade),
      );
    return runIpmitool(blade, known.bmc, command, this.#tool, verbose);
  }
}
