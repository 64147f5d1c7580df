// The headline (workloads first: running, down, impaired, unprotected; then blades) and the alarm banner at the
// top of the page, both from /api/v1/status. A banner no one can miss: red for critical, always above the fold.
import type { AlarmItem, StatusView } from './api-types.js';
import { button, fill, h } from './dom.js';
import { clock, duration } from './format.js';

export function renderHeadline(el: HTMLElement, s: StatusView | null): void {
  if (s === null) return;
  const w = s.workloads;
  const b = s.blades;
  const count = (label: string, n: number, tone: string, field: string): HTMLElement =>
    h(
      'div',
      { class: `count tone-${n > 0 ? tone : 'quiet'}`, 'data-count': field, 'data-value': n },
      h('span', { class: 'count-n' }, String(n)),
      h('span', { class: 'count-label' }, label),
    );
  fill(
    el,
    h('p', { class: `headline-summary ${w.down > 0 ? 'tone-down' : 'tone-ok'}`, id: 'headline-summary' }, s.summary),
    h(
      'div',
      { class: 'counts' },
      count('running', w.running, 'ok', 'running'),
      count('down', w.down, 'down', 'down'),
      count('impaired', w.impaired, 'warn', 'impaired'),
      count('unprotected', w.unprotected, 'warn', 'unprotected'),
    ),
    h(
      'p',
      { class: 'muted', id: 'blade-summary' },
      `Blades: ${b.total} · ${b.active} active · ${b.standby} standby · ${b.failed} failed · ${b.maintenance} in maintenance · pool ${s.pool.eligible}`,
    ),
    s.down.length > 0
      ? h(
          'ul',
          { class: 'down-list', id: 'down-list' },
          ...s.down.map((d) =>
            h(
              'li',
              { 'data-down': d.workload },
              h('strong', {}, d.workload),
              ` ${d.state === 'pending' ? 'pending' : 'failing over'}${d.forMs === null ? '' : ` for ${duration(d.forMs)}`}: `,
              h('span', { class: 'reason' }, d.reason),
            ),
          ),
        )
      : null,
    s.survivability ? h('p', { class: 'muted' }, `Survivability: ${s.survivability.verdict}`) : null,
  );
}

export function renderBanner(
  el: HTMLElement,
  alarms: readonly AlarmItem[],
  canAct: boolean,
  onAck: (id: string) => void,
): void {
  el.hidden = alarms.length === 0;
  const critical = alarms.some((a) => a.severity === 'critical');
  el.className = `banner ${critical ? 'banner-critical' : 'banner-warning'}`;
  fill(
    el,
    h('strong', { class: 'banner-title' }, `${alarms.length} open alarm${alarms.length === 1 ? '' : 's'}`),
    h(
      'ul',
      {},
      ...alarms
        .slice(0, 8)
        .map((a) =>
          h(
            'li',
            { 'data-alarm': a.id, 'data-severity': a.severity },
            h('span', { class: 'alarm-severity' }, a.severity),
            ' ',
            h('span', { class: 'alarm-message' }, a.message),
            h('span', { class: 'muted' }, ` · since ${clock(a.raisedAt)}`),
            a.acknowledgedBy !== null
              ? h('span', { class: 'muted' }, ` · acknowledged by ${a.acknowledgedBy}`)
              : canAct
                ? button('Acknowledge', { class: 'secondary small', 'data-ack': a.id }, () => onAck(a.id))
                : null,
          ),
        ),
    ),
    alarms.length > 8 ? h('p', {}, `and ${alarms.length - 8} more: cascade alarms lists them all`) : null,
  );
}
