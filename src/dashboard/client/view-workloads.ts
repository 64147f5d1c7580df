// Workloads: requirements, the blade each runs on and its fit there; each opens its history.
import type { Workload } from './api-types.js';
import { button, fill, h, table } from './dom.js';
import { fitClass, fitText, resourcesText } from './format.js';

export function renderWorkloads(
  el: HTMLElement,
  workloads: readonly Workload[],
  onHistory: (id: string) => void,
): void {
  const shown = workloads.filter((w) => w.state !== 'finished');
  const rows = shown.map((w) =>
    h(
      'tr',
      { 'data-workload': w.id, 'data-state': w.state },
      h('td', { 'data-field': 'id' }, h('strong', {}, w.id)),
      h('td', { 'data-field': 'state' }, h('span', { class: `status status-${w.state}` }, w.state)),
      h('td', { 'data-field': 'blade' }, w.blade ?? '—'),
      h(
        'td',
        { 'data-field': 'fit', class: w.fit ? `fit-text fit-${fitClass(w.fit)}` : '' },
        w.state === 'pending' ? (w.pendingReason ?? 'pending') : fitText(w.fit),
      ),
      h('td', { 'data-field': 'requirements', class: 'wrap' }, resourcesText(w.requirements)),
      h('td', { class: 'num' }, String(w.priority)),
      h('td', {}, w.source),
      h(
        'td',
        {},
        button('History', { class: 'link', 'data-history': w.id }, () => onHistory(w.id)),
      ),
    ),
  );
  const finished = workloads.length - shown.length;
  fill(
    el,
    table(['workload', 'state', 'blade', 'fit', 'requirements', 'priority', 'source', ''], rows, 'No workloads.'),
    finished > 0 ? h('p', { class: 'muted' }, `${finished} finished workload(s) not shown.`) : null,
  );
}
