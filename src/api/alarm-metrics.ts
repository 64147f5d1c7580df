// Prometheus gauges of the open alarms, by kind and severity, read from the store at scrape time. Every kind and
// severity is exported (0 when none), so an alert rule on a series that was never non-zero still evaluates.
import { Gauge, type Registry } from 'prom-client';
import type { Store } from '../ports/store.js';
import { ALARM_KINDS } from '../wire/alarms.js';

export function registerAlarmGauges(registry: Registry, store: Store): void {
  const registers = [registry];
  const count = async (gauge: Gauge<'kind' | 'severity'>, unacknowledgedOnly: boolean): Promise<void> => {
    const open = await store.alarms({ open: true });
    gauge.reset();
    for (const kind of ALARM_KINDS) for (const severity of ['critical', 'warning']) gauge.set({ kind, severity }, 0);
    for (const a of open)
      if (!unacknowledgedOnly || a.acknowledgedAt === null) gauge.inc({ kind: a.kind, severity: a.severity });
  };
  new Gauge({
    name: 'cascade_open_alarms',
    help: 'Alarms raised and not cleared, by kind and severity',
    labelNames: ['kind', 'severity'],
    registers,
    collect: async function (this: Gauge<'kind' | 'severity'>) {
      await count(this, false);
    },
  });
  new Gauge({
    name: 'cascade_unacknowledged_alarms',
    help: 'Open alarms no operator has acknowledged, by kind and severity',
    labelNames: ['kind', 'severity'],
    registers,
    collect: async function (this: Gauge<'kind' | 'severity'>) {
      await count(this, true);
    },
  });
}
