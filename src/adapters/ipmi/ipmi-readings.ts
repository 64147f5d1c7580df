// Reads ipmitool's chassis status, sensor (SDR) and event log (SEL) output, and judges a blade's health from them.
// Pure: the tests feed it captured output.
import type { Health, PowerState } from '../../ports/hardware.js';

export interface ChassisStatus {
  readonly power: PowerState;
  /** Fault flags the BMC raised, by ipmitool's label (Main Power Fault, Cooling/Fan Fault, ...). */
  readonly faults: readonly string[];
}

/** A fault that stops the blade or its power control (then it cannot even be fenced) is critical; the rest warn. */
const CRITICAL_FAULTS = ['Power Overload', 'Main Power Fault', 'Power Control Fault'];
const WARNING_FAULTS = ['Drive Fault', 'Cooling/Fan Fault'];

export function parseChassisStatus(text: string): ChassisStatus | null {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    if (at > 0) fields.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  const power = fields.get('System Power');
  if (power !== 'on' && power !== 'off') return null;
  const faults = [...CRITICAL_FAULTS, ...WARNING_FAULTS].filter((label) => fields.get(label) === 'true');
  if (fields.get('Power Interlock') === 'active') faults.push('Power Interlock');
  return { power, faults };
}

export interface SensorReading {
  readonly name: string;
  /** ipmitool's status: ok, ns (no reading), unc/ucr/unr, lnc/lcr/lnr (upper/lower non-critical, critical, non-recoverable). */
  readonly status: string;
  readonly reading: string;
}

/** `sdr elist`: Name | Number | Status | Entity | Reading. */
export function parseSdr(text: string): SensorReading[] {
  const sensors: SensorReading[] = [];
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 5 || !cells[0]) continue;
    sensors.push({ name: cells[0], status: cells[2] ?? '', reading: cells[4] ?? '' });
  }
  return sensors;
}

export interface SelEntry {
  readonly id: string;
  readonly when: string;
  readonly sensor: string;
  readonly event: string;
  readonly direction: string;
}

/** `sel elist`: Id | Date | Time | Sensor | Event | Asserted/Deasserted | Detail. */
export function parseSel(text: string): SelEntry[] {
  const entries: SelEntry[] = [];
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 5 || !/^[0-9a-f]+$/i.test(cells[0] ?? '')) continue;
    entries.push({
      id: cells[0] ?? '',
      when: `${cells[1] ?? ''} ${cells[2] ?? ''}`.trim(),
      sensor: cells[3] ?? '',
      event: cells[4] ?? '',
      direction: cells[5] ?? '',
    });
  }
  return entries;
}

export interface HealthJudgement {
  readonly health: Exclude<Health, 'unreachable'>;
  /** Why, for the operator: the faults and the sensors out of range. */
  readonly reasons: readonly string[];
}

/** The worst of the chassis faults and the sensors: a non-recoverable or critical reading is critical. */
export function judgeHealth(chassis: ChassisStatus, sensors: readonly SensorReading[]): HealthJudgement {
  const critical: string[] = chassis.faults.filter((f) => CRITICAL_FAULTS.includes(f));
  const warning: string[] = chassis.faults.filter((f) => !CRITICAL_FAULTS.includes(f));
  for (const s of sensors) {
    const said = `${s.name} ${s.status}${s.reading ? ` (${s.reading})` : ''}`;
    if (/^(u|l)?(cr|nr)$/.test(s.status)) critical.push(said);
    else if (/^(u|l)?nc$/.test(s.status)) warning.push(said);
  }
  if (critical.length > 0) return { health: 'critical', reasons: [...critical, ...warning] };
  if (warning.length > 0) return { health: 'warning', reasons: warning };
  return { health: 'ok', reasons: [] };
}
