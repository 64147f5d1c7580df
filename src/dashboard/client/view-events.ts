// The audit log, newest first, with filters by kind of event and by text (subject, actor, type).
import type { AuditEvent } from './api-types.js';
import { fill, h, table } from './dom.js';
import { clock } from './format.js';

export interface EventFilter {
  /** "blade", "transfer", ...: the part of the type before the first dot; "" for all. */
  readonly kind: string;
  readonly text: string;
  readonly checkpoints: boolean;
}

/** Shown rows: the page stays fast however busy the log. */
const SHOWN = 200;

export function matches(e: AuditEvent, f: EventFilter): boolean {
  if (!f.checkpoints && e.type === 'workload.checkpointed') return false;
  if (f.kind !== '' && e.type.split('.')[0] !== f.kind) return false;
  const text = f.text.trim().toLowerCase();
  return text === '' || [e.subject, e.actor, e.type].some((s) => s.toLowerCase().includes(text));
}

export function renderEvents(el: HTMLElement, events: readonly AuditEvent[], f: EventFilter): void {
  const shown = events
    .filter((e) => matches(e, f))
    .slice(-SHOWN)
    .reverse();
  const rows = shown.map((e) =>
    h(
      'tr',
      { 'data-seq': e.seq, 'data-type': e.type, class: `event-${e.type.split('.')[0] ?? ''}` },
      h('td', { class: 'num' }, String(e.seq)),
      h('td', {}, clock(e.at, true)),
      h('td', {}, h('code', {}, e.type)),
      h('td', {}, e.subject),
      h('td', {}, e.actor),
      h('td', { class: 'data' }, summary(e.data)),
    ),
  );
  fill(el, table(['seq', 'time', 'type', 'subject', 'actor', 'details'], rows, 'No event matches.'));
}

function summary(data: Readonly<Record<string, unknown>>): string {
  const parts = Object.entries(data)
    .filter(([k]) => k !== 'runnersUp' && k !== 'before' && k !== 'after')
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const text = parts.join(' ');
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}
