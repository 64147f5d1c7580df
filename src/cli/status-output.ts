// `cascade status` as text, modelled on crm_mon: the verdict line, workloads before blades, what is down first.
import type { OperatorStatus } from '../api/operator-status.js';

/** 75 s -> "1m 15s"; 2 h 5 min -> "2h 5m". */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

function clock(at: number): string {
  return new Date(at).toISOString().replace('T', ' ').slice(0, 19);
}

function number(x: number | string | null): string {
  if (x === null) return 'none';
  return typeof x === 'number' ? String(Math.round(x * 1000) / 1000) : x;
}

export function printStatus(s: OperatorStatus): string {
  const w = s.workloads;
  const b = s.blades;
  const lines = [
    `Cascade status at ${clock(s.at)} UTC`,
    s.summary,
    '',
    `Workloads: ${w.total} total, ${w.running} running, ${w.down} DOWN, ${w.impaired} impaired, ${w.unprotected} unprotected`,
    `Blades:    ${b.total} total, ${b.active} active, ${b.standby} standby, ${b.failed} failed, ${b.maintenance} maintenance`,
    `Pool:      ${s.pool.eligible} standby blade(s) can take a workload${s.pool.eligible > 0 ? `: ${s.pool.blades.slice(0, 10).join(', ')}${s.pool.eligible > 10 ? ', ...' : ''}` : ''}`,
  ];
  const section = (title: string, items: readonly string[]): void => {
    if (items.length === 0) return;
    lines.push('', `${title}:`, ...items.map((i) => `  * ${i}`));
  };
  section(
    'DOWN',
    s.down.map(
      (d) =>
        `${d.workload} (priority ${d.priority}) ${d.state}${d.forMs === null ? '' : ` for ${humanDuration(d.forMs)}`}: ${d.reason}`,
    ),
  );
  section(
    'Impaired (running short)',
    s.impaired.map(
      (i) =>
        `${i.workload} on ${i.blade}: ${i.short.map((x) => `${x.key} ${number(x.offered)} of ${number(x.required)}`).join(', ')}`,
    ),
  );
  section(
    'Unprotected (no standby blade could take them)',
    s.unprotected.map((u) => `${u.workload} on ${u.blade}: needs ${u.needs}`),
  );
  section(
    'Open alarms',
    s.alarms.map((a) => {
      const ack =
        a.acknowledgedBy === null ? '' : ` [acknowledged by ${a.acknowledgedBy}${a.note ? `: ${a.note}` : ''}]`;
      return `${a.severity.toUpperCase()} ${a.id} since ${clock(a.raisedAt)}: ${a.message}${ack}`;
    }),
  );
  section(
    'Transfers in progress',
    s.transfers.map((t) => {
      const step =
        t.step === null
          ? 'not started'
          : `${t.step}${t.stepForMs === null ? '' : ` for ${humanDuration(t.stepForMs)}`}`;
      const why = t.status === 'waiting' ? `; WAITING: ${t.reason ?? 'no reason given'}` : '';
      const error = t.lastError === null ? '' : `; last error: ${t.lastError}`;
      return `${t.kind} ${t.workload} ${t.from ?? '-'} -> ${t.to}: ${step}${why}${error} (${t.id})`;
    }),
  );
  if (s.survivability) lines.push('', `Survivability: ${s.survivability.verdict}`);
  return `${lines.join('\n')}\n`;
}

export function printAlarms(items: OperatorStatus['alarms']): string {
  if (items.length === 0) return 'No alarms.\n';
  const rows = items.map((a) => {
    const state =
      a.clearedAt !== null
        ? `cleared ${clock(a.clearedAt)} by ${a.clearedBy ?? '?'}`
        : a.acknowledgedBy !== null
          ? `acknowledged by ${a.acknowledgedBy}`
          : 'OPEN';
    return `${a.severity.toUpperCase().padEnd(8)} ${a.id}\n         raised ${clock(a.raisedAt)} by ${a.raisedBy}; ${state}\n         ${a.message}${a.note ? `\n         note: ${a.note}` : ''}`;
  });
  return `${rows.join('\n')}\n`;
}
