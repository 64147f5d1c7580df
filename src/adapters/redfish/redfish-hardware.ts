// HardwarePort over one Redfish service: discovery of systems and chassis, power and health from each System,
// power changes through #ComputerSystem.Reset (the caller confirms by reading status), and the SSE event stream.
import type { BladeInventory, BladeStatus, HardwareEvent, HardwarePort, Health, PowerState } from '../../ports/hardware.js';
import { RedfishClient, type RedfishEndpoint } from './redfish-client.js';
import { RedfishError } from './redfish-error.js';
import { EventFeed } from './redfish-events.js';
import { discover, lastSegment, members, parseAs, servicePaths, type Discovery, type ServicePaths } from './redfish-inventory.js';
import { eventServiceSchema, systemSchema, type RedfishSystem } from './redfish-schemas.js';

export interface RedfishLogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly [key: string]: unknown;
}

export interface RedfishHardwareOptions extends RedfishEndpoint {
  /** Parallel requests during discovery; default 8. */
  readonly concurrency?: number;
  /** First wait before reconnecting the event stream; it doubles up to 30 s. Default 500 ms. */
  readonly eventRetryMs?: number;
  readonly log?: (entry: RedfishLogEntry) => void;
}

/** Redfish PowerState -> what the blade has now: a change in flight has not happened yet. */
const POWER: Readonly<Record<string, PowerState>> = { On: 'on', Off: 'off', PoweringOn: 'off', PoweringOff: 'on', Paused: 'on' };
const HEALTH: Readonly<Record<string, Health>> = { OK: 'ok', Warning: 'warning', Critical: 'critical' };
/** Reset types in order of preference: fencing wants a hard off, never a button press that could toggle. */
const RESET: Readonly<Record<PowerState, readonly string[]>> = { on: ['On', 'ForceOn'], off: ['ForceOff', 'GracefulShutdown'] };

export class RedfishHardware implements HardwarePort {
  readonly #client: RedfishClient;
  readonly #events: EventFeed;
  readonly #log: (entry: RedfishLogEntry) => void;
  /** blade id -> System @odata.id, and back. */
  readonly #paths = new Map<string, string>();
  readonly #blades = new Map<string, string>();
  #service: Promise<ServicePaths> | null = null;

