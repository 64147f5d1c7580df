// Every configured fencing level of every blade read once, read-only (a state read, never a power change or an
// unbinding), for `cascade drivers check` and for `cascade serve` at start: which levels answer, which name an address
// their device does not know (naming the field), and which blades are left with fewer than two working levels.
import { UnknownFenceAddress } from '../ports/fencing.js';
import type { HardwarePort } from '../ports/hardware.js';
import { fencingDevices, levelOf, type FencingSection, type LevelConfig } from './fencing-config.js';

export interface FenceLevelCheck {
  readonly blade: string;
  readonly level: string;
  readonly device: string;
  readonly address: string;
  /** The field that names the address (`fencing.blades.A[1].outlet`); the blade itself for a bmc level. */
  readonly field: string;
  /** What the read showed, or why it failed. */
  readonly state: string;
  readonly ok: boolean;
  /** The device answered that it does not know the address: the level is misconfigured, not just unreachable. */
  readonly unknown: boolean;
}

export interface FencingCheck {
  readonly levels: FenceLevelCheck[];
  /** blade -> how many of its levels answered, for blades with fewer than two. */
  readonly weak: Record<string, number>;
}

/** The level's address field, as the site file spells it. */
export function addressField(l: LevelConfig, blade: string, index: number): string {
  const where = `fencing.blades.${blade}[${index}]`;
  if (l.level === 'bmc') return where;
  return `${where}.${l.level === 'enclosure' ? 'chassis' : l.level === 'pdu' ? 'outlet' : 'initiator'}`;
}

/** A hardware port that answers nothing: a `bmc` level is judged by the caller's own read of the blade. */
const noHardware: HardwarePort = {
  inventory: async () => [],
  status: async (blade) => {
    throw new Error(`${blade}: read by the hardware check`);
  },
  setPower: async (blade) => {
    throw new Error(`the fencing check never powers ${blade}`);
  },
  subscribe: () => () => {},
};

/**
 * Reads every level. A `bmc` level works when the blade's own driver answered (`bmcOk`); null: nothing read it, and
 * it is reported as unchecked and not counted.
 */
export async function checkFencingLevels(
  section: FencingSection,
  bmcOk: (blade: string) => boolean | null,
): Promise<FencingCheck> {
  const devices = fencingDevices(section);
  try {
    const levels: FenceLevelCheck[] = [];
    for (const [blade, configured] of Object.entries(section.blades)) {
      for (const [i, l] of configured.entries()) {
        const field = addressField(l, blade, i);
        if (l.level === 'bmc') {
          const ok = bmcOk(blade);
          const state =
            ok === null ? 'not checked: no redfish or ipmi entry lists it' : ok ? 'answered' : 'did not answer';
          levels.push({
            blade,
            level: 'bmc',
            device: 'bmc',
            address: blade,
            field,
            state,
            ok: ok === true,
            unknown: false,
          });
          continue;
        }
        const { device, address } = levelOf(l, blade, devices, noHardware);
        const row = { blade, level: l.level, device: device.name, address, field };
        try {
          const reading = await device.read(address);
          levels.push({ ...row, state: reading.shows, ok: true, unknown: false });
        } catch (error) {
          const state = error instanceof Error ? error.message : String(error);
          levels.push({ ...row, state, ok: false, unknown: error instanceof UnknownFenceAddress });
        }
      }
    }
    const weak: Record<string, number> = {};
    for (const blade of Object.keys(section.blades)) {
      const working = levels.filter((c) => c.blade === blade && c.ok).length;
      if (working < 2) weak[blade] = working;
    }
    return { levels, weak };
  } finally {
    await devices.close();
  }
}

/** The levels that did not answer, each as one line naming its field; an unknown address says so. */
export function levelProblems(check: FencingCheck): string[] {
  return failing(check).map(problemOf);
}

function failing(check: FencingCheck): FenceLevelCheck[] {
  return check.levels.filter((l) => !l.ok && l.level !== 'bmc');
}

function problemOf(l: FenceLevelCheck): string {
  return l.unknown
    ? `${l.field}: ${l.address} is unknown to ${l.device} (${l.state})`
    : `${l.field}: ${l.device} did not answer for ${l.address} (${l.state})`;
}

/** Where the start-up check writes: pino's (fields, message) form. */
export interface FencingCheckLog {
  error(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
}

/**
 * `cascade serve`'s check at start, in the background: each level that does not answer or names an unknown address is
 * logged naming its field, and each blade left with fewer than two working levels. A bmc level counts as working
 * here: the blade's failure detector watches its BMC and raises its own alarms.
 */
export async function reportFencingAtStart(section: FencingSection, log: FencingCheckLog): Promise<void> {
  try {
    const check = await checkFencingLevels(section, () => true);
    for (const l of failing(check)) {
      const fields = { field: l.field, blade: l.blade, level: l.level };
      if (l.unknown) log.error(fields, problemOf(l));
      else log.warn(fields, problemOf(l));
    }
    for (const [blade, working] of Object.entries(check.weak))
      log.warn({ blade, working }, `fencing: blade ${blade} has ${working} working level(s); a failover needs two`);
  } catch (error) {
    log.error({ error: error instanceof Error ? error.message : String(error) }, 'fencing: start-up check failed');
  }
}
