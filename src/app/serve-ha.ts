// `cascade serve --ha`: the HaController in place of one Controller, and the stand-in the HTTP API talks
// to: the leader's Controller while this process leads; on a standby, reads from the store and 503 for every action.
import { ApiError } from '../api/errors.js';
import type { Policy } from '../core/model.js';
import type { Controller, ControllerOptions } from '../orchestrator/controller.js';
import { HaController } from '../orchestrator/ha-controller.js';
import type { LeasedStore } from '../ports/store.js';
import type { Logger } from './logging.js';

/** Reads a standby answers itself; every other Controller method is an action and gets a 503. */
const STANDBY_READS = new Set<PropertyKey>(['isRunning', 'currentPolicy', 'proposals']);

export interface ServeHa {
  readonly ha: HaController;
  /** What the API holds as its Controller: the live leader's, or the standby's answers. */
  readonly controller: Controller;
  stop(): Promise<void>;
}

export async function startServeHa(o: {
  readonly options: ControllerOptions & { readonly store: LeasedStore };
  readonly lease: { readonly ttlMs: number; readonly holder?: string };
  readonly logger: Logger;
  /** Runs at the start of each term (first-time discovery, adoption); its writes are fenced. */
  readonly onLeading: (controller: Controller) => Promise<void>;
}): Promise<ServeHa> {
  const { logger } = o;
  let policy: Policy | undefined = o.options.policy;
  const ha = await HaController.start({
    ...o.options,
    lease: { ttlMs: o.lease.ttlMs, ...(o.lease.holder === undefined ? {} : { holder: o.lease.holder }) },
    onLeading: async (controller, term) => {
      await o.onLeading(controller);
      logger.info(
        { holder: ha.holder, epoch: term.lease.epoch },
        `leading (epoch ${term.lease.epoch}): this controller reconciles`,
      );
    },
    onStandby: (reason) => logger.info({ holder: ha.holder, reason }, `standing by: ${reason}`),
  });
  logger.info({ holder: ha.holder, leaseTtlMs: o.lease.ttlMs }, `HA: competing for the lease as ${ha.holder}`);

  const refreshPolicy = (): void => {
    void o.options.store.policy().then(
      (stored) => (policy = stored ?? policy),
      () => {},
    );
  };
  const standby = {
    isRunning: (): boolean => false,
    // The stored policy, refreshed in the background: a standby's answer may be one read behind.
    currentPolicy: (): Policy | undefined => {
      refreshPolicy();
      return policy;
    },
    proposals: (): never[] => [],
  };
  const notLeader = async (): Promise<never> => {
    const lease = await ha.currentLease().catch(() => null);
    const leader = lease !== null && lease.remainingMs > 0 ? lease.holder : null;
    throw new ApiError(
      503,
      'not-leader',
      `this controller (${ha.holder}) stands by; ${leader ? `the leader is ${leader}` : 'no controller leads right now'}: send actions there`,
    );
  };
  // A Proxy, not a copy: the API reaches whichever Controller leads at the moment of each request.
  const controller = new Proxy(Object.create(null) as Controller, {
    get(_target, prop) {
      // Not a promise (await must not call an action), and no symbols (inspection, Symbol.toPrimitive).
      if (prop === 'then' || typeof prop === 'symbol') return undefined;
      const leader = ha.leader();
      if (leader !== null) {
        const value: unknown = Reflect.get(leader, prop, leader);
        return typeof value === 'function' ? value.bind(leader) : value;
      }
      if (STANDBY_READS.has(prop)) return Reflect.get(standby, prop);
      return notLeader;
    },
  });
  return { ha, controller, stop: () => ha.stop() };
}
