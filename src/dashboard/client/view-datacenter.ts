// The data center at a glance: each chassis an enclosure with its blades in their slots, colored by state
// (active, standby, failed, maintenance, or transferring while a transfer touches it) and by the fit of the
// workload on it (exact, surplus, deficit).
import type { Blade, Fit, Transfer, TransferDetail, Workload } from './api-types.js';
import { fill, h } from './dom.js';
import { fitClass, fitText, resourcesText } from './format.js';

export type DisplayState = Blade['state'] | 'transferring';

const STATES: readonly [DisplayState, string][] = [
  ['active', 'active'],
  ['standby', 'standby'],
  ['transferring', 'transferring'],
  ['failed', 'failed'],
  ['maintenance', 'maintenance'],
];
const FITS: readonly [string, string][] = [
  ['exact', 'exact fit'],
  ['surplus', 'surplus (wasted resources)'],
  ['deficit', 'deficit (runs impaired)'],
];

export function renderLegend(el: HTMLElement): void {
  fill(
    el,
    h('span', { class: 'legend-title' }, 'State'),
    ...STATES.map(([state, label]) =>
      h('span', { class: `legend-item state-${state}` }, h('span', { class: 'swatch' }), label),
    ),
    h('span', { class: 'legend-title' }, 'Fit'),
    ...FITS.map(([fit, label]) =>
      h('span', { class: `legend-item fit-${fit}` }, h('span', { class: 'fit-swatch' }), label),
    ),
  );
}

export function displayState(blade: Blade, open: readonly TransferDetail[]): DisplayState {
  if (blade.state === 'failed' || blade.state === 'maintenance') return blade.state;
  return open.some((t) => t.to === blade.id || t.from === blade.id) ? 'transferring' : blade.state;
}

/**
 * What a failed or drained blade had and where it went: "W1 → B" after its failover, "W1 down" while the
 * workload waits for a blade, from the open and the latest transfers and the pending workloads.
 */
export function departures(
  workloads: readonly Workload[],
  open: readonly TransferDetail[],
  recent: readonly Transfer[],
): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of [...recent].reverse())
    if (t.from !== null && t.status === 'done') out.set(t.from, `${t.workload} → ${t.to}`);
  for (const t of open) if (t.from !== null) out.set(t.from, `${t.workload} → ${t.to}…`);
  for (const w of workloads) if (w.state === 'pending' && w.blade !== null) out.set(w.blade, `${w.id} down`);
  return out;
}

export function renderDataCenter(
  el: HTMLElement,
  blades: readonly Blade[],
  workloads: readonly Workload[],
  open: readonly TransferDetail[],
  onPick: (blade: string) => void,
  recent: readonly Transfer[] = [],
): void {
  const gone = departures(workloads, open, recent);
  // The blade list and the open transfers are read separately: a transfer's target shows its workload either way.
  const incoming = new Map(open.map((t) => [t.to, t.workload]));
  const fitOf = new Map<string, Fit>();
  for (const w of workloads)
    if (w.blade !== null && w.fit !== null && (w.state === 'running' || w.state === 'transferring'))
      fitOf.set(w.blade, w.fit);
  const chassis = new Map<string, Blade[]>();
  for (const b of blades) {
    const key = b.location?.chassis ?? '';
    chassis.set(key, [...(chassis.get(key) ?? []), b]);
  }
  const names = [...chassis.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)));
  if (names.length === 0) {
    fill(el, h('p', { class: 'empty' }, 'No blades yet.'));
    return;
  }
  fill(
    el,
    ...names.map((name) => {
      const members = (chassis.get(name) ?? [])
        .slice()
        .sort((a, b) => (a.location?.slot ?? 0) - (b.location?.slot ?? 0) || a.id.localeCompare(b.id));
      return h(
        'figure',
        { class: 'enclosure', 'data-chassis': name },
        h(
          'figcaption',
          {},
          name === '' ? 'Not in a chassis' : `Chassis ${name}`,
          h('span', { class: 'muted' }, ` · ${members.length} blades`),
        ),
        h(
          'div',
          { class: 'slots' },
          ...members.map((b) =>
            slot(
              b,
              b.workload ?? incoming.get(b.id) ?? null,
              displayState(b, open),
              fitOf.get(b.id) ?? null,
              onPick,
              b.state === 'failed' || b.state === 'maintenance' ? (gone.get(b.id) ?? null) : null,
            ),
          ),
        ),
      );
    }),
  );
}

function slot(
  b: Blade,
  workload: string | null,
  state: DisplayState,
  fit: Fit | null,
  onPick: (blade: string) => void,
  departed: string | null,
): HTMLButtonElement {
  const fc = fit === null ? 'none' : fitClass(fit);
  const title = [
    `${b.id}${b.name ? ` (${b.name})` : ''}: ${state}`,
    ...(b.location?.label ? [b.location.label] : []),
    `health ${b.health}, power ${b.power}`,
    workload ? `workload ${workload}: ${fitText(fit)}` : departed ? `had ${departed}` : 'no workload',
    resourcesText(b.resources),
  ].join('\n');
  const el = h(
    'button',
    {
      type: 'button',
      class: `slot state-${state} fit-${fc}`,
      'data-blade': b.id,
      'data-state': state,
      'data-fit': fc,
      'data-workload': workload ?? '',
      'data-departed': departed ?? '',
      title,
      'aria-label': title.replace(/\n/g, '; '),
    },
    h('span', { class: 'slot-no' }, b.location ? String(b.location.slot) : ''),
    h('span', { class: 'slot-id' }, b.id, b.name ? h('span', { class: 'slot-name muted' }, ` ${b.name}`) : null),
    h('span', { class: 'slot-workload' }, workload ?? departed ?? '—'),
    b.health !== 'ok' ? h('span', { class: `slot-health health-${b.health}` }, b.health) : null,
  );
  el.addEventListener('click', () => onPick(b.id));
  return el;
}
