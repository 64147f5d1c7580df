// Transfers in progress, each with its steps as a timeline, and the latest transfers; every transfer can say
// why its blade was chosen.
import type { ExactStepSequences } from '../../wire/steps.js';
import type { Step, Transfer, TransferDetail } from './api-types.js';
import { button, fill, h, table } from './dom.js';
import { clock, duration, fitClass, fitText } from './format.js';

/** The steps each kind runs, in order (src/orchestrator/transfer-machine.ts); retries, rollbacks and unwinds show as they happen. */
const SEQUENCES: Readonly<Record<Transfer['kind'], readonly string[]>> = {
  failover: ['capture', 'fence', 'attach', 'start', 'restore', 'verify'],
  place: ['attach', 'start', 'restore', 'verify'],
  cascade: ['prepare', 'move', 'switch', 'restore', 'verify', 'release'],
} satisfies ExactStepSequences;

export function renderOpenTransfers(
  el: HTMLElement,
  open: readonly TransferDetail[],
  onWhy: (id: string) => void,
  down = 0,
): void {
  if (open.length === 0) {
    // Nothing moving is good news only while nothing is down.
    const text =
      down > 0
        ? `None, but ${down} workload(s) are down and wait for a blade: see the headline.`
        : 'None: every workload is where the planner wants it.';
    fill(el, h('p', { class: down > 0 ? 'empty error' : 'empty' }, text));
    return;
  }
  fill(
    el,
    ...open.map((t) =>
      h(
        'article',
        { class: `transfer kind-${t.kind}`, 'data-transfer': t.id, 'data-workload': t.workload },
        h(
          'header',
          {},
          h('strong', {}, t.workload),
          ` ${t.kind}${t.drain ? ' (drain)' : ''} `,
          h('span', { class: 'route' }, `${t.from ?? 'new'} → ${t.to}`),
          h('span', { class: `status status-${t.status}` }, t.status),
          button('Why this blade?', { class: 'link', 'data-why': t.id }, () => onWhy(t.id)),
        ),
        t.reason ? h('p', { class: 'reason' }, t.reason) : null,
        timeline(t),
      ),
    ),
  );
}

function timeline(t: TransferDetail): HTMLElement {
  const last = new Map<string, Step>();
  // A step being tried again still shows why the try before it failed: a stuck step says its reason.
  const lastError = new Map<string, string>();
  for (const s of t.steps) {
    last.set(s.name, s);
    if (s.error) lastError.set(s.name, s.error);
  }
  const names = [...SEQUENCES[t.kind]];
  for (const s of t.steps) if (!names.includes(s.name)) names.push(s.name);
  return h(
    'ol',
    { class: 'timeline' },
    ...names.map((name) => {
      const s = last.get(name);
      const status = s === undefined ? 'pending' : s.status === 'started' ? 'running' : s.status;
      return h(
        'li',
        { class: `step step-${status}`, 'data-step': name, 'data-status': status },
        h('span', { class: 'step-name' }, name),
        h(
          'span',
          { class: 'step-time' },
          s === undefined ? '' : `${s.attempt > 1 ? `try ${s.attempt} · ` : ''}${duration(s.durationMs)}`,
        ),
        s?.error || lastError.has(name)
          ? h('span', { class: 'step-error' }, s?.error ?? lastError.get(name) ?? '')
          : null,
      );
    }),
  );
}

export function renderRecentTransfers(el: HTMLElement, recent: readonly Transfer[], onWhy: (id: string) => void): void {
  const rows = recent.map((t) =>
    h(
      'tr',
      { 'data-transfer': t.id, 'data-kind': t.kind },
      h('td', {}, clock(t.createdAt)),
      h('td', {}, t.workload),
      h('td', {}, t.kind),
      h('td', {}, `${t.from ?? '—'} → ${t.to}`),
      h('td', { class: t.before ? `fit-text fit-${fitClass(t.before)}` : '' }, fitText(t.before)),
      h('td', { class: `fit-text fit-${fitClass(t.after)}` }, fitText(t.after)),
      h('td', {}, h('span', { class: `status status-${t.status}` }, t.status)),
      h('td', { class: 'num' }, duration(t.durationMs)),
      h(
        'td',
        {},
        button('Why?', { class: 'link', 'data-why': t.id }, () => onWhy(t.id)),
      ),
    ),
  );
  fill(
    el,
    table(
      ['started', 'workload', 'kind', 'from → to', 'fit before', 'fit after', 'status', 'took', ''],
      rows,
      'No transfer yet.',
    ),
  );
}
