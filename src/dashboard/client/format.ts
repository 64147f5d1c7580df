// How numbers, fits, resources and times read on the page.
import type { Fit, Resources, RunnerUp } from './api-types.js';

export type FitClass = 'exact' | 'surplus' | 'deficit' | 'infeasible';

/** DESIGN section 3: less deficit first, then less surplus; exact is neither. */
export function fitClass(fit: Fit): FitClass {
  if (!fit.feasible) return 'infeasible';
  if (fit.deficit > 1e-9) return 'deficit';
  if (fit.surplus > 1e-9) return 'surplus';
  return 'exact';
}

export function num(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2).replace(/\.?0+$/, '');
}

export function fitText(fit: Fit | null): string {
  if (fit === null) return '—';
  const c = fitClass(fit);
  if (c === 'infeasible')
    return `infeasible (${fit.mismatches
      .filter((m) => m.kind === 'attribute')
      .map((m) => `${m.key} ${String(m.offered ?? 'none')} ≠ ${String(m.required)}`)
      .join(', ')})`;
  if (c === 'exact') return 'exact';
  if (c === 'deficit') return `deficit ${num(fit.deficit)}${fit.surplus > 1e-9 ? `, surplus ${num(fit.surplus)}` : ''}`;
  return `surplus ${num(fit.surplus)}`;
}

export function resourcesText(r: Resources): string {
  return Object.entries(r)
    .map(([k, v]) => `${k} ${typeof v === 'number' ? num(v) : v}`)
    .join(' · ');
}

/** Local time of day; with milliseconds where the order of close events matters (the log). */
export function clock(ms: number, precise = false): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${precise ? `.${pad(d.getMilliseconds(), 3)}` : ''}`;
}

export function duration(ms: number | null): string {
  if (ms === null) return '…';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const LOST: Readonly<Record<RunnerUp['lost'], string>> = {
  infeasible: 'infeasible: an attribute differs',
  'worse-fit': 'worse fit',
  'tie-break': 'as good, lost the tie-break (smaller blade, then lower id)',
  taken: 'better alone, but the joint optimum gave it to',
  'not-worthwhile': 'not better by the policy’s margin',
};

export function lostText(r: RunnerUp): string {
  return r.lost === 'taken' ? `${LOST.taken} ${r.takenBy ?? 'another workload'}` : LOST[r.lost];
}
