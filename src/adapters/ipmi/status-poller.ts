// Hardware events for controllers that cannot push any (IPMI): poll every blade's status, announce what changed.
import type { BladeStatus, HardwareEvent } from '../../ports/hardware.js';

export interface StatusPollerOptions {
  readonly intervalMs: number;
  /** Blades read at once in one round. */
  readonly concurrency: number;
}

export class StatusPoller {
  readonly #listeners = new Set<(event: HardwareEvent) => void>();
  /** What each blade looked like at the previous reading, seeded from the driver's own readings. */
  readonly #previous = new Map<string, BladeStatus>();
  #timer: NodeJS.Timeout | null = null;
  #round: Promise<void> | null = null;

  constructor(
    private readonly blades: () => readonly string[],
    /** Rejections count as an unreachable controller. */
    private readonly read: (blade: string) => Promise<BladeStatus>,
    private readonly seed: () => ReadonlyMap<string, BladeStatus>,
    private readonly options: StatusPollerOptions,
  ) {}

  subscribe(listener: (event: HardwareEvent) => void): () => void {
    this.#listeners.add(listener);
    if (this.#listeners.size === 1) this.#start();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#stop();
    };
  }

  #start(): void {
    this.#previous.clear();
    for (const [blade, status] of this.seed()) this.#previous.set(blade, status);
    // A round still running from an earlier subscription schedules the next one when it ends.
    if (this.#round === null) this.#schedule(0);
  }

  #stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** One loop at most: a round is scheduled only by the start or by the end of the previous round. */
  #schedule(delayMs: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#round = this.#pollAll().finally(() => {
        this.#round = null;
        if (this.#listeners.size > 0 && this.#timer === null) this.#schedule(this.options.intervalMs);
      });
    }, delayMs);
  }

  async #pollAll(): Promise<void> {
    const queue = [...this.blades()];
    const worker = async (): Promise<void> => {
      for (let blade = queue.shift(); blade !== undefined; blade = queue.shift()) await this.#pollOne(blade);
    };
    await Promise.all(Array.from({ length: Math.max(1, this.options.concurrency) }, worker));
  }

  async #pollOne(blade: string): Promise<void> {
    let now: BladeStatus;
    try {
      now = await this.read(blade);
    } catch {
      now = { power: 'unknown', health: 'unreachable' };
    }
    const before = this.#previous.get(blade);
    this.#previous.set(blade, now);
    // The first reading of a blade is a baseline, not a change.
    if (!before || this.#listeners.size === 0) return;
    if (now.power !== before.power && now.power !== 'unknown') this.#emit({ kind: 'power', blade, power: now.power });
    if (now.health !== before.health) this.#emit({ kind: 'health', blade, health: now.health });
  }

  #emit(event: HardwareEvent): void {
    for (const listener of [...this.#listeners]) listener(event);
  }

  /** For tests and shutdown: resolves once a round in progress has ended. */
  async idle(): Promise<void> {
    await this.#round;
  }
}
