// HardwarePort over one Redfish service: discovery of systems and chassis, power and health from each System,
// power changes through #ComputerSystem.Reset (a Task monitor followed; the caller confirms by reading status),
// the SSE event stream, and how ready the endpoint is (for /readyz).
import type {
  BladeInventory,
  BladeStatus,
  HardwareEvent,
  HardwarePort,
  Health,
  PowerState,
} from '../../ports/hardware.js';
import { RedfishClient } from './redfish-client.js';
import { RedfishError } from './redfish-error.js';
import { EnclosurePower } from './redfish-enclosure-power.js';
import { EventFeed } from './redfish-events.js';
import { discover, parseAs, type Discovery } from './redfish-inventory.js';
import { eventServiceSchema } from './redfish-schemas.js';
import { followTask } from './redfish-tasks.js';
import { PushSubscription } from './redfish-push.js';
import type {
  BladeCheck,
  EndpointReadiness,
  EventPaths,
  RedfishHardwareOptions,
  RedfishLogEntry,
} from './redfish-hardware-types.js';
import { SystemPaths } from './redfish-system-paths.js';

export type { BladeCheck, EndpointReadiness, EventPaths, RedfishHardwareOptions, RedfishLogEntry };

/** Redfish PowerState -> what the blade has now: a change in flight has not happened yet. */
const POWER: Readonly<Record<string, PowerState>> = {
  On: 'on',
  Off: 'off',
  PoweringOn: 'off',
  PoweringOff: 'on',
  Paused: 'on',
};
const HEALTH: Readonly<Record<string, Health>> = { OK: 'ok', Warning: 'warning', Critical: 'critical' };
/** Reset types in order of preference: fencing wants a hard off, never a button press that could toggle. */
const RESET: Readonly<Record<PowerState, readonly string[]>> = {
  on: ['On', 'ForceOn'],
  off: ['ForceOff', 'GracefulShutdown'],
};

export class RedfishHardware implements HardwarePort {
  readonly #client: RedfishClient;
  readonly #events: EventFeed;
  readonly #log: (entry: RedfishLogEntry) => void;
  readonly #systems: SystemPaths;
  #readiness: EndpointReadiness = { state: 'unknown', detail: 'not inventoried yet' };
  readonly #push: PushSubscription | null;
  #listening = 0;
  #pushStarted: Promise<void> = Promise.resolve();
  readonly #enclosures: EnclosurePower;

