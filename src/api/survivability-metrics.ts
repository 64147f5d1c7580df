// Prometheus gauges of the survivability report the monitor keeps: read at scrape time, never computed there.
import { Gauge, type Registry } from 'prom-client';
import type { SurvivabilityMonitor } from './survivability-monitor.js';

export function registerSurvivabilityGauges(registry: Registry, monitor: SurvivabilityMonitor): void {
  const registers = [registry];
  new Gauge({
    name: 'cascade_survivable_failures',
    help: 'The largest K such that every combination of up to K failures of this domain kind is survived',
    labelNames: ['domain'],
    registers,
    collect: async function (this: Gauge<'domain'>) {
      const { report } = await monitor.current();
      this.reset();
      for (const kind of report.kinds) this.set({ domain: kind.kind }, kind.survives);
    },
  });
  new Gauge({
    name: 'cascade_unprotected_workloads',
    help: 'Running workloads that no standby blade could ever take (no blade in the pool offers their attributes)',
    registers,
    collect: async function (this: Gauge) {
      this.set((await monitor.current()).report.unprotected.length);
    },
  });
}
