// WorkloadPort on a FakeWorld: capture, restore, migrate and resume with the guarantees a real hypervisor driver must give.
import type {
  Checkpoint,
  DeclaredRequirements,
  ObservedWorkload,
  UtilizationSample,
  WorkloadLiveness,
  WorkloadPort,
} from '../../ports/workloads.js';
import { checkpointIdOf, type FakeWorkloadView, type FakeWorld } from './world.js';

export class FakeWorkloads implements WorkloadPort {
  constructor(private readonly world: FakeWorld) {}

  async declared(workload: string): Promise<DeclaredRequirements | null> {
    const w = this.world.workload(workload);
    if (!w || w.source === null) return null;
    return { requirements: w.requirements, source: w.source };
  }

  async samples(workload: string): Promise<UtilizationSample[]> {
    return [...(this.world.workload(workload)?.samples ?? [])];
  }

  /** Asks the blade it is on (or stopped on), so a workload on an unreachable blade cannot be observed. */
  async status(workload: string): Promise<ObservedWorkload> {
    const before = this.#need('status', workload, null);
    if (before.blade !== null && this.world.blade(before.blade))
      await this.world.reach('status', before.blade, workload);
    const w = this.#need('status', workload, null);
    return { state: w.state, blade: w.state === 'running' ? w.blade : null, sequence: w.sequence };
  }

  /**
   * The emulated hypervisor's heartbeat: it runs while the world runs it, whatever the blade's BMC answers, so a
   * hung BMC does not silence it, and a blade that lost power (or crashed) does.
   */
  async liveness(workload: string): Promise<WorkloadLiveness> {
    const w = this.world.workload(workload);
    if (!w) return { alive: false, blade: null, reason: `${workload}: unknown to the hypervisor` };
    if (w.state === 'running') return { alive: true, blade: w.blade, reason: `${workload} heartbeats on ${w.blade}` };
    return { alive: false, blade: null, reason: `${workload} has no heartbeat (${where(w)})` };
  }

  /** A snapshot that leaves it running, taken through the blade it runs on. */
  async checkpoint(workload: string, blade: string): Promise<Checkpoint> {
    await this.world.reach('checkpoint', blade, workload);
    const w = this.#need('checkpoint', workload, blade);
    if (w.state !== 'running' || w.blade !== blade) {
      throw this.world.refuse(
        'checkpoint',
        'not-running-here',
        `blade ${blade}: ${workload} is not running here (${where(w)})`,
        blade,
        workload,
      );
    }
    return this.world.checkpoint(workload);
  }

  /** Stops it at a quiesce point. Idempotent: already quiesced here by a capture, it hands out that same state. */
  async capture(workload: string, blade: string): Promise<Checkpoint> {
    await this.world.reach('capture', blade, workload);
    const w = this.#need('capture', workload, blade);
    if (w.state === 'running' && w.blade === blade) {
      const sequence = this.world.stopRun(workload, 'captured');
      return this.world.recordCheckpoint(workload, blade, sequence);
    }
    if (w.state === 'stopped' && w.blade === blade && w.stateKept) {
      const last = this.world.latestCheckpoint(workload);
      return last && last.blade === blade && last.sequence === w.sequence
        ? last
        : this.world.recordCheckpoint(workload, blade, w.sequence);
    }
    if (w.state === 'stopped' && w.blade === blade) {
      throw this.world.refuse(
        'capture',
        'state-lost',
        `blade ${blade}: ${workload} stopped here and its state is lost`,
        blade,
        workload,
      );
    }
    throw this.world.refuse(
      'capture',
      'not-running-here',
      `blade ${blade}: ${workload} is not running here (${where(w)})`,
      blade,
      workload,
    );
  }

