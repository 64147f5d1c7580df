// The composition root of `cascade serve`: config -> the emulated data center (if on), Redfish drivers, the
// emulated hypervisor and SAN drivers, the store and the controller, then the HTTP API and the dashboard.
import { join } from 'node:path';
import { privateDirectory } from './private-files.js';
import { EmulatedStorage, EmulatedWorkloads } from '../adapters/emulated/index.js';
import { policyWith } from '../core/model.js';
import { DEFAULT_DETECTION } from '../core/verdict.js';
import type { Emulator } from '../emulator/server.js';
import { Controller, type Discovered } from '../orchestrator/controller.js';
import { LIVE_TIMING } from '../orchestrator/deadline.js';
import { systemClock } from '../ports/clock.js';
import type { HardwarePort } from '../ports/hardware.js';
import type { StoragePort } from '../ports/storage.js';
import type { Store } from '../ports/store.js';
import type { WorkloadPort } from '../ports/workloads.js';
import { redactUrl } from '../store/open-store.js';
import { observeCommits } from '../store/commit-feed.js';
import { mountApi } from './api-mount.js';
import { ConfigError, type ServeConfig } from './config.js';
import type { DataCenterPlan } from './datacenter.js';
import { HardwareFleet } from './hardware-fleet.js';
import { ipmiHardware, libvirtWorkloads, SharedDiskStorage } from './driver-sections.js';
import { logTo, type Logger } from './logging.js';
import { removeServeState, writeServeState } from './serve-state.js';
import { startServeHa, type ServeHa } from './serve-ha.js';
import { startServePush } from './serve-push.js';
import { reportFencingAtStart } from './fencing-check.js';
import { serveFencing } from './serve-fencing.js';
import { checkStoreAgainstWorld } from './serve-init.js';
import { remoteWorkloads, startEmulated } from './serve-emulated.js';
import { redfishServices } from './serve-redfish.js';
import { openServeStore } from './serve-store.js';

export interface ServeOptions {
  readonly config: ServeConfig;
  /** The data directory, resolved (the --data flag or config.data). */
  readonly dataDir: string;
  readonly logger: Logger;
  /** How a bad config.db is named in the error ("--db" when it came from the flag); default "db". */
  readonly dbField?: string;
  /** --init: an empty store in front of a world that runs workloads adopts what it observes (serve-init.ts). */
  readonly init?: boolean;
}

export interface ServeHandles {
  readonly config: ServeConfig;
  readonly dataDir: string;
  readonly emulator: Emulator | null;
  readonly controller: Controller;
  readonly store: Store;
  readonly hardware: HardwarePort;
  readonly workloads: WorkloadPort;
  readonly storage: StoragePort;
  readonly logger: Logger;
  /** Where the API listens (config.listen.api; the port actually bound when it was 0). */
  readonly api: { readonly host: string; readonly port: number; readonly url?: string };
  close(): Promise<void>;
}

/** The demo's policy: DESIGN's live defaults, with a short cooldown and replan so a person sees cascades happen. */
const DEMO_POLICY = { cooldownSeconds: 10, replanSeconds: 10 };