  constructor(private readonly o: RedfishHardwareOptions) {
    this.#client = new RedfishClient(o);
    this.#log = o.log ?? (() => {});
    this.#events = new EventFeed(this.#client, {
      path: () => this.#eventPath(),
      bladeOf: (origin) => this.#blades.get(origin) ?? (origin.startsWith(`${SYSTEMS}/`) ? lastSegment(origin) : null),
      reread: async (blade) => {
        const status = await this.status(blade);
        return [{ kind: 'health', blade, health: status.health }, ...(status.power === 'unknown' ? [] : [{ kind: 'power' as const, blade, power: status.power }])];
      },
      warn: (msg) => this.#log({ level: 'warn', msg, endpoint: this.#client.name }),
      ...(o.eventRetryMs === undefined ? {} : { retryMs: o.eventRetryMs }),
    });
  }

  get name(): string {
    return this.#client.name;
  }

  /** Every system that could be read, and why the others could not. */
  async discover(known?: ReadonlySet<string>): Promise<Discovery> {
    const found = await discover(this.#client, await this.#servicePaths(), this.o.concurrency ?? 8, known);
    for (const blade of [...found.blades, ...found.skipped]) this.#remember(blade.id, blade.path);
    return found;
  }

  async inventory(known?: ReadonlySet<string>): Promise<BladeInventory[]> {
    const { blades, problems } = await this.discover(known);
    for (const problem of problems) this.#log({ level: 'warn', msg: `inventory: ${problem.message}`, endpoint: this.#client.name, code: problem.code });
    return blades.map((b) => (b.location ? { id: b.id, resources: b.resources, location: b.location } : { id: b.id, resources: b.resources }));
  }

  /** The blade's System was in the last listing or inventory of this service. */
  knows(blade: string): boolean {
    return this.#paths.has(blade);
  }

  async status(blade: string): Promise<BladeStatus> {
    const system = await this.#system(blade);
    const health = system.Status?.Health ?? system.Status?.HealthRollup;
    return {
      power: POWER[system.PowerState ?? ''] ?? 'unknown',
      // A system that reports no health at all is taken as healthy: silence is not a fault; power and reachability still count.
      health: health == null ? 'ok' : (HEALTH[health] ?? 'warning'),
    };
  }

  async setPower(blade: string, power: PowerState): Promise<void> {
    // A listener that subscribed before this call must hear the change it causes.
    await this.#events.ready(2_000);
    const system = await this.#system(blade);
    if (system.PowerState === (power === 'on' ? 'On' : 'Off')) return;
    const action = system.Actions?.['#ComputerSystem.Reset'];
    const target = action?.target ?? `${system['@odata.id']}/Actions/ComputerSystem.Reset`;
    const allowed = action?.['ResetType@Redfish.AllowableValues'];
    const type = RESET[power].find((t) => !allowed || allowed.includes(t));
    if (!type) throw new RedfishError('bad-reply', `blade ${blade}: Reset allows ${allowed?.join(', ')}, none of which powers it ${power}`, blade, target);
    try {
      // 200, 202 (a task) and 204 all mean accepted; the caller confirms by reading PowerState.
      await this.#client.request('POST', target, { ResetType: type }, { blade });
    } catch (error) {
      // Some BMCs refuse a reset to the state a change in flight is already reaching: fine if it is there now.
      if (error instanceof RedfishError && error.status === 409 && (await this.status(blade)).power === power) return;
      throw error;
    }
  }

  subscribe(listener: (event: HardwareEvent) => void): () => void {
    return this.#events.subscribe(listener);
  }

  /** Stops the event stream and logs the session out. */
  async close(): Promise<void> {
    this.#events.close();
    await this.#client.close();
  }

  async #system(blade: string): Promise<RedfishSystem> {
    const path = await this.#pathOf(blade);
    let body;
    try {
      body = await this.#client.get(path, { blade });
    } catch (error) {
      if (error instanceof RedfishError && error.status === 404) {
        this.#forget(blade);
        throw new RedfishError('unknown-blade', `blade ${blade}: its System ${path} is gone from ${this.#client.name}`, blade, path, 404);
      }
      throw error;
    }
    return parseAs(systemSchema, body, path, this.#client.name, { blade });
  }

  async #pathOf(blade: string): Promise<string> {
    const known = this.#paths.get(blade);
    if (known) return known;
    // Not discovered yet (added since, or status asked before inventory): look in the Systems collection.
    for (const path of await members(this.#client, (await this.#servicePaths()).systems)) {
      if (lastSegment(path) === blade) {
        this.#remember(blade, path);
        return path;
      }
    }
    throw new RedfishError('unknown-blade', `blade ${blade}: unknown to ${this.#client.name}`, blade);
  }

  #remember(blade: string, path: string): void {
    this.#paths.set(blade, path);
    this.#blades.set(path, blade);
  }

  #forget(blade: string): void {
    const path = this.#paths.get(blade);
    this.#paths.delete(blade);
    if (path) this.#blades.delete(path);
  }

  #servicePaths(): Promise<ServicePaths> {
    if (!this.#service) {
      const attempt = servicePaths(this.#client);
      this.#service = attempt;
      attempt.catch(() => {
        if (this.#service === attempt) this.#service = null;
      });
    }
    return this.#service;
  }

  async #eventPath(): Promise<string | null> {
    const service = (await this.#servicePaths()).eventService;
    if (!service) return null;
    const body = parseAs(eventServiceSchema, await this.#client.get(service), service, this.#client.name);
    return body.ServerSentEventUri ?? null;
  }
}

const SYSTEMS = '/redfish/v1/Systems';
