// The planner's tables: candidates (active blades that do not fit their workload exactly, with the move the
// optimum has for each), the standby pool, and cascades awaiting approval.
import type { Blade, Candidates, Proposal } from './api-types.js';
import { button, fill, h, table } from './dom.js';
import { fitClass, fitText, num, resourcesText } from './format.js';

export function renderCandidates(el: HTMLElement, c: Candidates | null): void {
  if (c === null) return;
  const rows = c.items.map((x) =>
    h(
      'tr',
      { 'data-candidate': x.workload },
      h('td', {}, x.workload),
      h('td', {}, x.blade),
      h('td', { class: `fit-text fit-${fitClass(x.fit)}` }, fitText(x.fit)),
      h(
        'td',
        {},
        x.move
          ? `→ ${x.move.to}: ${fitText(x.fit)} → ${fitText(x.move.after)}`
          : x.frozen
            ? 'cooling down or moving'
            : 'no better blade free',
      ),
    ),
  );
  fill(
    el,
    h(
      'p',
      { class: 'muted' },
      `${c.items.length} of ${c.totals.running} running workloads do not fit exactly · total surplus ${num(c.totals.surplus)}, deficit ${num(c.totals.deficit)}`,
    ),
    table(['workload', 'blade', 'fit', 'planned move'], rows, 'Every running workload fits its blade exactly.'),
  );
}

export function renderPool(el: HTMLElement, pool: readonly Blade[]): void {
  const rows = pool.map((b) =>
    h(
      'tr',
      { 'data-pool': b.id },
      h('td', {}, b.id),
      h('td', {}, b.location ? `${b.location.chassis}/${b.location.slot}` : '—'),
      h('td', { class: 'wrap' }, resourcesText(b.resources)),
      h('td', {}, b.health),
    ),
  );
  fill(
    el,
    h('p', { class: 'muted' }, `${pool.length} standby blade(s)`),
    table(
      ['blade', 'slot', 'resources', 'health'],
      rows,
      'The standby pool is empty: a failure now would leave its workload pending.',
    ),
  );
}

export function renderProposals(
  el: HTMLElement,
  proposals: readonly Proposal[],
  canAct: boolean,
  decide: (id: number, how: 'approve' | 'reject') => void,
): void {
  const rows = proposals.map((p) =>
    h(
      'tr',
      { 'data-proposal': p.id, 'data-status': p.status },
      h('td', {}, `#${p.id}`),
      h('td', {}, p.workload),
      h('td', {}, `${p.from} → ${p.to}`),
      h('td', { class: 'wrap' }, `${fitText(p.before)} → ${fitText(p.after)}`),
      h('td', {}, h('span', { class: `status status-${p.status}` }, p.status), p.decidedBy ? ` by ${p.decidedBy}` : ''),
      h(
        'td',
        { class: 'actions' },
        canAct && p.status === 'proposed'
          ? button('Approve', { 'data-action': 'approve' }, () => decide(p.id, 'approve'))
          : null,
        canAct && p.status === 'proposed'
          ? button('Reject', { 'data-action': 'reject', class: 'secondary' }, () => decide(p.id, 'reject'))
          : null,
      ),
    ),
  );
  fill(
    el,
    table(
      ['', 'workload', 'move', 'fit now → after the move', 'status', ''],
      rows,
      'None: with policy requireApproval off, cascades start on their own.',
    ),
  );
}
