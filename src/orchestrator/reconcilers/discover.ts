// The discovery reconciler: blades the hardware reports that the store does not know join the pool, and running
// workloads found on new or free blades are adopted in the same exclusive section.
import type { BladeRecord } from '../../ports/store.js';
import {
  EVERY,
  type ControllerContext,
  type Discovered,
  type Reconciler,
  type RunningWorkload,
} from '../controller-context.js';
import { adoptAll } from '../adoption.js';
import { refreshBlades } from '../blade-refresh.js';

/** New blades observed one key each; more than this, by a sweep. */
const FEW = 16;

export class DiscoverReconciler implements Reconciler {
  /** Running workloads discovery would not adopt, each logged once. */
  private readonly refused = new Set<string>();

  constructor(private readonly c: ControllerContext) {}

  /** One discovery at a time: the queue runs a discovery asked for meanwhile once more after this one. */
  async sync(): Promise<number | null> {
    const discovery = this.c.o.discovery;
    if (!discovery) return null;
    const { blades, adopted } = await this.discover('controller', await discovery.running());
    if (blades.length > 0) {
      const also = adopted.length > 0 ? `; adopted ${adopted.join(', ')} running there` : '';
      this.c.log({
        level: 'info',
        msg: `new blade(s) joined the standby pool: ${blades.join(', ')}${also}`,
        blades,
        adopted,
      });
    }
    return discovery.everyMs > 0 ? discovery.everyMs : null;
  }

  /**
   * Adopting in the same exclusive section means no plan runs in between and mistakes an occupied blade for a
   * standby one. A running workload is adopted only when the store does not know it and its blade is known and
   * free (just found, or standby with no transfer aimed at it); one whose blade is still unknown waits for the
   * next discovery (its BMC did not answer this inventory). An adoption that fails is logged.
   */
  async discover(actor: string, running: readonly RunningWorkload[]): Promise<Discovered> {
    const { c } = this;
    const { store, hardware } = c.o;
    // The inventory (every BMC asked, hung ones until their deadline) is read outside the exclusive section, so no
    // operator action waits for it; inside, it is weighed against the records as they are then.
    const listed = await hardware.inventory(new Set((await store.blades()).map((b) => b.id)));
    return c.serial(async () => {
      const stored = await store.blades();
      const known = new Set(stored.map((b) => b.id));
      const fresh = listed.filter((b) => !known.has(b.id));
      // A blade added to a data center the store knows burns in before it is a target, as a repaired one does;
      // the first inventory of an empty store is the data center as it stands, in service already.
      const burnIn = stored.length > 0 ? { burnInSince: c.o.clock.now() } : {};
      const records: BladeRecord[] = fresh.map((b) => ({
        id: b.id,
        resources: b.resources,
        state: 'standby',
        ...(b.location ? { location: b.location } : {}),
        ...(b.name ? { name: b.name } : {}),
        power: 'unknown',
        health: 'ok',
        endpoint: 'driver',
        ...burnIn,
      }));
      if (records.length > 0)
        await store.commit({
          blades: records,
          events: records.map((b) => c.event(actor, 'blade.added', b.id, { resources: b.resources })),
        });
      // Known blades the driver re-read and found changed: new resources are audited, and the plan below sees them.
      const refreshed = refreshBlades(stored, listed);
      if (refreshed.records.length > 0) {
        const events = refreshed.resized.map((r) =>
          c.event(actor, 'blade.resources', r.blade, { before: r.before, after: r.after }),
        );
        await store.commit({ blades: refreshed.records, events });
      }
      const candidates = running.length === 0 ? [] : await this.adoptable(running, stored, records);
      const blades = new Map([...stored, ...records].map((b) => [b.id, b]));
      const { adopted, failed } = await adoptAll(c, candidates, blades, actor);
      for (const f of failed)
        c.log({
          level: 'warn',
          msg: `could not adopt ${f.workload} on ${f.blade}`,
          workload: f.workload,
          blade: f.blade,
          error: f.error,
        });
      // Many new blades (a first start) are observed by a sweep, bounded, rather than all at once.
      if (records.length > FEW) c.queue.add(`blade:${EVERY}`);
      else for (const b of records) c.queue.add(`blade:${b.id}`);
      c.queue.add('plan');
      return { blades: records.map((b) => b.id), adopted };
    });
  }

  /** The running workloads discovery may adopt; the others are left for a later one, or logged. */
  private async adoptable(
    running: readonly RunningWorkload[],
    stored: readonly BladeRecord[],
    fresh: readonly BladeRecord[],
  ): Promise<RunningWorkload[]> {
    const { store } = this.c.o;
    const workloads = new Set((await store.workloads()).map((w) => w.id));
    const blades = new Map([...stored, ...fresh].map((b) => [b.id, b]));
    const targeted = new Set((await store.transfers({ open: true })).map((t) => t.to));
    const claimed = new Set<string>();
    const found: RunningWorkload[] = [];
    for (const w of running) {
      if (workloads.has(w.id)) continue;
      const blade = blades.get(w.blade);
      if (blade === undefined) continue;
      if (blade.state !== 'standby' || targeted.has(w.blade) || claimed.has(w.blade)) {
        if (this.refused.has(w.id)) continue; // said once; discovery repeats every half minute
        this.refused.add(w.id);
        const why = claimed.has(w.blade)
          ? 'claimed by another adopted workload'
          : targeted.has(w.blade)
            ? 'the target of a transfer'
            : blade.state;
        this.c.log({
          level: 'warn',
          msg: `not adopting ${w.id}: its blade ${w.blade} is ${why}`,
          workload: w.id,
          blade: w.blade,
        });
        continue;
      }
      claimed.add(w.blade);
      found.push(w);
    }
    return found;
  }
}
