// What each transfer step does through the ports. Every step is idempotent: run twice (after a
// crash, or a retry), it reaches the same result and never runs the workload on two blades.
import type { Clock } from '../ports/clock.js';
import type { HardwarePort, PowerState } from '../ports/hardware.js';
import type { StoragePort } from '../ports/storage.js';
import type { Store, TransferRecord } from '../ports/store.js';
import type { Checkpoint, WorkloadPort } from '../ports/workloads.js';
import { BmcFence } from './bmc-fence.js';
import { withDeadline, type RetryTiming } from './deadline.js';
import { fenceThroughLevels, type FencingTopology } from './fence-levels.js';
import type { StepOutput } from './step-output.js';
import { leftSource, type StepName } from './transfer-machine.js';

export interface Ports {
  readonly hardware: HardwarePort;
  readonly workloads: WorkloadPort;
  readonly storage: StoragePort;
  readonly store: Store;
  readonly clock: Clock;
  readonly timing: RetryTiming;
  /** An operator's word that the blade is off (`fence confirm`), or null. */
  readonly fenceConfirmed?: (blade: string) => { readonly by: string; readonly reason: string } | null;
  /** Each blade's fencing levels, in order; absent (or none for a blade): its own BMC alone. */
  readonly fencing?: FencingTopology;
}

export type { StepOutput } from './step-output.js';

export type Outputs = (step: StepName) => StepOutput | null;

export async function runStep(step: StepName, t: TransferRecord, outputs: Outputs, ports: Ports): Promise<StepOutput> {
  const call = <T>(promise: Promise<T>, what: string): Promise<T> =>
    withDeadline(ports.clock, promise, ports.timing.callMs, what);
  const from = t.from;
  switch (step) {
    case 'capture':
      return capture(t, ports, call);
    case 'fence':
      return from === null ? {} : { fence: await fence(t, from, ports, call) };
    case 'attach':
    case 'switch':
      await call(ports.storage.attach(t.workload, t.to), `attach storage of ${t.workload} to ${t.to}`);
      return {};
    case 'start':
    case 'prepare':
      await power(t.to, 'on', ports, call);
      return {};
    case 'restore':
      return restore(t, outputs, ports, call);
    case 'verify': {
      const seen = await call(ports.workloads.status(t.workload), `status of ${t.workload}`);
      if (seen.state !== 'running' || seen.blade !== t.to) {
        throw new Error(
          `${t.workload} is ${seen.state}${seen.blade ? ` on ${seen.blade}` : ''}, not running on ${t.to}`,
        );
      }
      return {};
    }
    case 'move':
      return move(t, ports, call);
    case 'release':
      if (from !== null) await power(from, 'off', ports, call);
      return {};
    case 'rollback':
      await rollback(t, outputs, ports, call);
      return {};
    case 'unwind':
      await power(t.to, 'off', ports, call);
      return {};
  }
}

type Call = <T>(promise: Promise<T>, what: string) => Promise<T>;

/**
 * The source off, confirmed by its BMC; or, when an operator vouched that it is off (`fence confirm`), on their
 * word, recorded as the step's outcome at level "operator" with who said it and why.
 */
/** Asks for a power state and confirms it by reading it back (Redfish changes it later). */
async function power(blade: string, want: PowerState, ports: Ports, call: Call): Promise<void> {
  const now = await call(ports.hardware.status(blade), `power state of ${blade}`);
  if (now.power === want) return;
  await call(ports.hardware.setPower(blade, want), `power ${want} ${blade}`);
  const until = ports.clock.now() + ports.timing.callMs;
  for (;;) {
    await ports.clock.sleep(ports.timing.pollMs);
    const seen = await call(ports.hardware.status(blade), `power state of ${blade}`);
    if (seen.power === want) {
      if (want === 'on' && seen.health === 'critical')
        throw new Error(`${blade} powered on but its health is critical`);
      return;
    }
    if (ports.clock.now() >= until)
      throw new Error(`${blade} did not confirm power ${want} within ${ports.timing.callMs} ms (still ${seen.power})`);
  }
}

