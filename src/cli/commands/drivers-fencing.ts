// `cascade drivers check`'s fencing part: every configured level of every blade read once, never fenced (a state read,
// no power change), and the blades left with fewer than two working levels named: one dead device must not leave a
// failover with no way to fence.
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../../app/config.js';
import { checkFencingLevels as checkAll, type FencingCheck } from '../../app/fencing-check.js';
import { checkFencing, type FencingSection } from '../../app/fencing-config.js';
import { CliError } from '../cli-error.js';
import { table } from '../table.js';

export function parseFencingSection(raw: unknown, file: string): FencingSection {
  const checked = checkFencing(raw, dirname(resolve(file)));
  if (!checked.ok) throw new CliError(`${file}: ${checked.message}`);
  return checked.value;
}

/** The fencing check of drivers check: a CA file that cannot be read is the site file's error, naming the field. */
export async function checkFencingLevels(
  section: FencingSection,
  bmcOk: (blade: string) => boolean | null,
): Promise<FencingCheck> {
  try {
    return await checkAll(section, bmcOk);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
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
