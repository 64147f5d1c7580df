// DESIGN section 5's invariants, checked over a fake world's history: never on two blades, no start before the
// fence, no gap in a workload's sequence. Each check replays the history and returns its violations.
import type { PowerState } from '../../ports/hardware.js';
import type { HistoryEntry, StartHow } from './world-state.js';

export type Rule = 'two-blades' | 'start-before-fence' | 'sequence-gap';

export interface Violation {
  readonly rule: Rule;
  readonly at: number;
  readonly workload: string;
  readonly message: string;
  /** sequence-gap only: the sequence it stopped at minus the one it restarted from (negative: skipped ahead). */
  readonly lost?: number;
}

/**
 * A workload starts on a blade while it runs on another, or a driver had to refuse such a start: on real
 * hardware that refusal would not exist and the workload would run twice.
 */
export function twoBladeViolations(history: readonly HistoryEntry[]): Violation[] {
  const running = new Map<string, string>();
  const found: Violation[] = [];
  for (const e of history) {
    if (e.kind === 'started') {
      const other = running.get(e.workload);
      if (other !== undefined && other !== e.blade) {
        found.push({
          rule: 'two-blades',
          at: e.at,
          workload: e.workload,
          message: `${e.workload} started on ${e.blade} while running on ${other}`,
        });
      }
      running.set(e.workload, e.blade);
    } else if (e.kind === 'stopped' && running.get(e.workload) === e.blade) {
      running.delete(e.workload);
    } else if (e.kind === 'migrated') {
      running.set(e.workload, e.to);
    } else if (e.kind === 'refused' && e.reason === 'running-elsewhere' && e.workload !== null) {
      const message = `${e.op} of ${e.workload} on ${e.blade ?? '?'} while it ran on ${running.get(e.workload) ?? '?'} (refused by the fake)`;
      found.push({ rule: 'two-blades', at: e.at, workload: e.workload, message });
    }
  }
  return found;
}

/** A moment in the history: entries at one instant of a manual clock are still ordered by position. */
interface Moment {
  readonly at: number;
  readonly index: number;
}

interface BladeFacts {
  power: PowerState | 'gone';
  offSince: Moment | null;
  failed: boolean;
  critical: boolean;
  unreachable: boolean;
  /** When the current run of faults began; null while the blade is sound. */
  faultySince: Moment | null;
  lastPowerOnRequest: Moment | null;
}

/**
 * A workload starts on a new blade while the blade it left is faulty (failed, critical, or unreachable) and not yet
 * powered off; or the new blade was powered on after the fault but before the old blade was off. A sound source
 * needs no fence: a cascade captures it and releases it without powering it off first.
 */
export function fenceViolations(history: readonly HistoryEntry[]): Violation[] {
  const blades = new Map<string, BladeFacts>();
  const lastBlade = new Map<string, string>();
  /** `workload@blade` -> when the SAN stopped presenting the workload's boot LUN to the blade (a storage fence). */
  const revoked = new Map<string, Moment>();
  const found: Violation[] = [];
  const facts = (id: string): BladeFacts => {
    let f = blades.get(id);
    if (!f) {
      f = {
        power: 'on',
        offSince: null,
        failed: false,
        critical: false,
        unreachable: false,
        faultySince: null,
        lastPowerOnRequest: null,
      };
      blades.set(id, f);
    }
    return f;
  };
  const refresh = (f: BladeFacts, at: Moment): void => {
    const faulty = f.failed || f.critical || f.unreachable;
    if (faulty && f.faultySince === null) f.faultySince = at;
    if (!faulty) f.faultySince = null;
  };
  for (const [index, e] of history.entries()) {
    const now: Moment = { at: e.at, index };
    switch (e.kind) {
      case 'blade-added': {
        const f = facts(e.blade);
        f.power = e.power;
        f.offSince = e.power === 'off' ? now : null;
        f.critical = e.health === 'critical';
        refresh(f, now);
        break;
      }
      case 'blade-removed':
        facts(e.blade).power = 'gone';
        break;
      case 'power-requested':
        if (e.power === 'on') facts(e.blade).lastPowerOnRequest = now;
        break;
      case 'power-effective': {
        const f = facts(e.blade);
        f.power = e.power;
        f.offSince = e.power === 'off' ? now : null;
        break;
      }
      case 'health':
        facts(e.blade).critical = e.health === 'critical';
        refresh(facts(e.blade), now);
        break;
      case 'reachable':
        facts(e.blade).unreachable = e.reachable !== 'yes';
        refresh(facts(e.blade), now);
        break;
      case 'fault':
        if (e.fault === 'fail') facts(e.blade).failed = true;
        if (e.fault === 'repair') facts(e.blade).failed = false;
        refresh(facts(e.blade), now);
        break;
      case 'started': {
        const from = lastBlade.get(e.workload);
        if (from !== undefined && from !== e.blade) {
          const problem = unfenced(
            facts(from),
            facts(e.blade),
            from,
            e.blade,
            revoked.get(`${e.workload}@${from}`) ?? null,
          );
          if (problem)
            found.push({
              rule: 'start-before-fence',
              at: e.at,
              workload: e.workload,
              message: `${e.workload}: ${problem}`,
            });
        }
        lastBlade.set(e.workload, e.blade);
        break;
      }
      case 'migrated':
        lastBlade.set(e.workload, e.to);
        break;
      case 'detached':
        revoked.set(`${e.workload}@${e.blade}`, now);
        break;
      case 'attached':
        revoked.delete(`${e.workload}@${e.blade}`);
        break;
      default:
        break;
    }
  }
  return found;
}

