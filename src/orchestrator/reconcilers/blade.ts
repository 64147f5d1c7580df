// The blade reconciler: compares a blade's record with what its controller reports; a dead blade's workload fails over.
import type { BladeRecord, WorkloadRecord } from '../../ports/store.js';
import { EVERY, type ControllerContext, type Reconciler } from '../controller-context.js';
import { withDeadline } from '../deadline.js';
import { releasing } from '../transfer-machine.js';

type Status = { power: 'on' | 'off' | 'unknown'; health: BladeRecord['health'] };

/** Status reads at once: enough that a few hung BMCs hold up no other blade, few enough not to flood the drivers. */
const READS_AT_ONCE = 4;

export class BladeReconciler implements Reconciler {
  private reading = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly c: ControllerContext,
    private readonly pollMs: number,
  ) {}

  async sync(id: string): Promise<number | null> {
    if (id !== EVERY) {
      // The BMC is asked outside the exclusive section: a hung one (up to its deadline) holds up no operator action,
      // plan or other blade; what it said is weighed inside, against the records as they are then.
      const moves = this.c.moves.get(id) ?? 0;
      const status = await this.read(id);
      if (status !== null) await this.c.serial(() => this.observe(id, status, moves));
      return null;
    }
    // Polling: every blade is read again even when its controller sends no events.
    for (const b of await this.c.o.store.blades()) this.c.queue.add(`blade:${b.id}`);
    return this.pollMs > 0 ? this.pollMs : null;
  }

  /** What the blade's controller reports, or null for a blade the store does not know. */
  private async read(id: string): Promise<Status | null> {
    const { store, hardware, clock } = this.c.o;
    if (!(await store.blade(id))) return null;
    while (this.reading >= READS_AT_ONCE) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.reading++;
    try {
      return await withDeadline(clock, hardware.status(id), this.c.timing.callMs, `status of ${id}`);
    } catch {
      return { power: 'unknown', health: 'unreachable' };
    } finally {
      this.reading--;
      this.waiting.shift()?.();
    }
  }

  private async observe(id: string, status: Status, moves: number): Promise<void> {
    const { c } = this;
    const { store } = c.o;
    // A transfer into or out of this blade began or ended while its controller was asked: the answer may predate
    // the power change it made. Ask again rather than judge the blade on it.
    if ((c.moves.get(id) ?? 0) !== moves) {
      c.queue.add(`blade:${id}`);
      return;
    }
    // The record and the open transfers as they are after the status call, which can take up to its deadline: a
    // cascade that released this blade meanwhile (now standby, off) must not make it look dead.
    const blade = await store.blade(id);
    if (!blade) return;
    const open = await store.transfers({ open: true });
    const targetOf = open.find((t) => t.to === id);
    const sourceOf = open.find((t) => t.from === id);
    const dead =
      status.health === 'critical' ||
      status.health === 'unreachable' ||
      // An active blade that lost power, unless a transfer is switching it on (target) or off (source). A source
      // counts as switched off only once the cascade's release began; before that, a source that went dark lost
      // the workload (or the place to roll it back to), and the rollback would never end.
      (blade.state === 'active' && status.power === 'off' && !targetOf && !(sourceOf && releasing(sourceOf)));
    const changed = status.power !== blade.power || status.health !== blade.health;
    if (!dead || blade.state === 'failed' || blade.state === 'maintenance') {
      // Onto the record read after the status call (above): a transfer that ended meanwhile (its target now
      // active) must not be undone by this write of power and health.
      if (changed) await store.commit({ blades: [{ ...blade, power: status.power, health: status.health }] });
      return;
    }

    const failed: BladeRecord = { ...blade, state: 'failed', power: status.power, health: status.health };
    const workloads: WorkloadRecord[] = [];
    const hosted = (await store.workloads()).find((w) => w.blade === id && w.state === 'running');
    // Only the transfer's own workload is taken care of by it; another one on the blade fails over.
    if (hosted && sourceOf?.workload !== hosted.id) workloads.push({ ...hosted, state: 'pending', pendingReason: `blade ${id} failed` });
    await store.commit({
      blades: [failed],
      workloads,
      events: [c.event('controller', 'blade.failed', id, { health: status.health, power: status.power, workload: hosted?.id ?? null })],
    });
    c.log({ level: 'warn', msg: `blade ${id} failed`, health: status.health, power: status.power, workload: hosted?.id ?? null });
    if (targetOf) c.queue.add(`transfer:${targetOf.id}`);
    if (sourceOf) c.queue.add(`transfer:${sourceOf.id}`);
    c.queue.add('plan');
  }
}