  constructor(private readonly o: RedfishHardwareOptions) {
    this.#client = new RedfishClient(o);
    this.#systems = new SystemPaths(this.#client);
    this.#enclosures = new EnclosurePower(this.#client);
    this.#log = o.log ?? (() => {});
    this.#events = new EventFeed(this.#client, {
      path: () => this.#eventPath(),
      bladeOf: (origin) => this.#systems.bladeOf(origin),
      reread: async (blade) => {
        const status = await this.status(blade);
        return [
          { kind: 'health', blade, health: status.health },
          ...(status.power === 'unknown' ? [] : [{ kind: 'power' as const, blade, power: status.power }]),
        ];
      },
      warn: (msg) => this.#log({ level: 'warn', msg, endpoint: this.#client.name }),
      ...(o.eventRetryMs === undefined ? {} : { retryMs: o.eventRetryMs }),
    });
    const service = async (): Promise<string | null> => (await this.#systems.servicePaths()).eventService;
    const say = (level: 'info' | 'warn', msg: string): void => this.#log({ level, msg, endpoint: this.#client.name });
    this.#push = o.push ? new PushSubscription(this.#client, service, o.push, say) : null;
  }

  get name(): string {
    return this.#client.name;
  }

  /** Every system that could be read, and why the others could not. */
  async discover(known?: ReadonlySet<string>): Promise<Discovery> {
    const found = await discover(this.#client, await this.#systems.servicePaths(), this.o.concurrency ?? 8, known);
    for (const blade of [...found.blades, ...found.skipped]) this.#systems.remember(blade.id, blade.path);
    return found;
  }

  async inventory(known?: ReadonlySet<string>): Promise<BladeInventory[]> {
    let found: Discovery;
    try {
      found = await this.discover(known);
    } catch (error) {
      this.#setReadiness({ state: 'failing', detail: error instanceof Error ? error.message : String(error) }, 'error');
      throw error;
    }
    const { blades, problems, skipped } = found;
    // The rediscovery timer is also when a push subscription is checked: BMCs drop them on reboot.
    if (this.#listening > 0) void this.#push?.renew();
    for (const problem of problems)
      this.#log({
        level: 'warn',
        msg: `inventory: ${problem.message}`,
        endpoint: this.#client.name,
        code: problem.code,
      });
    for (const blade of blades)
      for (const msg of blade.warnings ?? [])
        this.#log({ level: 'warn', msg, endpoint: this.#client.name, blade: blade.id });
    const systems = blades.length + skipped.length + problems.filter((p) => p.blade !== null).length;
    if (systems === 0)
      this.#setReadiness({ state: 'warning', detail: 'lists 0 Systems: no blade to manage here' }, 'warn');
    else this.#setReadiness({ state: 'ok', detail: `${systems} System(s)` }, null);
    return blades.map((b) => ({
      id: b.id,
      resources: b.resources,
      ...(b.name ? { name: b.name } : {}),
      ...(b.location ? { location: b.location } : {}),
    }));
  }

  /** The last inventory's verdict on this endpoint. */
  readiness(): EndpointReadiness {
    return this.#readiness;
  }

  /** The authentication in use and why (`auth: auto` decides on first use). */
  auth(): Promise<{ mode: 'session' | 'basic'; why: string }> {
    return this.#client.auth();
  }

  #setReadiness(next: EndpointReadiness, level: 'warn' | 'error' | null): void {
    const changed = next.state !== this.#readiness.state || next.detail !== this.#readiness.detail;
    this.#readiness = next;
    if (changed && level !== null)
      this.#log({ level, msg: `${this.#client.name}: ${next.detail}`, endpoint: this.#client.name });
  }

  /**
   * Read-only look at one blade for `drivers check`: power, health, Status.State, the Reset types it allows, and
   * why it could not be managed (no reset type that powers it off or on), or null.
   */
  async check(blade: string): Promise<BladeCheck> {
    const system = await this.#systems.system(blade);
    const status = await this.status(blade);
    const allowed = system.Actions?.['#ComputerSystem.Reset']?.['ResetType@Redfish.AllowableValues'] ?? null;
    const can = (power: PowerState): boolean => RESET[power].some((t) => !allowed || allowed.includes(t));
    const problem = !system.Actions?.['#ComputerSystem.Reset']
      ? 'no #ComputerSystem.Reset action: cannot power it off to fence it'
      : !can('off')
        ? `Reset allows ${allowed?.join(', ')}: none powers it off, so it cannot be fenced`
        : !can('on')
          ? `Reset allows ${allowed?.join(', ')}: none powers it on`
          : null;
    return { ...status, state: system.Status?.State ?? null, reset: allowed, problem };
  }

  /** What the EventService offers (read-only): its SSE URI and whether it takes push subscriptions. */
  async eventCapabilities(): Promise<{ sse: string | null; subscriptions: boolean; enabled: boolean }> {
    const service = (await this.#systems.servicePaths()).eventService;
    if (!service) return { sse: null, subscriptions: false, enabled: false };
    const body = parseAs(eventServiceSchema, await this.#client.get(service), service, this.#client.name);
    return {
      sse: body.ServerSentEventUri ?? null,
      subscriptions: Boolean(body.Subscriptions?.['@odata.id']),
      enabled: body.ServiceEnabled !== false,
    };
  }

  endpointOf(): string {
    return this.#client.name;
  }

  /** The blade's System was in the last listing or inventory of this service. */
  knows(blade: string): boolean {
    return this.#systems.knows(blade);
  }

  async status(blade: string): Promise<BladeStatus> {
    const system = await this.#systems.system(blade);
    const health = system.Status?.Health ?? system.Status?.HealthRollup;
    const state = system.Status?.State;
    const chassisPower = await this.#enclosures.of(system, blade);
    return {
      power: POWER[system.PowerState ?? ''] ?? 'unknown',
      // A system that reports no health at all is taken as healthy: silence is not a fault; power and reachability still count.
      health: health == null ? 'ok' : (HEALTH[health] ?? 'warning'),
      // A blade pulled from its bay (Absent) fails it, unless the reply contradicts itself: the detector decides.
      ...(typeof state === 'string' ? { state } : {}),
      ...(chassisPower === undefined ? {} : { chassisPower }),
    };
  }

  async setPower(blade: string, power: PowerState): Promise<void> {
    // A listener that subscribed before this call must hear the change it causes, by SSE or by push.
    await Promise.all([
      this.#events.ready(2_000),
      Promise.race([this.#pushStarted, new Promise((r) => setTimeout(r, 2_000).unref())]),
    ]);
    const system = await this.#systems.system(blade);
    if (system.PowerState === (power === 'on' ? 'On' : 'Off')) return;
    const action = system.Actions?.['#ComputerSystem.Reset'];
    const target = action?.target ?? `${system['@odata.id']}/Actions/ComputerSystem.Reset`;
    const allowed = action?.['ResetType@Redfish.AllowableValues'];
    const type = RESET[power].find((t) => !allowed || allowed.includes(t));
    if (!type)
      throw new RedfishError(
        'bad-reply',
        `blade ${blade}: Reset allows ${allowed?.join(', ')}, none of which powers it ${power}`,
        blade,
        target,
      );
    try {
      // 200, 202 and 204 all mean accepted, whatever the body; a 202 with a Task monitor is followed to its end,
      // and the caller confirms by reading PowerState.
      const reply = await this.#client.request('POST', target, { ResetType: type }, { blade });
      const monitor = reply.headers.get('location');
      if (reply.status === 202 && monitor) {
        await followTask(
          this.#client,
          new URL(monitor, this.o.url).pathname,
          { blade },
          { deadlineMs: this.o.taskMs ?? 60_000 },
        );
      }
    } catch (error) {
      // Some BMCs refuse a reset to the state a change in flight is already reaching: fine if it is there now.
      if (error instanceof RedfishError && error.status === 409 && (await this.status(blade)).power === power) return;
      throw error;
    }
  }

  subscribe(listener: (event: HardwareEvent) => void): () => void {
    const stop = this.#events.subscribe(listener);
    if (++this.#listening === 1 && this.#push) this.#pushStarted = this.#startPush(this.#push).catch(() => {});
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      stop();
      if (--this.#listening === 0) void this.#push?.stop();
    };
  }

  /** An Event payload pushed to this endpoint's subscription (the receiver checked its secret). */
  pushed(payload: unknown): Promise<void> {
    return this.#events.pushed(payload);
  }

  /** Which paths bring events now: SSE (the service's URI), push (subscribed or why not), or polling alone. */
  async eventPaths(): Promise<EventPaths> {
    const sse = await this.#eventPath().catch(() => null);
    const push = this.#push?.state() ?? { mode: 'off' as const, why: 'no push receiver configured' };
    const on = [...(push.mode === 'push' ? ['push'] : []), ...(sse ? ['SSE'] : [])];
    const summary = on.length > 0 ? `events from ${on.join(' and ')}` : 'no event path: polling alone';
    return { sse, push, summary: push.mode === 'off' && this.#push ? `${summary} (push: ${push.why})` : summary };
  }

  /** Stops the event stream and the push subscription, and logs the session out. */
  async close(): Promise<void> {
    this.#events.close();
    this.#listening = 0;
    await this.#push?.stop();
    await this.#client.close();
  }

  async #startPush(push: PushSubscription): Promise<void> {
    await push.start();
    const paths = await this.eventPaths();
    this.#log({
      level: paths.push.mode === 'push' ? 'info' : 'warn',
      msg: `${this.#client.name}: ${paths.summary}`,
      endpoint: this.#client.name,
    });
  }

  async #eventPath(): Promise<string | null> {
    const service = (await this.#systems.servicePaths()).eventService;
    if (!service) return null;
    const body = parseAs(eventServiceSchema, await this.#client.get(service), service, this.#client.name);
    return body.ServerSentEventUri ?? null;
  }
}