function unfenced(
  source: BladeFacts,
  target: BladeFacts,
  from: string,
  to: string,
  revokedAt: Moment | null,
): string | null {
  if (source.faultySince === null || source.power === 'gone') return null;
  // Its storage taken from the faulty source is a fence as good as its power: the copy there cannot run on.
  if (revokedAt !== null && revokedAt.index > source.faultySince.index) {
    const poweredOn = target.lastPowerOnRequest;
    if (poweredOn !== null && poweredOn.index > source.faultySince.index && poweredOn.index < revokedAt.index) {
      return `${to} was powered on at ${poweredOn.at}, before the storage of ${from} was revoked at ${revokedAt.at}`;
    }
    return null;
  }
  if (source.power !== 'off')
    return `started on ${to} while ${from} is faulty (since ${source.faultySince.at}) and still on`;
  const poweredOn = target.lastPowerOnRequest;
  const off = source.offSince;
  if (poweredOn !== null && off !== null && poweredOn.index > source.faultySince.index && poweredOn.index < off.index) {
    return `${to} was powered on at ${poweredOn.at}, before ${from} was fenced at ${off.at}`;
  }
  return null;
}

/**
 * A restart (restore or resume) from another sequence than the one it stopped at: state was lost (an old checkpoint
 * after a failure, a cold start) or invented. Live migration carries the sequence over by construction.
 */
export function sequenceGaps(history: readonly HistoryEntry[]): Violation[] {
  const stoppedAt = new Map<string, number>();
  const found: Violation[] = [];
  for (const e of history) {
    if (e.kind === 'stopped') stoppedAt.set(e.workload, e.sequence);
    if (e.kind !== 'started') continue;
    const last = stoppedAt.get(e.workload);
    stoppedAt.delete(e.workload);
    if (last === undefined || last === e.sequence || e.how === 'initial') continue;
    const message = `${e.workload} ${e.how}d on ${e.blade} from sequence ${e.sequence}, but it had stopped at ${last}`;
    found.push({ rule: 'sequence-gap', at: e.at, workload: e.workload, message, lost: last - e.sequence });
  }
  return found;
}

/** Every violation of every rule, in time order. */
export function historyViolations(history: readonly HistoryEntry[]): Violation[] {
  const all = [...twoBladeViolations(history), ...fenceViolations(history), ...sequenceGaps(history)];
  return all.sort((a, b) => a.at - b.at);
}

export interface Run {
  readonly blade: string;
  readonly how: StartHow | 'migrate';
  readonly startedAt: number;
  readonly fromSequence: number;
  /** null while it still runs. */
  readonly endedAt: number | null;
  readonly toSequence: number | null;
}

/** A workload's runs, oldest first: where it ran, from when to when, from which sequence to which. */
export function runsOf(history: readonly HistoryEntry[], workload: string): Run[] {
  const runs: Run[] = [];
  const close = (at: number, sequence: number): void => {
    const open = runs.at(-1);
    if (open && open.endedAt === null) runs[runs.length - 1] = { ...open, endedAt: at, toSequence: sequence };
  };
  for (const e of history) {
    if (!('workload' in e) || e.workload !== workload) continue;
    if (e.kind === 'started')
      runs.push({
        blade: e.blade,
        how: e.how,
        startedAt: e.at,
        fromSequence: e.sequence,
        endedAt: null,
        toSequence: null,
      });
    if (e.kind === 'stopped') close(e.at, e.sequence);
    if (e.kind === 'migrated') {
      close(e.at, e.sequence);
      runs.push({
        blade: e.to,
        how: 'migrate',
        startedAt: e.at,
        fromSequence: e.sequence,
        endedAt: null,
        toSequence: null,
      });
    }
  }
  return runs;
}
