// The blades left out as targets, drawn one way for "Why?" and what-if: counts per reason first, then each blade with
// its reason under a <details>, the list bounded (a chassis loss at a large site leaves out hundreds).
import type { Exclusions } from './api-types.js';
import { h } from './dom.js';

/** How many blades the list names before "and N more". */
export const SHOWN = 50;
/** Up to this many, the list is open; more, and the counts say enough until someone asks. */
const OPEN_UP_TO = 10;

/**
 * `title` heads the section; `empty` says what no exclusion means here. Every blade carries its reason in data
 * attributes (`data-excluded`, `data-reason`), every count its reason (`data-reason-count`).
 */
export function excludedList(x: Exclusions, title: string, empty: string): HTMLElement {
  if (x.counts.length === 0)
    return h('div', { class: 'excluded' }, h('h3', {}, title), h('p', { class: 'muted' }, empty));
  const shown = x.blades.slice(0, SHOWN);
  const more = x.blades.length - shown.length;
  return h(
    'div',
    { class: 'excluded' },
    h('h3', {}, title),
    h(
      'p',
      { class: 'excluded-counts' },
      ...x.counts.flatMap((c, i) => [
        i === 0 ? null : ', ',
        h('span', { 'data-reason-count': c.reason, 'data-count': c.count }, `${c.count} ${c.reason}`),
      ]),
    ),
    x.blades.length === 0
      ? null
      : h(
          'details',
          { open: x.blades.length <= OPEN_UP_TO },
          h('summary', {}, `${x.blades.length} blade(s) not running a workload, and why`),
          h(
            'ul',
            {},
            ...shown.map((b) =>
              h('li', { 'data-excluded': b.blade, 'data-reason': b.reason }, h('strong', {}, b.blade), `: ${b.text}`),
            ),
          ),
          more > 0 ? h('p', { class: 'muted' }, `and ${more} more`) : null,
        ),
  );
}
