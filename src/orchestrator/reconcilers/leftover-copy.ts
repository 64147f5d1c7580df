// Never two copies: a failed blade fenced by a level that did not cut its power (the SAN took its boot LUN away, or
// an operator vouched for it) may still run the workload it lost, from memory. Once its BMC answers and shows it
// on, or the workload's own heartbeat comes from it, it is powered off and confirmed off; a failed blade is never a
// target, and a repair waits for that power-off. The workload's record is left alone: the copy that counts is the
// one its failover started on the new blade.
import type { BladeRecord, NewAuditEvent, Store, TransferRecord } from '../../ports/store.js';
import { alarmEvent } from '../../wire/alarms.js';
import { ActionError } from '../action-error.js';
import type { ControllerContext, Reconciler } from '../controller-context.js';
import { withDeadline } from '../deadline.js';
import { outputOf } from '../executor.js';

/** The levels whose confirmation means the blade has no power: its BMC, its enclosure bay, its PDU outlet. */
const POWER_CUTS: ReadonlySet<string> = new Set(['bmc', 'enclosure', 'pdu']);

/** A blade that may still run an old copy: the failover that fenced it without cutting its power. */
export interface LeftoverRisk {
  readonly blade: string;
  readonly transfer: string;
  readonly workload: string;
  /** The level that confirmed the fence: `storage` or `operator`. */
  readonly level: string;
}

/**
 * The risk a blade carries, from its record and the transfers out of it: the latest transfer whose fence confirmed
 * decides. Null once the blade reads off (it runs nothing), when it is not failed (a repair waited for the power-off),
 * or when that fence cut the power.
 */
export function leftoverRisk(blade: BladeRecord, transfers: readonly TransferRecord[]): LeftoverRisk | null {
  if (blade.state !== 'failed' || blade.power === 'off') return null;
  let latest: { t: TransferRecord; level: string } | null = null;
  for (const t of transfers) {
    if (t.from !== blade.id || (latest && latest.t.createdAt > t.createdAt)) continue;
    const fence = outputOf(t, 'fence')?.fence;
    if (fence) latest = { t, level: fence.level };
  }
  if (!latest || POWER_CUTS.has(latest.level)) return null;
  return { blade: blade.id, transfer: latest.t.id, workload: latest.t.workload, level: latest.level };
}

/** A repair waits for the power-off: back in the pool, the blade could be a target while the old copy runs. */
export async function refuseLeftoverRepair(store: Store, blade: BladeRecord): Promise<void> {
  const risk = leftoverRisk(blade, await store.transfers());
  if (!risk) return;
  throw new ActionError(
    'conflict',
    `blade ${blade.id} was fenced by ${risk.level} (transfer ${risk.transfer}), not by a power cut, and has not read ` +
      `off since: it may still run ${risk.workload}; it is powered off once its BMC answers`,
  );
}

/** What the blade shows of an old copy: its power read on, or the workload's heartbeat from it. */
export type LeftoverSign = { readonly found: true; readonly why: string } | { readonly found: false };

export function leftoverSign(
  blade: BladeRecord,
  heartbeat: { readonly alive: boolean; readonly blade: string | null } | null,
  workload: string,
): LeftoverSign {
  if (heartbeat?.alive && heartbeat.blade === blade.id)
    return { found: true, why: `${workload} heartbeats on ${blade.id}` };
  if (blade.power === 'on') return { found: true, why: `${blade.id} reads PowerState On` };
  return { found: false };
}

export class LeftoverCopyReconciler implements Reconciler {
  /** Blades whose `blade.leftover-copy` alarm this controller raised and has not cleared. */
  readonly #alarmed = new Set<string>();

  constructor(
    private readonly c: ControllerContext,
    private readonly retryMs: number,
  ) {}

  async sync(id: string): Promise<number | null> {
    const { store, clock } = this.c.o;
    const blade = await store.blade(id);
    const risk = blade ? leftoverRisk(blade, await store.transfers()) : null;
    if (!blade || !risk) {
      if (this.#alarmed.delete(id)) await store.commit({ events: [this.#cleared(id, `blade ${id} runs nothing`)] });
      return null;
    }
    const sign = leftoverSign(blade, await this.#heartbeat(risk.workload), risk.workload);
    // Power unknown and no heartbeat from it: nothing to act on until its BMC answers (the blade poll asks again).
    if (!sign.found) return null;
    try {
      const answer = await this.#powerOff(id);
      await this.c.serial(async () => {
        const fresh = await store.blade(id);
        const events: NewAuditEvent[] = [
          this.c.event('controller', 'blade.leftover-off', id, { ...risk, found: sign.why, answer }),
        ];
        if (this.#alarmed.delete(id)) events.push(this.#cleared(id, `blade ${id} powered off: ${sign.why}`));
        await store.commit({ ...(fresh ? { blades: [{ ...fresh, power: 'off' as const }] } : {}), events });
      });
      const { transfer, workload, level: fencedBy } = risk;
      this.c.log({
        level: 'warn',
        msg: `blade ${id} powered off: it may run an old copy`,
        transfer,
        workload,
        fencedBy,
      });
      return null;
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      if (!this.#alarmed.has(id)) {
        this.#alarmed.add(id);
        const message =
          `blade ${id} was fenced by ${risk.level}, not by a power cut, and ${sign.why}: it may run a second copy ` +
          `of ${risk.workload}; powering it off failed (${why}). Power it off by hand; it is not a target meanwhile`;
        await store.commit({
          events: [
            alarmEvent('alarm.raised', clock.now(), 'controller', id, {
              kind: 'blade.leftover-copy',
              message,
              severity: 'critical',
            }),
          ],
        });
      }
      return this.retryMs;
    }
  }

  /** The workload's heartbeat; one that does not answer says nothing either way. */
  async #heartbeat(workload: string): Promise<{ alive: boolean; blade: string | null } | null> {
    const { workloads, clock } = this.c.o;
    try {
      const seen = await withDeadline(clock, workloads.liveness(workload), this.c.timing.callMs, `liveness`);
      return { alive: seen.alive, blade: seen.blade };
    } catch {
      return null;
    }
  }

  /** Power off, confirmed by reading the power state back; resolves with what was done. */
  async #powerOff(blade: string): Promise<string> {
    const { hardware, clock } = this.c.o;
    const call = <T>(p: Promise<T>, what: string): Promise<T> => withDeadline(clock, p, this.c.timing.callMs, what);
    if ((await call(hardware.status(blade), `power state of ${blade}`)).power === 'off') return 'already off';
    await call(hardware.setPower(blade, 'off'), `power off ${blade}`);
    const until = clock.now() + this.c.timing.callMs;
    for (;;) {
      await clock.sleep(this.c.timing.pollMs);
      const seen = await call(hardware.status(blade), `power state of ${blade}`);
      if (seen.power === 'off') return 'powered off, read back Off';
      if (clock.now() >= until) throw new Error(`${blade} did not confirm power off (still ${seen.power})`);
    }
  }

  #cleared(blade: string, message: string): NewAuditEvent {
    return alarmEvent('alarm.cleared', this.c.o.clock.now(), 'controller', blade, {
      kind: 'blade.leftover-copy',
      message,
    });
  }
}