/** The source's fencing levels tried in order until one confirms; every attempt goes to the audit log as it ends. */
async function fence(
  t: TransferRecord,
  blade: string,
  ports: Ports,
  call: Call,
): Promise<NonNullable<StepOutput['fence']>> {
  // An operator's word that the blade is off (`fence confirm`) is the last level: no device is asked again.
  const vouched = ports.fenceConfirmed?.(blade) ?? null;
  if (vouched) {
    const reading = `confirmed off by ${vouched.by}: ${vouched.reason}`;
    return {
      level: 'operator',
      device: vouched.by,
      address: blade,
      answer: vouched.reason,
      reading,
      at: ports.clock.now(),
      by: vouched.by,
      reason: vouched.reason,
    };
  }
  const source = await ports.store.blade(blade);
  const configured = ports.fencing?.(blade) ?? [];
  const levels = configured.length > 0 ? configured : [{ device: new BmcFence(ports.hardware), address: blade }];
  return fenceThroughLevels(blade, levels, {
    clock: ports.clock,
    timing: ports.timing,
    call,
    bmcSilent: source?.verdict === 'failed' && source.failure?.bmc === 'silent' && source.health === 'unreachable',
    record: async (attempt) => {
      const data = { workload: t.workload, blade, ...attempt };
      await ports.store.commit({
        events: [{ at: ports.clock.now(), actor: 'controller', type: 'transfer.fence.attempt', subject: t.id, data }],
      });
    },
  });
}

/**
 * The failing blade's state if it still answers, else the latest stored checkpoint, else a cold
 * start from the boot disk (sequence 0 of nothing: the workload had never been checkpointed). Capturing stops the
 * workload, so it runs only once the detector's verdict on the source is `failed`; otherwise (a verdict not
 * recorded, or not failed) a snapshot that leaves the workload running is taken instead.
 */
async function capture(t: TransferRecord, ports: Ports, call: Call): Promise<StepOutput> {
  const source = t.from === null ? null : await ports.store.blade(t.from);
  if (t.from !== null && source?.verdict !== undefined && source.verdict !== 'failed') {
    try {
      return {
        checkpoint: await call(ports.workloads.checkpoint(t.workload, t.from), `checkpoint ${t.workload} on ${t.from}`),
        source: 'live',
      };
    } catch {
      // No snapshot either: the stored checkpoint, as for a dead blade.
    }
  } else if (t.from !== null && !(source?.verdict === 'failed' && source.failure?.workload === 'lost')) {
    // A workload whose own path said it is dead when its blade failed has no state to give: a capture could only
    // run out its deadline before falling back to the stored checkpoint, so it goes there at once.
    try {
      return {
        checkpoint: await call(ports.workloads.capture(t.workload, t.from), `capture ${t.workload} on ${t.from}`),
        source: 'live',
      };
    } catch {
      // The blade failed: this is expected, and the stored checkpoint is the fallback.
    }
  }
  const stored = await ports.store.latestCheckpoint(t.workload);
  if (stored)
    return {
      checkpoint: { workload: stored.workload, blade: stored.blade, sequence: stored.sequence, data: stored.data },
      source: 'stored',
    };
  return { checkpoint: coldStart(t), source: 'none' };
}

async function storedCheckpoint(t: TransferRecord, ports: Ports): Promise<Checkpoint | null> {
  const stored = await ports.store.latestCheckpoint(t.workload);
  return stored
    ? { workload: stored.workload, blade: stored.blade, sequence: stored.sequence, data: stored.data }
    : null;
}

function coldStart(t: TransferRecord): Checkpoint {
  return { workload: t.workload, blade: t.to, sequence: 0, data: '' };
}

async function restore(t: TransferRecord, outputs: Outputs, ports: Ports, call: Call): Promise<StepOutput> {
  if (t.kind === 'cascade' && outputs('move')?.mode === 'live') return {};
  // A placement of a workload that ran before (its failed blade was repaired, see Controller.repair)
  // starts from its latest checkpoint; a new one has none and starts cold.
  const checkpoint =
    t.kind === 'place'
      ? ((await storedCheckpoint(t, ports)) ?? coldStart(t))
      : (outputs(t.kind === 'cascade' ? 'move' : 'capture')?.checkpoint ?? coldStart(t));
  await call(ports.workloads.restore(t.workload, t.to, checkpoint), `restore ${t.workload} on ${t.to}`);
  return {};
}

