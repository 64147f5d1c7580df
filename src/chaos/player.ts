// Plays a chaos schedule's actions against the site and the controller child: faults, operator calls and SIGKILLs.
import type { ControllerProcess } from './controller-process.js';
import { FencingDesk, isFencingAction } from './fencing-actions.js';
import { isManagementAction, ManagementDesk } from './management-actions.js';
import { OperatorDesk } from './operator-actions.js';
import type { Action } from './schedule.js';
import type { Site } from './site.js';

/** Plays actions at their times; each runs on its own, so a call waiting for a restarted controller delays nothing else. */
export class Player {
  /** Start, kill and restart happen one at a time. */
  #lifecycle: Promise<void> = Promise.resolve();
  readonly #heals = new Map<string, NodeJS.Timeout>();
  readonly desk: OperatorDesk;
  readonly management: ManagementDesk;
  readonly fencing: FencingDesk;

  constructor(
    private readonly site: Site,
    private readonly controller: ControllerProcess,
  ) {
    this.desk = new OperatorDesk(site, () => controller.apiUrl);
    this.management = new ManagementDesk(site);
    this.fencing = new FencingDesk(site, () => controller.apiUrl);
  }

  async play(actions: readonly Action[]): Promise<[Action, boolean][]> {
    const t0 = Date.now();
    const tasks = actions.map(async (a): Promise<[Action, boolean]> => {
      await sleep(Math.max(0, t0 + a.at - Date.now()));
      return [a, await this.apply(a)];
    });
    return Promise.all(tasks);
  }

  /** Ends every fault that ends by itself (links, slow and malformed replies) and makes sure the controller runs. */
  async heal(): Promise<void> {
    for (const timer of this.#heals.values()) clearTimeout(timer);
    this.#heals.clear();
    for (const id of this.site.world.bladeIds()) {
      if (this.site.world.blade(id)?.reachable !== 'yes') this.site.world.setReachable(id, true);
      this.site.emulator.faults.replies.clear(id);
    }
    await this.#exclusive(async () => {
      if (!this.controller.running) await this.controller.start();
    });
  }

  async apply(a: Action): Promise<boolean> {
    const { world, emulator } = this.site;
    const blade = 'blade' in a && typeof a.blade === 'string' ? a.blade : null;
    if (blade !== null && !world.blade(blade)) return false;
    switch (a.kind) {
      case 'fail':
        world.failBlade(a.blade);
        return true;
      case 'power-loss':
        world.losePower(a.blade);
        return true;
      case 'chassis-power-loss':
        return emulator.faults.chassisPowerLoss(a.chassis).length > 0;
      case 'memory-fault':
        world.setHealth(a.blade, 'critical');
        return true;
      case 'network-loss': {
        world.setReachable(a.blade, false, { hang: a.hang });
        clearTimeout(this.#heals.get(a.blade));
        this.#heals.set(
          a.blade,
          setTimeout(() => {
            this.#heals.delete(a.blade);
            world.setReachable(a.blade, true);
          }, a.forMs),
        );
        return true;
      }
      case 'flap':
        emulator.faults.inject(a.blade, { kind: 'flap', health: 'critical', times: a.times, periodMs: a.periodMs });
        return true;
      case 'slow':
        emulator.faults.inject(a.blade, { kind: 'slow', delayMs: a.delayMs, forMs: a.forMs });
        return true;
      case 'malformed':
        emulator.faults.inject(a.blade, { kind: 'malformed', forMs: a.forMs });
        return true;
      case 'add-blade': {
        if (world.blade(a.blade.id)) return false;
        const b = a.blade;
        world.addBlade({
          id: b.id,
          resources: b.resources,
          location: { chassis: b.chassis, slot: b.slot },
          power: b.power,
          powerDelayMs: b.powerDelayMs,
        });
        return true;
      }
      case 'repair':
        world.repairBlade(a.blade);
        // The operator's word to the controller; 409 when it never saw the blade fail (nothing to repair) is fine.
        return (await this.#api('POST', `/api/v1/blades/${a.blade}/repair`)) !== null;
      case 'submit': {
        // The workload exists on the hypervisor (stopped) before the controller is asked to place it.
        if (!world.workload(a.workload))
          world.addWorkload({ id: a.workload, requirements: a.requirements, source: 'declared' });
        const status = await this.#api('POST', '/api/v1/workloads', {
          id: a.workload,
          requirements: a.requirements,
          priority: a.priority,
        });
        return status === 201 || status === 409;
      }
      case 'finish': {
        const status = await this.#api('POST', `/api/v1/workloads/${a.workload}/finish`);
        if (status !== 200) return false;
        // The job is over: it stops where it ran, right after the controller was told.
        if (world.workload(a.workload)?.state === 'running') world.stopRun(a.workload, 'power-off');
        return true;
      }
      case 'kill':
        return this.#exclusive(async () => {
          if (!this.controller.running) return false;
          await this.controller.kill();
          await sleep(a.restartAfterMs);
          await this.controller.start();
          return true;
        });
      default:
        if (isManagementAction(a)) return this.management.apply(a);
        if (isFencingAction(a)) return this.fencing.apply(a);
        return this.desk.apply(a);
    }
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#lifecycle.then(work);
    this.#lifecycle = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** An operator's call: waits for a running controller, retries when it was killed under the call; null if never answered. */
  async #api(method: string, path: string, body?: unknown): Promise<number | null> {
    for (let attempt = 0; attempt < 8; attempt++) {
      await this.#lifecycle;
      const url = this.controller.apiUrl;
      if (url === null) {
        await sleep(50);
        continue;
      }
      try {
        const response = await fetch(`${url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${this.site.token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(10_000),
        });
        await response.arrayBuffer();
        return response.status;
      } catch {
        await sleep(50);
      }
    }
    return null;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
