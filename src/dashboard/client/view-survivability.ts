// Survivability: what the data center survives now (GET /api/v1/survivability), per failure domain, with the
// weakest combinations of failures and the workloads no standby blade could ever take.
import type { ApiClient } from './api.js';
import { fill, h, table } from './dom.js';

// The answer's shape as this panel reads it (src/api/routes/survivability.ts is the source of truth).
interface Left {
  readonly workload: string;
  readonly priority: number;
  readonly reason: string;
  readonly detail: string;
}
interface Weak {
  readonly kind: string;
  readonly domains: readonly string[];
  readonly represents: number;
  readonly left: readonly Left[];
}
interface Level {
  readonly k: number;
  readonly combinations: number;
  readonly checked: number;
  readonly prunedBySymmetry: number;
  readonly prunedByBound: number;
  readonly failed: number;
  readonly complete: boolean;
}
interface KindResult {
  readonly kind: string;
  readonly domains: number;
  readonly survives: number;
  readonly levels: readonly Level[];
  readonly weakest: readonly Weak[];
}
interface Unprotected {
  readonly workload: string;
  readonly priority: number;
  readonly blade: string;
  readonly needs: string;
}
interface Report {
  readonly k: number;
  readonly verdict: string;
  readonly kinds: readonly KindResult[];
  readonly unprotected: readonly Unprotected[];
}

const count = (n: number): string => n.toLocaleString('en-US');

function levelText(l: Level): string {
  if (!l.complete) return `K=${l.k}: too many to check`;
  return `K=${l.k}: ${count(l.combinations)} combinations, ${count(l.checked)} checked, ${count(l.failed)} fail`;
}

export class SurvivabilityPanel {
  private stopped = false;
  private inflight: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly el: HTMLElement,
    private readonly api: ApiClient,
  ) {}

  stop(): void {
    this.stopped = true;
  }

  /** Refetches the report; calls while one is on its way make one more after it. */
  refresh(): void {
    if (this.inflight !== null) {
      this.again = true;
      return;
    }
    this.inflight = this.api
      .get<{ report: Report }>('/api/v1/survivability')
      .then(({ report }) => {
        if (!this.stopped) this.render(report);
      })
      .catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        if (!this.stopped) fill(this.el, h('p', { class: 'error' }, `survivability: ${message}`));
      })
      .finally(() => {
        this.inflight = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.refresh();
        }
      });
  }

  private render(report: Report): void {
    const worst = report.kinds.every((k) => k.survives >= report.k) && report.unprotected.length === 0 ? 'ok' : 'weak';
    const levels = report.kinds.map((k) =>
      h(
        'tr',
        { 'data-domain': k.kind, 'data-survives': k.survives },
        h('td', {}, k.kind),
        h('td', { class: 'num' }, k.domains),
        h('td', { class: 'num' }, `${k.survives} of ${report.k}`),
        h('td', { class: 'wrap' }, k.levels.map(levelText).join(' · ')),
      ),
    );
    const weakest = report.kinds
      .flatMap((k) => k.weakest)
      .sort((a, b) => a.domains.length - b.domains.length || b.left.length - a.left.length)
      .slice(0, 5);
    const weakRows = weakest.map((w) => {
      const first = w.left[0];
      return h(
        'tr',
        { 'data-combination': w.domains.join('+') },
        h(
          'td',
          {},
          w.domains.map((d) => `${w.kind} ${d}`).join(' + '),
          w.represents > 1 ? h('span', { class: 'muted' }, ` (and ${count(w.represents - 1)} like it)`) : null,
        ),
        h('td', { class: 'num' }, w.left.length),
        h('td', { class: 'wrap' }, first ? `${first.workload} (priority ${first.priority}): ${first.detail}` : ''),
      );
    });
    const unprotected = report.unprotected
      .slice(0, 10)
      .map((u) =>
        h(
          'tr',
          { 'data-unprotected': u.workload },
          h('td', {}, u.workload),
          h('td', {}, u.blade),
          h('td', { class: 'num' }, u.priority),
          h('td', {}, u.needs),
        ),
      );
    fill(
      this.el,
      h('p', { id: 'survivability-verdict', class: `verdict verdict-${worst}` }, report.verdict),
      table(['domain', 'domains', 'survives', 'combinations'], levels, 'No failure domain to check.'),
      h('h3', {}, 'Weakest combinations'),
      table(['failing together', 'left without a blade', 'first of them'], weakRows, `All survived up to ${report.k}.`),
      h('h3', {}, 'Unprotected workloads'),
      table(['workload', 'blade', 'priority', 'needs'], unprotected, 'None: each has a standby blade that fits it.'),
    );
  }
}