/** Live migration where the driver can; otherwise a checkpoint at a quiesce point (the source stops). */
async function move(t: TransferRecord, ports: Ports, call: Call): Promise<StepOutput> {
  const from = t.from!;
  const seen = await call(ports.workloads.status(t.workload), `status of ${t.workload}`);
  // A crash after the driver moved it but before the step was recorded: it is already there.
  if (seen.state === 'running' && seen.blade === t.to) return { mode: 'live' };
  if (
    seen.state === 'running' &&
    seen.blade === from &&
    (await call(ports.workloads.canMigrate(t.workload, from, t.to), 'can migrate'))
  ) {
    await call(ports.workloads.migrate(t.workload, from, t.to), `migrate ${t.workload} ${from} -> ${t.to}`);
    return { mode: 'live' };
  }
  // capture() of a workload already stopped at its quiesce point returns that same state.
  return {
    mode: 'checkpoint',
    checkpoint: await call(ports.workloads.capture(t.workload, from), `capture ${t.workload} on ${from}`),
  };
}

/** Puts the workload back on its source, running, with its storage, and powers the target off. */
async function rollback(t: TransferRecord, outputs: Outputs, ports: Ports, call: Call): Promise<void> {
  const from = t.from!;
  // Never put a workload back on a blade declared failed meanwhile; the machine fails it over.
  if ((await ports.store.blade(from))?.state === 'failed')
    throw new Error(`source ${from} failed: no rollback onto it`);
  const seen = await call(ports.workloads.status(t.workload), `status of ${t.workload}`);
  if (seen.state === 'running' && seen.blade === t.to) {
    if (await call(ports.workloads.canMigrate(t.workload, t.to, from), 'can migrate back')) {
      await call(ports.workloads.migrate(t.workload, t.to, from), `migrate ${t.workload} back to ${from}`);
    } else {
      // A move by checkpoint cannot be undone live (other CPUs): back the way it came.
      const back = await call(ports.workloads.capture(t.workload, t.to), `capture ${t.workload} on ${t.to}`);
      await call(ports.storage.attach(t.workload, from), `attach storage of ${t.workload} to ${from}`);
      await call(ports.workloads.restore(t.workload, from, back), `restore ${t.workload} on ${from}`);
    }
  }
  await call(ports.storage.attach(t.workload, from), `attach storage of ${t.workload} to ${from}`);
  const now = await call(ports.workloads.status(t.workload), `status of ${t.workload}`);
  if (now.state === 'stopped') await restartOnSource(t, outputs('move')?.checkpoint ?? null, ports, call);
  await power(t.to, 'off', ports, call);
}

/** Rollback's last part: the workload is stopped; which state it continues from on its source depends on the move. */
async function restartOnSource(
  t: TransferRecord,
  quiesced: Checkpoint | null,
  ports: Ports,
  call: Call,
): Promise<void> {
  const from = t.from!;
  // The workload may have started on the target and died there (a restore cut short, not recorded), on a target that
  // may be faulty and still on: it is fenced before the workload starts anywhere else, whichever state it continues
  // from.
  await power(t.to, 'off', ports, call);
  const fromLatest = async (): Promise<void> => {
    const stored = await storedCheckpoint(t, ports);
    await call(
      ports.workloads.restore(t.workload, from, stored ?? { ...coldStart(t), blade: from }),
      `restore ${t.workload} on ${from}`,
    );
  };
  if (leftSource(t)) {
    // It had left its source and its state died with the target (which failed): nothing is left
    // to resume on the source, and resuming would be refused for ever.
    await fromLatest();
  } else if (quiesced) {
    // Moved by checkpoint, it may have been restored on the target and died there since: resuming on the source is
    // refused then. The state captured at the quiesce point is the same state a resume would continue, wherever the
    // workload stopped since.
    await call(ports.workloads.restore(t.workload, from, quiesced), `restore ${t.workload} on ${from}`);
  } else {
    // A live move can finish on the hypervisor and go unrecorded (the controller killed in the step); if the target
    // then died, the workload stopped there and cannot be resumed on the source. Resume; failing that, start from
    // the latest checkpoint.
    try {
      await call(ports.workloads.resume(t.workload, from), `resume ${t.workload} on ${from}`);
    } catch {
      await fromLatest();
    }
  }
}