  /**
   * Starts it on `blade` from the checkpoint: one the world saved, or sequence 0 (a cold start from the boot disk).
   * Idempotent while it runs there from that state; refuses while it runs anywhere else: never two blades.
   */
  async restore(workload: string, blade: string, checkpoint: Checkpoint): Promise<void> {
    await this.world.reach('restore', blade, workload);
    const w = this.#need('restore', workload, blade);
    const id = checkpointIdOf(checkpoint.data);
    const saved = id === null ? undefined : this.world.checkpointRecord(id);
    const known = saved !== undefined && saved.workload === workload && saved.sequence === checkpoint.sequence;
    if (checkpoint.workload !== workload || (!known && checkpoint.sequence !== 0)) {
      const what = `checkpoint of ${checkpoint.workload} at sequence ${checkpoint.sequence}`;
      throw this.world.refuse(
        'restore',
        'bad-checkpoint',
        `blade ${blade}: ${what} is not a saved state of ${workload}`,
        blade,
        workload,
      );
    }
    if (w.state === 'running' && w.blade === blade) {
      if (w.startSequence === checkpoint.sequence) return;
      const message = `blade ${blade}: ${workload} already runs here from sequence ${w.startSequence}, not ${checkpoint.sequence}`;
      throw this.world.refuse('restore', 'already-running', message, blade, workload);
    }
    if (w.state === 'running') {
      throw this.world.refuse(
        'restore',
        'running-elsewhere',
        `blade ${blade}: ${workload} already runs on ${w.blade}`,
        blade,
        workload,
      );
    }
    this.#ensureFree('restore', workload, blade);
    this.world.startRun(workload, blade, checkpoint.sequence, 'restore', known ? saved.id : null);
  }

  async canMigrate(workload: string, from: string, to: string): Promise<boolean> {
    this.#need('canMigrate', workload, null);
    for (const blade of [from, to]) {
      if (!this.world.blade(blade))
        throw this.world.refuse('canMigrate', 'unknown-blade', `blade ${blade}: unknown`, blade, workload);
    }
    return this.world.canMigrate(from, to);
  }

  /** Live: the sequence continues on `to` without a gap. Idempotent: already on `to`, nothing to do. */
  async migrate(workload: string, from: string, to: string): Promise<void> {
    await this.world.reach('migrate', from, workload);
    await this.world.reach('migrate', to, workload);
    const w = this.#need('migrate', workload, from);
    if (w.state === 'running' && w.blade === to) return;
    if (w.state !== 'running' || w.blade !== from) {
      throw this.world.refuse(
        'migrate',
        'not-running-here',
        `blade ${from}: ${workload} is not running here (${where(w)})`,
        from,
        workload,
      );
    }
    if (!this.world.canMigrate(from, to)) {
      throw this.world.refuse(
        'migrate',
        'migration-unsupported',
        `blade ${to}: cannot live-migrate ${workload} from ${from}`,
        to,
        workload,
      );
    }
    this.#ensureFree('migrate', workload, to);
    this.world.moveRun(workload, to);
  }

  /** Continues a workload quiesced on `blade` from where it stopped. Idempotent: running there, nothing to do. */
  async resume(workload: string, blade: string): Promise<void> {
    await this.world.reach('resume', blade, workload);
    const w = this.#need('resume', workload, blade);
    if (w.state === 'running' && w.blade === blade) return;
    if (w.state === 'running') {
      throw this.world.refuse(
        'resume',
        'running-elsewhere',
        `blade ${blade}: ${workload} already runs on ${w.blade}`,
        blade,
        workload,
      );
    }
    if (w.blade !== blade) {
      throw this.world.refuse(
        'resume',
        'not-running-here',
        `blade ${blade}: ${workload} was not stopped here (${where(w)})`,
        blade,
        workload,
      );
    }
    if (!w.stateKept)
      throw this.world.refuse(
        'resume',
        'state-lost',
        `blade ${blade}: ${workload} stopped here and its state is lost`,
        blade,
        workload,
      );
    this.#ensureFree('resume', workload, blade);
    this.world.startRun(workload, blade, w.sequence, 'resume', null);
  }

  /** A target must be powered on and must not run another workload: one workload per blade. */
  #ensureFree(op: string, workload: string, blade: string): void {
    const target = this.world.blade(blade);
    if (!target) throw this.world.refuse(op, 'unknown-blade', `blade ${blade}: unknown`, blade, workload);
    if (target.power !== 'on')
      throw this.world.refuse(op, 'powered-off', `blade ${blade}: powered off`, blade, workload);
    const other = this.world.occupant(blade);
    if (other !== null && other !== workload) {
      throw this.world.refuse(op, 'blade-busy', `blade ${blade}: already runs ${other}`, blade, workload);
    }
  }

  #need(op: string, workload: string, blade: string | null): FakeWorkloadView {
    const w = this.world.workload(workload);
    if (!w) throw this.world.refuse(op, 'unknown-workload', `workload ${workload}: unknown`, blade, workload);
    return w;
  }
}

function where(w: FakeWorkloadView): string {
  if (w.state === 'running') return `running on ${w.blade}`;
  return w.blade === null ? 'stopped' : `stopped on ${w.blade}`;
}
