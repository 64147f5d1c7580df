// One transfer's "Why this blade?": the blade chosen and the runners-up with why each lost, the blades that were no
// target at all when the round decided, and whether the round replays to the same decision.
import type { ApiClient } from './api.js';
import type { Decision } from './api-types.js';
import { h, table } from './dom.js';
import { excludedList } from './excluded-list.js';
import { clock, fitClass, fitText, lostText } from './format.js';

export async function whyView(api: ApiClient, id: string): Promise<HTMLElement> {
  const url = `/api/v1/transfers/${encodeURIComponent(id)}/decision?replay=1`;
  const d = await api.get<Decision>(url);
  const rows = [
    h(
      'tr',
      { class: 'chosen', 'data-runner': d.chosen.blade },
      h('td', {}, h('strong', {}, d.chosen.blade)),
      h('td', { class: `fit-text fit-${fitClass(d.chosen.fit)}` }, fitText(d.chosen.fit)),
      h('td', {}, 'chosen'),
    ),
    ...d.runnersUp.map((r) =>
      h(
        'tr',
        { 'data-runner': r.blade, 'data-lost': r.lost },
        h('td', {}, r.blade),
        h('td', { class: `fit-text fit-${fitClass(r.fit)}` }, fitText(r.fit)),
        h('td', {}, lostText(r)),
      ),
    ),
  ];
  const why =
    d.proposal !== null
      ? `An operator approved proposal #${d.proposal}; approved moves record no runners-up.`
      : !d.recorded
        ? 'The log no longer holds the runners-up of this decision.'
        : d.runnersUp.length === 0
          ? 'No other blade could take it: the chosen one was the only candidate.'
          : null;
  return h(
    'div',
    { 'data-detail-why': d.transfer },
    h('h2', {}, `Why ${d.chosen.blade}?`),
    h(
      'p',
      {},
      `${d.workload}: ${d.kind}${d.drain ? ' (maintenance drain)' : ''} ${d.from ?? 'new'} → ${d.chosen.blade}, decided at ${clock(d.decidedAt)}. Fit before: ${fitText(d.before)}.`,
    ),
    table(['blade', 'fit', 'outcome'], rows, ''),
    why ? h('p', { class: 'muted' }, why) : null,
    notCandidates(d),
    replayLine(d, url),
    h(
      'p',
      { class: 'muted' },
      'Fit: less deficit first, then less surplus; ties go to the smaller blade, then the lower id.',
    ),
  );
}

/** The blades the round could not consider, by the planner's eligibility rule as it stood at the decision. */
function notCandidates(d: Decision): HTMLElement {
  const x = d.excluded;
  if (!x.available)
    return h(
      'div',
      { class: 'excluded' },
      h('h3', {}, 'Not candidates'),
      h(
        'p',
        { class: 'muted', 'data-excluded-unavailable': '' },
        `Which blades were left out is not known: ${x.reason ?? 'the round is not stored'}.`,
      ),
    );
  return excludedList(x, 'Not candidates', 'Every blade was a candidate.');
}

/** Whether the round, recomputed from its stored snapshot, decided the same; links to the replay itself. */
function replayLine(d: Decision, url: string): HTMLElement | null {
  const r = d.replay;
  if (!r) return null;
  const text = !r.available
    ? `Cannot replay this decision: ${r.reason ?? 'its round is not stored'}.`
    : r.identical
      ? `Replayed from its stored round ${r.round?.hash.slice(0, 12) ?? ''}: the same decision.`
      : `Replayed from its stored round ${r.round?.hash.slice(0, 12) ?? ''}: a DIFFERENT decision (a bug; please report it).`;
  return h(
    'p',
    { class: 'muted', 'data-replay': r.available ? String(r.identical) : 'unavailable' },
    text,
    ' ',
    h('a', { href: url, target: '_blank' }, 'replay'),
  );
}