export async function startServe(o: ServeOptions): Promise<ServeHandles> {
  const { config, dataDir, logger } = o;
  await privateDirectory(dataDir);
  const closers: (() => Promise<void>)[] = [];
  const close = async (): Promise<void> => {
    for (const closer of closers.reverse())
      await closer().catch((error: unknown) => logger.error({ error: String(error) }, 'while stopping'));
  };
  try {
    // Several controllers cannot share an emulator living inside one of them (it dies with its host).
    if (config.ha.enabled && config.emulator.enabled) {
      throw new ConfigError(
        'ha: HA mode needs shared hardware: configure redfish endpoints and workloads.emulatorUrl (an external emulator), not the embedded emulator',
      );
    }
    let controller: Controller | null = null;
    const started = config.emulator.enabled ? await startEmulated(config, dataDir, logger, () => controller) : null;
    if (started)
      closers.push(
        () => started.emulator.close(),
        async () => clearInterval(started.compaction),
      );
    const emulator = started?.emulator ?? null;

    // Blades over IPMI (ipmi:) instead of Redfish and the emulator; workloads as libvirt domains (libvirt:),
    // with storage from workloads.emulatorUrl when named, else disks on shared storage (SharedDiskStorage).
    // Push events (push:) arrive at one listener; it closes after the services deleted their subscriptions.
    const push = config.push && !config.ipmi ? await startServePush(config.push, logger) : null;
    if (push) closers.push(() => push.receiver.close());
    const services = config.ipmi ? [] : await redfishServices(config, emulator, logger, push);
    const fleet = config.ipmi ? null : new HardwareFleet(services, (msg) => logger.warn(msg));
    if (fleet) closers.push(() => fleet.close());
    const hardware: HardwarePort = fleet ?? orConfigError(ipmiHardware(config.ipmi!));
    const endpoint = emulator
      ? { url: emulator.url, token: emulator.controlToken }
      : config.libvirt && !config.workloads
        ? null
        : remoteWorkloads(config);
    const libvirt = config.libvirt ? orConfigError(libvirtWorkloads(config.libvirt)) : null;
    if (libvirt) closers.push(() => libvirt.close());
    const workloads = libvirt ?? new EmulatedWorkloads(endpoint!);
    // Fencing levels per blade (fencing: and the emulator's own devices); boot LUNs through a tgt SAN when named.
    const fencing = serveFencing(config, hardware, emulator, started?.fencing ?? new Map());
    closers.push(() => fencing.close());
    if (config.fencing) void reportFencingAtStart(config.fencing, logger); // misconfigured levels, by field
    const storage: StoragePort =
      fencing.bootStorage ??
      (endpoint
        ? new EmulatedStorage(endpoint)
        : new SharedDiskStorage(config.libvirt?.hosts.map((h) => h.blade) ?? []));

    // The store a --db value or config.db names (openStore), else SQLite in the data directory.
    const db = config.db ?? join(dataDir, 'cascade.db');
    const store = openServeStore(db, o.dbField ?? 'db', config.ha.enabled ? config.ha.leaseTtlMs : null);
    closers.push(() => store.close());
    const commits = observeCommits(store); // the API's event stream and metrics wake on commits
    const c = config.controller;
    // Refused, or seeded from what is observed; a fresh emulated world is this store's own. Not yet with --ha: the
    // first leader of a shared store adopts as discovery always did.
    if (!config.ha.enabled && started?.plan == null) {
      const world = started ? `the emulated world in ${join(dataDir, 'world.json')}` : 'the hardware of the drivers';
      const at = { store, hardware, workloads, clock: systemClock, callMs: c.callMs, world, storeName: redactUrl(db) };
      const seeded = await checkStoreAgainstWorld({ ...at, init: o.init === true });
      if (seeded.kind === 'seeded') logger.warn(seeded, `--init: ${seeded.standby} standby, failed: ${seeded.failed}`);
    }
    const controllerOptions = {
      store,
      hardware,
      workloads,
      storage,
      ...(fencing.topology ? { fencing: fencing.topology } : {}),
      clock: systemClock,
      timing: { ...LIVE_TIMING, callMs: c.callMs, pollMs: c.powerPollMs, powerOnMs: c.powerOnMs, ...stepTiming(c) },
      policy: policyWith({ ...DEMO_POLICY, ...config.policy }),
      log: logTo(logger),
      pollMs: c.pollMs,
      detection: config.detection ?? started?.detection ?? DEFAULT_DETECTION,
      // libvirt cannot checkpoint a running domain (virsh save stops it): periodic checkpoints off.
      checkpointMs: config.libvirt ? 0 : c.checkpointMs,
      // A blade whose BMC did not answer the first inventory joins later, and the workload on it is adopted then.
      discovery: { everyMs: c.discoverMs, running: () => runningWorkloads(workloads, started?.plan ?? null) },
    };
    // Discovery adopts what already runs on the blades it finds, in the same step (no plan sees a busy blade as free).
    const discoverAndAdopt = async (leader: Controller): Promise<Discovered> =>
      leader.discover('controller', await runningWorkloads(workloads, started?.plan ?? null));
    const adoptAndPlace = async (leader: Controller): Promise<void> => {
      const firstStart = (await store.workloads()).length === 0;
      const found = await discoverAndAdopt(leader);
      if (found.blades.length > 0 || found.adopted.length > 0)
        logger.info(
          { blades: found.blades.length, adopted: found.adopted.length },
          `discovered ${found.blades.length} blade(s), adopted ${found.adopted.length} running workload(s)`,
        );
      for (const w of firstStart ? (started?.plan?.toPlace ?? []) : []) await leader.submit(w, 'controller');
    };
    // With --ha the HaController runs a Controller only while it holds the lease (serve-ha.ts).
    let ha: ServeHa | null = null;
    if (config.ha.enabled) {
      const h = await startServeHa({
        options: controllerOptions,
        lease: { ttlMs: config.ha.leaseTtlMs, ...(config.ha.holder === undefined ? {} : { holder: config.ha.holder }) },
        logger,
        onLeading: adoptAndPlace,
      });
      ha = h;
      controller = h.controller;
      // Bounded like the plain controller's stop; a leader releases its lease so a standby takes over at once.
      closers.push(() => Promise.race([h.stop(), new Promise<void>((resolve) => setTimeout(resolve, 5_000).unref())]));
    } else {
      controller = await Controller.start(controllerOptions);
      const plain = controller;
      // Stop the controller first (bounded: a step stuck on a hung call must not keep Ctrl-C waiting).
      closers.push(() =>
        Promise.race([plain.stop(), new Promise<void>((resolve) => setTimeout(resolve, 5_000).unref())]),
      );
      await adoptAndPlace(controller);
    }
    // Rediscovery is the controller's (a key on its queue, every discoverMs); a new blade's event asks for one now.
    // A standby discovers nothing: the leader will.
    const live = controller;
    const stopWatching = hardware.subscribe((event) => {
      if (event.kind === 'added' && (ha === null || ha.ha.leader() !== null)) live.requestDiscovery();
    });
    closers.push(async () => stopWatching());

    await writeServeState(dataDir, {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      emulator: emulator ? { url: emulator.url, token: emulator.controlToken } : null,
    });
    closers.unshift(() => removeServeState(dataDir, process.pid));
    // The HTTP API; closed first on the way out (closers run last-in, first-out).
    const lease = ha ? { lease: () => ha!.ha.currentLease() } : {};
    const api = await mountApi({
      config,
      controller,
      store,
      commits,
      logger,
      emulator,
      ...lease,
      ...(fleet ? { endpoints: () => fleet.readiness() } : {}),
    });
    closers.push(() => api.close());

    const blades = await store.blades();
    const count = (state: string) => blades.filter((b) => b.state === state).length;
    logger.info(
      {
        blades: blades.length,
        active: count('active'),
        standby: count('standby'),
        failed: count('failed'),
        workloads: (await store.workloads()).length,
        emulator: emulator?.url ?? null,
        store: redactUrl(db),
        ha: ha?.ha.holder ?? null,
      },
      'ready',
    );
    return {
      config,
      dataDir,
      emulator,
      controller,
      store,
      hardware,
      workloads,
      storage,
      logger,
      api: { host: config.listen.api.host, port: api.port, url: api.url },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** What the hypervisor runs, and where: adopted on the first start, with the plan's priorities. */
async function runningWorkloads(
  workloads: { list(): Promise<readonly { id: string; state: string; blade: string | null }[]> },
  plan: DataCenterPlan | null,
): Promise<{ id: string; blade: string; priority: number }[]> {
  return (await workloads.list()).flatMap((w) =>
    w.state === 'running' && w.blade !== null
      ? [{ id: w.id, blade: w.blade, priority: plan?.priorities.get(w.id) ?? 0 }]
      : [],
  );
}

/** The optional step deadline and backoff of the configuration, over the live timing's. */
function stepTiming(c: ServeConfig['controller']): { stepMs?: number; backoffMs?: number; maxBackoffMs?: number } {
  return {
    ...(c.stepMs === undefined ? {} : { stepMs: c.stepMs }),
    ...(c.backoffMs === undefined ? {} : { backoffMs: c.backoffMs }),
    ...(c.maxBackoffMs === undefined ? {} : { maxBackoffMs: c.maxBackoffMs }),
  };
}

/** A driver section that parsed but cannot be used (a password not set or a file readable by others). */
function orConfigError<T>(result: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!result.ok) throw new ConfigError(result.message);
  return result.value;
}
