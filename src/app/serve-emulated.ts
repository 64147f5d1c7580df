// The emulated data center of `cascade serve`: created or resumed from the data folder, served over Redfish and its
// control API, compacted while it runs; or the hypervisor API of an emulator running elsewhere.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FakeWorld } from '../adapters/fake/index.js';
import { startEmulator, type Emulator } from '../emulator/server.js';
import type { Controller } from '../orchestrator/controller.js';
import { formatScenarioError, loadScenario } from '../sim/load-scenario.js';
import { ConfigError, secretOf, type ServeConfig } from './config.js';
import { fromScenario, generatedDataCenter, type DataCenterPlan } from './datacenter.js';
import { tellController } from './emulator-hooks.js';
import type { Logger } from './logging.js';

/** A long-running emulator keeps this much of its past (a snapshot plus a change log, compacted). */
const KEEP = { checkpointsPerWorkload: 10, historyEntries: 10_000 };

export async function startEmulated(
  config: ServeConfig,
  dataDir: string,
  logger: Logger,
  controller: () => Controller | null,
): Promise<{
  emulator: Emulator;
  plan: DataCenterPlan | null;
  compaction: NodeJS.Timeout;
  fencing: DataCenterPlan['fencing'];
  detection: DataCenterPlan['detection'];
}> {
  const e = config.emulator;
  const file = join(dataDir, 'world.json');
  let world: FakeWorld;
  let plan: DataCenterPlan | null = null;
  if (existsSync(file)) {
    // The same hardware and workloads as before the restart, advanced by the time that passed.
    world = FakeWorld.load(file);
    logger.info({ file }, 'emulated data center resumed');
  } else {
    plan = e.scenario ? await scenarioPlan(e.scenario) : generatedDataCenter(e);
    world = new FakeWorld({
      file,
      tickMs: e.tickMs,
      powerDelayMs: e.powerDelayMs,
      unreachableDelayMs: e.unreachableDelayMs,
      blades: plan.blades,
      workloads: plan.workloads,
    });
    logger.info(
      {
        file,
        blades: plan.blades.length,
        workloads: plan.workloads.length,
        from: e.scenario ?? `generated (seed ${e.seed})`,
      },
      'emulated data center created',
    );
  }
  const password =
    e.password !== undefined || e.passwordEnv !== undefined
      ? secretOf(e, 'password', 'emulator')
      : randomBytes(12).toString('hex');
  const emulator = await startEmulator({
    world,
    host: e.host,
    port: e.port,
    credentials: { username: e.username, password },
    hooks: {
      // The emulator and the controller share this process: a repair of the hardware is also the operator's word.
      onRepair: async (blade, actor) => {
        const c = controller();
        return c ? tellController(c, blade, actor, logger) : { accepted: false, message: 'controller not started yet' };
      },
    },
  });
  logger.info(
    { url: emulator.url, redfish: `${emulator.url}/redfish/v1`, control: `${emulator.url}/emulator/v1` },
    `emulator listening on ${emulator.url}`,
  );
  // A failed compaction (out of file descriptors) is logged: thrown from a timer it would end the process.
  const compaction = setInterval(() => {
    try {
      world.compact(KEEP);
    } catch (error) {
      logger.warn({ error: String(error) }, 'emulated data center: compaction failed; tried again in a minute');
    }
  }, 60_000);
  compaction.unref();
  // A resumed world has no plan: the scenario's fencing levels and detection are read again (configuration, not state).
  const read = plan ?? (e.scenario ? await scenarioPlan(e.scenario) : null);
  return { emulator, plan, compaction, fencing: read?.fencing ?? new Map(), detection: read?.detection };
}

/** The hypervisor and SAN API of an emulator running elsewhere (parseConfig made sure it is named). */
export function remoteWorkloads(config: ServeConfig): { url: string; token: string | null } {
  const w = config.workloads;
  if (!w) throw new ConfigError('workloads: with the emulator off, name the hypervisor API (workloads.emulatorUrl)');
  return {
    url: w.emulatorUrl,
    token: w.token !== undefined || w.tokenEnv !== undefined ? secretOf(w, 'token', 'workloads') : null,
  };
}

async function scenarioPlan(file: string): Promise<DataCenterPlan> {
  const loaded = await loadScenario(file);
  if (!loaded.ok) throw new ConfigError(`emulator.scenario: ${formatScenarioError(file, loaded.error)}`);
  return fromScenario(loaded.scenario);
}
