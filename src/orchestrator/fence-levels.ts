// The fence step's work: a blade's fencing levels tried in order until one confirms by reading its device back.
// Each attempt is kept as proof (device, what it answered, what the read showed, when). A device that says "done"
// while its read disagrees has not confirmed: the next level is tried, and the disagreement is in the attempt.
import type { Clock } from '../ports/clock.js';
import type { FenceDevice, FenceReading } from '../ports/fencing.js';
import type { RetryTiming } from './deadline.js';

/** One level of one blade: the device and what it calls the blade. */
export interface BladeFenceLevel {
  readonly device: FenceDevice;
  readonly address: string;
}

/** A blade's levels in the order they are tried; none configured means the blade's own BMC. */
export type FencingTopology = (blade: string) => readonly BladeFenceLevel[];

export interface FenceAttempt {
  readonly level: string;
  readonly device: string;
  readonly address: string;
  /** What the device answered to the fence request; null when it was already fenced or never answered. */
  readonly answer: string | null;
  /** The last read back; null when no read answered. */
  readonly reading: string | null;
  readonly confirmed: boolean;
  readonly error: string | null;
  /** When the attempt began and ended (the controller's clock). */
  readonly at: number;
  readonly endedAt: number;
}

/** The fence step's output: the level that confirmed, and every attempt of this run of the step. */
export interface FenceProof {
  readonly level: string;
  readonly device: string;
  readonly address?: string;
  readonly answer: string;
  readonly reading: string;
  readonly at: number;
  readonly attempts?: readonly FenceAttempt[];
  /** Level "operator" (`fence confirm`): who vouched that the blade is off, and why. */
  readonly by?: string;
  readonly reason?: string;
}

export interface FenceRun {
  readonly clock: Clock;
  readonly timing: RetryTiming;
  readonly call: <T>(promise: Promise<T>, what: string) => Promise<T>;
  /** Told of each attempt as it ends (the audit log keeps them, failed ones too). */
  readonly record?: (attempt: FenceAttempt) => Promise<void>;
  /**
   * The detector failed the blade with its BMC silent, and it was silent still at the last read: its bmc level can
   * only run out its deadline, so it is skipped (and the skip recorded) when the blade has another level.
   */
  readonly bmcSilent?: boolean;
}

/** Why a bmc level was not tried: the proof still lists every level. */
export const SKIPPED_SILENT_BMC = 'skipped: its BMC did not answer the detector';

/** No level confirmed: the message names each level's last error, for the alarm. */
export class FenceUnconfirmed extends Error {
  constructor(
    readonly blade: string,
    readonly attempts: readonly FenceAttempt[],
  ) {
    super(
      attempts.length === 1
        ? (attempts[0]!.error ?? 'not confirmed')
        : `no fencing level confirmed ${blade} is off: ${attempts.map((a) => `${a.level} (${a.device}): ${a.error ?? 'not confirmed'}`).join('; ')}`,
    );
    this.name = 'FenceUnconfirmed';
  }
}

export async function fenceThroughLevels(
  blade: string,
  levels: readonly BladeFenceLevel[],
  run: FenceRun,
): Promise<FenceProof> {
  if (levels.length === 0) throw new Error(`${blade} has no fencing level`);
  const attempts: FenceAttempt[] = [];
  const skipBmc = run.bmcSilent === true && levels.some((l) => l.device.level !== 'bmc');
  for (const level of levels) {
    const attempt = skipBmc && level.device.level === 'bmc' ? skipped(level, run.clock) : await tryLevel(level, run);
    attempts.push(attempt);
    await run.record?.(attempt);
    if (attempt.confirmed) {
      const { device, address, answer, reading, at } = attempt;
      return {
        level: attempt.level,
        device,
        address,
        answer: answer ?? 'already fenced',
        reading: reading ?? '',
        at,
        attempts,
      };
    }
  }
  throw new FenceUnconfirmed(blade, attempts);
}

function skipped({ device, address }: BladeFenceLevel, clock: Clock): FenceAttempt {
  const at = clock.now();
  const { level, name } = device;
  return {
    level,
    device: name,
    address,
    answer: null,
    reading: null,
    confirmed: false,
    error: SKIPPED_SILENT_BMC,
    at,
    endedAt: at,
  };
}

async function tryLevel({ device, address }: BladeFenceLevel, run: FenceRun): Promise<FenceAttempt> {
  const { clock, timing, call } = run;
  const at = clock.now();
  const read = (): Promise<FenceReading> =>
    call(
      device.read(address),
      device.level === 'bmc' ? `power state of ${address}` : `${device.name}: read ${address}`,
    );
  let answer: string | null = null;
  let reading: FenceReading | null = null;
  const ended = (confirmed: boolean, error: string | null): FenceAttempt => ({
    level: device.level,
    device: device.name,
    address,
    answer,
    reading: reading?.shows ?? null,
    confirmed,
    error,
    at,
    endedAt: clock.now(),
  });
  try {
    reading = await read();
    if (reading.fenced) return ended(true, null);
    answer = await call(
      device.fence(address),
      device.level === 'bmc' ? `power off ${address}` : `${device.name}: fence ${address}`,
    );
    const until = clock.now() + timing.callMs;
    for (;;) {
      await clock.sleep(timing.pollMs);
      reading = await read();
      if (reading.fenced) return ended(true, null);
      if (clock.now() >= until) {
        // Said done, reads otherwise: never a confirmation.
        const error =
          device.level === 'bmc'
            ? `${address} did not confirm power off (still ${reading.shows.split(' ').pop() ?? 'on'})`
            : `${device.name} answered "${answer}" but its read shows ${reading.shows}`;
        return ended(false, error);
      }
    }
  } catch (error) {
    return ended(false, error instanceof Error ? error.message : String(error));
  }
}
