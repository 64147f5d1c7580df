// What-if: pick blades, and the planner says what would happen if they failed now (POST /api/v1/plan);
// nothing is executed.
import type { ApiClient } from './api.js';
import type { Blade, Plan, Placement } from './api-types.js';
import { button, fill, h, table } from './dom.js';
import { excludedList } from './excluded-list.js';
import { fitClass, fitText, lostText, num } from './format.js';

export class WhatIf {
  private readonly picked = new Set<string>();
  private stopped = false;
  private blades: readonly Blade[] = [];

  constructor(
    private readonly el: { readonly picker: HTMLElement; readonly result: HTMLElement },
    private readonly api: ApiClient,
  ) {}

  /** Signed out: a plan still on its way is not shown. */
  stop(): void {
    this.stopped = true;
  }

  setBlades(blades: readonly Blade[]): void {
    this.blades = blades;
    for (const id of [...this.picked]) if (!blades.some((b) => b.id === id)) this.picked.delete(id);
    this.renderPicker();
  }

  pick(id: string): void {
    this.picked.add(id);
    this.renderPicker();
  }

  private renderPicker(): void {
    const select = h(
      'select',
      { id: 'whatif-blade', 'aria-label': 'blade to add' },
      ...this.blades
        .filter((b) => !this.picked.has(b.id) && b.state !== 'failed')
        .map((b) => h('option', { value: b.id }, `${b.id} (${b.state}${b.workload ? `, ${b.workload}` : ''})`)),
    );
    fill(
      this.el.picker,
      h('label', { for: 'whatif-blade' }, 'If these blades failed now: '),
      select,
      button('Add', { class: 'secondary', 'data-whatif': 'add' }, () => select.value && this.pick(select.value)),
      h(
        'span',
        { class: 'chips' },
        ...[...this.picked].map((id) =>
          button(`${id} ×`, { class: 'chip', title: `remove ${id}` }, () => {
            this.picked.delete(id);
            this.renderPicker();
          }),
        ),
      ),
      button('Plan', { 'data-whatif': 'plan', disabled: this.picked.size === 0 }, () => void this.plan()),
    );
  }

  private async plan(): Promise<void> {
    fill(this.el.result, h('p', { class: 'muted' }, 'Planning…'));
    try {
      const plan = await this.api.call<Plan>('POST', '/api/v1/plan', { fail: [...this.picked] });
      if (!this.stopped) this.renderPlan(plan);
    } catch (error) {
      if (!this.stopped)
        fill(this.el.result, h('p', { class: 'error' }, error instanceof Error ? error.message : String(error)));
    }
  }

  private renderPlan(plan: Plan): void {
    const row = (p: Placement, saving?: number) =>
      h(
        'tr',
        { 'data-plan-workload': p.workload },
        h('td', {}, p.workload),
        h('td', {}, p.kind),
        h('td', {}, `${p.from ?? '—'} → ${p.to}`),
        h('td', { class: `fit-text fit-${fitClass(p.after)}` }, fitText(p.after)),
        h(
          'td',
          { class: 'wrap' },
          p.runnersUp.length === 0
            ? '—'
            : p.runnersUp.map((r) => `${r.blade}: ${fitText(r.fit)}, ${lostText(r)}`).join('; '),
        ),
        h('td', { class: 'num' }, saving === undefined ? '' : num(saving)),
      );
    const headers = ['workload', 'kind', 'from → to', 'fit', 'runners-up', 'saving'];
    fill(
      this.el.result,
      h('h4', {}, `Failovers if ${plan.fail.join(', ')} failed`),
      table(
        headers,
        plan.placements.map((p) => row(p)),
        'No workload would move: these blades host none.',
      ),
      plan.pending.length > 0
        ? h(
            'ul',
            { class: 'pending' },
            ...plan.pending.map((p) => h('li', {}, `${p.workload} would be pending: ${p.reason} (${p.detail})`)),
          )
        : null,
      ...plan.rounds.map((round, i) =>
        h(
          'div',
          {},
          h('h4', {}, `Cascade round ${i + 1}`),
          table(
            headers,
            round.map((m) => row(m, m.saving)),
            '',
          ),
        ),
      ),
      plan.truncated ? h('p', { class: 'muted' }, 'More rounds follow (truncated).') : null,
      h('p', { class: 'muted' }, `Standby pool afterwards: ${plan.pool.length === 0 ? 'empty' : plan.pool.join(', ')}`),
      excludedList(plan.excluded, 'Not targets for these failovers', 'Every blade could take a workload.'),
    );
  }
}
