// The API's emulator hooks: failure injection and hardware repair in the emulated data center, as
// `cascade fault` and `cascade repair` do them, for the routes the dashboard calls with an operator token.
import type { EmulatorHooks } from '../api/context.js';
import type { FakeWorld } from '../adapters/fake/index.js';
import { FaultInjector } from '../emulator/faults.js';
import { ActionError } from '../orchestrator/action-error.js';

export interface RepairingController {
  repair(blade: string, actor: string): Promise<void>;
}

export interface HookLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/** What the controller said of a hardware repair; it may refuse (the blade still active, or in a transfer). */
export interface RepairAnswer {
  readonly accepted: boolean;
  readonly message: string;
}

/** A repaired blade is also the operator's word to the controller; its refusal is logged and returned, not thrown. */
export async function tellController(
  controller: RepairingController,
  blade: string,
  actor: string,
  log: HookLog,
): Promise<RepairAnswer> {
  try {
    await controller.repair(blade, actor);
    log.info({ blade, actor }, `blade ${blade} repaired by ${actor}: back to the standby pool`);
    return { accepted: true, message: 'repaired: back in the standby pool' };
  } catch (error) {
    // The controller may not have seen the fault yet (the blade is still active): the hardware is fixed anyway.
    const message = error instanceof Error ? error.message : String(error);
    log.warn({ blade, actor, error: message }, `repair of ${blade} not taken by the controller`);
    return { accepted: false, message };
  }
}

export function emulatorApiHooks(
  world: FakeWorld,
  faults: FaultInjector,
  controller: RepairingController,
  log: HookLog,
): EmulatorHooks {
  // The controller may also manage real blades (redfish: next to the emulator): those the emulator cannot touch.
  const emulated = (blade: string): void => {
    if (!world.blade(blade)) throw new ActionError('conflict', `blade ${blade} is not in the emulated data center`);
  };
  return {
    failBlade: (blade) => {
      emulated(blade);
      faults.inject(blade, { kind: 'fail' });
    },
    injectFault: (blade, fault) => {
      emulated(blade);
      return faults.inject(
        blade,
        fault.kind === 'network-loss' ? { kind: fault.kind, hang: fault.hang } : { kind: fault.kind },
      );
    },
    repairBlade: async (blade, actor) => {
      emulated(blade);
      world.repairBlade(blade);
      const said = await tellController(controller, blade, actor, log);
      return { hardware: `${blade} repaired: healthy, reachable, powered as it was`, controller: said.message };
    },
  };
}

/** For tests: the same hooks over a bare FakeWorld. */
export function worldApiHooks(world: FakeWorld, controller: RepairingController): EmulatorHooks {
  const quiet = { info: () => {}, warn: () => {} };
  return emulatorApiHooks(world, new FaultInjector(world), controller, quiet);
}
