// Cascade windows: when cascades may run (policy.cascadeWindows), as "DAYS HH:MM-HH:MM" in UTC, like a crontab's
// day-of-week and hour fields. Outside every window cascades are proposed, not run; failovers never wait.

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** The shape the policy schema checks first; parseWindow then checks the values. */
export const WINDOW_PATTERN =
  /^(\*|[a-z]{3}(-[a-z]{3})?(,[a-z]{3}(-[a-z]{3})?)*) ([0-9]{2}):([0-9]{2})-([0-9]{2}):([0-9]{2})$/;

export interface CascadeWindow {
  /** Days (0 = Sunday) on which the window opens. */
  readonly days: ReadonlySet<number>;
  /** Minutes after midnight UTC; an end at or before the start runs past midnight into the next day. */
  readonly start: number;
  readonly end: number;
}

/** "mon-fri 22:00-06:00", "sat,sun 00:00-24:00", "* 01:00-05:00"; null when it is not one. */
export function parseWindow(text: string): CascadeWindow | null {
  const match = WINDOW_PATTERN.exec(text);
  if (match === null) return null;
  const days = new Set<number>();
  if (match[1] === '*') for (let d = 0; d < 7; d++) days.add(d);
  else {
    for (const part of match[1]!.split(',')) {
      const [first, last = first] = part.split('-') as [string, string?];
      const from = DAYS.indexOf(first as (typeof DAYS)[number]);
      const to = DAYS.indexOf(last as (typeof DAYS)[number]);
      if (from < 0 || to < 0) return null;
      // mon-fri, and fri-mon across the week's end.
      for (let d = from; ; d = (d + 1) % 7) {
        days.add(d);
        if (d === to) break;
      }
    }
  }
  const start = minutes(match[5]!, match[6]!);
  const end = minutes(match[7]!, match[8]!);
  if (start === null || end === null || start === 24 * 60) return null;
  return { days, start, end };
}

function minutes(hours: string, mins: string): number | null {
  const h = Number(hours);
  const m = Number(mins);
  if (m > 59 || h > 24 || (h === 24 && m !== 0)) return null;
  return h * 60 + m;
}

function parseAll(windows: readonly string[]): CascadeWindow[] {
  return windows.map((w) => parseWindow(w)).filter((w): w is CascadeWindow => w !== null);
}

/** Whether cascades may run at `nowMs` (ms since the epoch, UTC): always with no windows. */
export function cascadesOpen(windows: readonly string[] | undefined, nowMs: number): boolean {
  if (windows === undefined || windows.length === 0) return true;
  const day = Math.floor(nowMs / DAY_MS);
  const minute = Math.floor((nowMs - day * DAY_MS) / MINUTE_MS);
  const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday.
  const yesterday = (weekday + 6) % 7;
  for (const w of parseAll(windows)) {
    const wraps = w.end <= w.start;
    if (w.days.has(weekday) && minute >= w.start && (wraps || minute < w.end)) return true;
    if (wraps && w.days.has(yesterday) && minute < w.end) return true;
  }
  return false;
}

/** When the next window opens after `nowMs`, or null with no windows (or none that ever opens). */
export function nextOpening(windows: readonly string[] | undefined, nowMs: number): number | null {
  if (windows === undefined || windows.length === 0) return null;
  const today = Math.floor(nowMs / DAY_MS);
  let best: number | null = null;
  for (const w of parseAll(windows)) {
    for (let offset = 0; offset <= 7; offset++) {
      const day = today + offset;
      if (!w.days.has((day + 4) % 7)) continue;
      const at = day * DAY_MS + w.start * MINUTE_MS;
      if (at > nowMs && (best === null || at < best)) best = at;
    }
  }
  return best;
}
