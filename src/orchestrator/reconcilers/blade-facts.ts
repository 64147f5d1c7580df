// One blade observation's reads (a few at once) and what they add to its record beyond power and health: the facts
// eligibility reads (Status.State, the enclosure's power), the other blades of an enclosure whose power the read
// changed, and its workload's heartbeat and other signs of life.
import type { BladeObservation, Liveness } from '../../core/verdict.js';
import type { ControllerContext } from '../controller-context.js';
import { withDeadline } from '../deadline.js';
import type { BladeRecord } from '../../ports/store.js';

/**
 * The record with what eligibility reads from this observation: Status.State and the enclosure's power as the driver
 * said them (absent when it said none); a BMC that did not answer leaves both as they were.
 */
export function withFacts(blade: BladeRecord, seen: BladeObservation): BladeRecord {
  if (seen.kind === 'error') return blade;
  const { systemState: _state, chassisPower: _power, ...rest } = blade;
  return {
    ...rest,
    ...(typeof seen.state === 'string' ? { systemState: seen.state } : {}),
    ...(seen.chassisPower === undefined ? {} : { chassisPower: seen.chassisPower }),
  };
}

/** The other blades of the same enclosure (same endpoint and chassis) whose enclosure power this read changes. */
export function enclosurePeers(blade: BladeRecord, updated: BladeRecord, all: readonly BladeRecord[]): BladeRecord[] {
  const chassis = blade.location?.chassis;
  const power = updated.chassisPower;
  if (chassis === undefined || power === undefined || power === blade.chassisPower) return [];
  return all
    .filter((b) => b.id !== blade.id && b.endpoint === blade.endpoint && b.location?.chassis === chassis)
    .filter((b) => b.chassisPower !== power)
    .map((b) => ({ ...b, chassisPower: power }));
}

/** The blade's status, or why there is none: refused credentials apart from every other management-path fault. */
export async function statusOf(c: ControllerContext, id: string): Promise<BladeObservation> {
  const { hardware, clock } = c.o;
  try {
    const s = await withDeadline(clock, hardware.status(id), c.timing.callMs, `status of ${id}`);
    return {
      kind: 'status',
      power: s.power,
      health: s.health,
      ...(s.state === undefined ? {} : { state: s.state }),
      ...(s.chassisPower === undefined ? {} : { chassisPower: s.chassisPower }),
    };
  } catch (error) {
    const code = (error as { readonly code?: unknown } | null)?.code === 'auth' ? 'auth' : 'path';
    return { kind: 'error', code, message: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The workload's own heartbeat; one that does not answer within the call deadline counts as lost. Null when this
 * process could not ask (out of file descriptors): a blade stays suspect on that, never failed.
 */
async function livenessOf(c: ControllerContext, workload: string, blade: string): Promise<Liveness | null> {
  const { workloads, clock } = c.o;
  try {
    const seen = await withDeadline(clock, workloads.liveness(workload), c.timing.callMs, `liveness of ${workload}`);
    if (seen.alive && seen.blade !== blade)
      return { alive: false, reason: `${workload} runs on ${seen.blade}, not ${blade}` };
    return { alive: seen.alive, reason: seen.reason };
  } catch (error) {
    if ((error as { readonly code?: unknown } | null)?.code === 'local-resource') return null;
    return {
      alive: false,
      reason: `${workload}: liveness unknown (${error instanceof Error ? error.message : String(error)})`,
    };
  }
}

/** A running workload's liveness, read with its blade's status. */
export interface Heartbeat {
  readonly workload: string;
  readonly liveness: Liveness;
  /**
   * When it last gave a sign of life on this blade by another path, for a liveness that says it is not alive: the
   * latest checkpoint its hypervisor took there (null: none). A liveness read that timed out does not undo it.
   */
  readonly lifeAt: number | null;
}

/** The workload's heartbeat on this blade: its liveness, and for one not alive, its latest other sign of life. */
export async function heartbeatOf(c: ControllerContext, workload: string, blade: string): Promise<Heartbeat | null> {
  const liveness = await livenessOf(c, workload, blade);
  if (liveness === null) return null;
  const snapshot = liveness.alive ? null : await c.o.store.latestCheckpoint(workload);
  return { workload, liveness, lifeAt: snapshot?.blade === blade ? snapshot.takenAt : null };
}

/** At most `max` reads at once; the others wait their turn, first come first served. */
export class ReadLimit {
  private reading = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {}

  async run<T>(read: () => Promise<T>): Promise<T> {
    while (this.reading >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.reading++;
    try {
      return await read();
    } finally {
      this.reading--;
      this.waiting.shift()?.();
    }
  }
}

/** An observation weighed: when its reads answered, and on which of the blade's transfer moves. */
export interface Weighed {
  readonly at: number;
  readonly moves: number;
}

/**
 * What the detector may know of a silence an observation met beyond its own reads. It began after the previous
 * observation (`last`: which heard the blade; a run already under way keeps its own start; undefined for a detector
 * that starts afresh), though no earlier than a poll period before this read was asked: the poll would have asked
 * then. And a read unanswered for several poll periods missed that many polls, so a BMC that hangs is failed when
 * failAfterMs is over, not after `consecutive` reads have each run out their deadline (`controller.callMs`).
 */
export function silenceOf(
  last: Weighed | undefined,
  seen: BladeObservation,
  asked: Pick<Asked, 'at' | 'moves'>,
  now: number,
  pollMs: number,
): { heardAt: number | null; polls: number } {
  if (pollMs <= 0) return { heardAt: null, polls: 1 };
  const heardAt = last && last.moves === asked.moves ? Math.max(last.at, asked.at - pollMs) : null;
  const silent = seen.kind === 'error' && seen.code === 'path';
  return { heardAt, polls: silent ? Math.max(1, Math.floor((now - asked.at) / pollMs)) : 1 };
}

/** Blades a sweep observes at once: enough that a few hung BMCs hold up no other blade. */
export const SWEEP_WIDTH = 3;
/**
 * Reads at once (an observation asks its status and its heartbeat together): the sweep's, and one observation's
 * more for a blade an event named, few enough not to flood the drivers.
 */
export const READS_AT_ONCE = 2 * SWEEP_WIDTH + 2;
/** A poll sweep's starts take this share of its period. */
export const SPREAD = 0.8;
/** A timer may fire a millisecond or two before the wall clock reads its due time. */
export const TIMER_SLACK_MS = 2;

/** What an observation saw of the records when it asked (a transfer's moves, the blade's state), and when. */
export interface Asked {
  readonly moves: number;
  readonly state: BladeRecord['state'];
  readonly at: number;
  /** When the reads had both answered (or given up); undefined while one is still in flight. */
  readonly answeredAt?: number;
}
