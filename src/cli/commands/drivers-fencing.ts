// `cascade drivers check`'s fencing part: every configured level of every blade read once, never fenced (a state read,
// no power change), and the blades left with fewer than two working levels named: one dead device must not leave a
// failover with no way to fence.
import { dirname, resolve } from 'node:path';
import { checkFencing, fencingDevices, levelOf, type FencingSection } from '../../app/fencing-config.js';
import type { HardwarePort } from '../../ports/hardware.js';
import { CliError } from '../cli-error.js';
import { table } from '../table.js';

export interface FenceLevelCheck {
  readonly blade: string;
  readonly level: string;
  readonly device: string;
  readonly address: string;
  /** What the read showed, or why it failed. */
  readonly state: string;
  readonly ok: boolean;
}

export interface FencingCheck {
  readonly levels: FenceLevelCheck[];
  /** blade -> how many of its levels answered, for blades with fewer than two. */
  readonly weak: Record<string, number>;
}

export function parseFencingSection(raw: unknown, file: string): FencingSection {
  const checked = checkFencing(raw, dirname(resolve(file)));
  if (!checked.ok) throw new CliError(`${file}: ${checked.message}`);
  return checked.value;
}

/**
 * Reads every level. A `bmc` level works when the blade's own driver answered above (`bmcOk`); without a hardware
 * section for it, it is reported as unchecked and not counted.
 */
export async function checkFencingLevels(
  section: FencingSection,
  bmcOk: (blade: string) => boolean | null,
): Promise<FencingCheck> {
  let devices: ReturnType<typeof fencingDevices>;
  try {
    devices = fencingDevices(section);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
  const noHardware: HardwarePort = {
    inventory: async () => [],
    status: async (blade) => {
      throw new Error(`${blade}: read by the hardware check`);
    },
    setPower: async (blade) => {
      throw new Error(`drivers check never powers ${blade}`);
    },
    subscribe: () => () => {},
  };
  try {
    const levels: FenceLevelCheck[] = [];
    for (const [blade, configured] of Object.entries(section.blades)) {
      for (const l of configured) {
        if (l.level === 'bmc') {
          const ok = bmcOk(blade);
          levels.push({
            blade,
            level: 'bmc',
            device: 'bmc',
            address: blade,
            state: ok === null ? 'not checked: no redfish or ipmi entry lists it' : ok ? 'answered' : 'did not answer',
            ok: ok === true,
          });
          continue;
        }
        const { device, address } = levelOf(l, blade, devices, noHardware);
        try {
          const reading = await device.read(address);
          levels.push({ blade, level: l.level, device: device.name, address, state: reading.shows, ok: true });
        } catch (error) {
          levels.push({
            blade,
            level: l.level,
            device: device.name,
            address,
            state: error instanceof Error ? error.message : String(error),
            ok: false,
          });
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

export function fencingReport(check: FencingCheck | null): string {
  if (!check) return '';
  const working = check.levels.filter((l) => l.ok).length;
  const parts = [`Fencing: ${working} of ${check.levels.length} levels answered`];
  parts.push(
    table(
      ['blade', 'level', 'device', 'address', 'state'],
      check.levels.map((l) => [l.blade, l.level, l.device, l.address, l.state]),
    ),
  );
  const weak = Object.entries(check.weak);
  if (weak.length > 0)
    parts.push(`fewer than two working fencing levels: ${weak.map(([b, n]) => `${b} (${n})`).join(', ')}`);
  return `${parts.join('\n')}\n\n`;
}
