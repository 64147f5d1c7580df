// The signed-in page: loads everything once, follows the event stream, and re-renders only the parts whose
// data changed. Never a reload: a live page keeps its scroll position, its open dialog and its filters.
import { ApiFailure, type ApiClient } from './api.js';
import type { Session } from './api-types.js';
import { Detail } from './detail.js';
import { byId, fill, h } from './dom.js';
import { EventStream, type StreamState } from './event-stream.js';
import { LiveData, type Change } from './live-data.js';
import { renderDataCenter, renderLegend } from './view-datacenter.js';
import { renderEvents, type EventFilter } from './view-events.js';
import { renderCandidates, renderPool, renderProposals } from './view-planning.js';
import { SurvivabilityPanel } from './view-survivability.js';
import { renderOpenTransfers, renderRecentTransfers } from './view-transfers.js';
import { renderWorkloads } from './view-workloads.js';
import { renderBanner, renderHeadline } from './view-status.js';
import { WhatIf } from './view-whatif.js';

export class Dashboard {
  private readonly live: LiveData;
  private readonly detail: Detail;
  private readonly whatIf: WhatIf;
  private readonly survivability: SurvivabilityPanel;
  private stream: EventStream | null = null;
  private wasLive = false;
  private filter: EventFilter = { kind: '', text: '', checkpoints: false };
  /** Removes this page's listeners on sign-out, so a later sign-in starts clean. */
  private readonly listeners = new AbortController();

  constructor(
    private readonly api: ApiClient,
    private readonly session: Session,
  ) {
    this.live = new LiveData(
      api,
      (changed) => this.render(changed),
      (error) => this.problem(error),
    );
    this.detail = new Detail(
      byId<HTMLDialogElement>('detail'),
      byId('detail-body'),
      api,
      session,
      this.listeners.signal,
      {
        acted: () => this.live.invalidate(),
        addToWhatIf: (blade) => {
          this.whatIf.pick(blade);
          byId('whatif').scrollIntoView({ behavior: 'smooth', block: 'start' });
        },
      },
    );
    this.whatIf = new WhatIf({ picker: byId('whatif-picker'), result: byId('whatif-result') }, api);
    this.survivability = new SurvivabilityPanel(byId('survivability-panel'), api);
    this.bindFilters();
  }

  async start(): Promise<void> {
    fill(
      byId('who'),
      `${this.session.name} · ${this.session.role}${this.session.emulator ? ' · emulated data center' : ''}`,
    );
    byId('dashboard').dataset['role'] = this.session.role;
    renderLegend(byId('legend'));
    await this.live.loadAll();
    this.stream = new EventStream({
      bearer: this.api.bearer,
      after: this.live.lastSeq(),
      onEvent: (e) => this.live.event(e),
      onState: (state) => this.streamState(state),
      onUnauthorized: () => this.problem(new ApiFailure(401, 'unauthenticated', 'the token is no longer valid', null)),
    });
    this.stream.start();
  }

  stop(): void {
    this.stream?.stop();
    this.live.stop();
    this.detail.stop();
    this.whatIf.stop();
    this.survivability.stop();
    this.listeners.abort();
    const dialog = byId<HTMLDialogElement>('detail');
    if (dialog.open) dialog.close();
    // Nothing of the data stays on the page once signed out.
    for (const id of [
      'alarm-banner',
      'headline',
      'enclosures',
      'open-transfers',
      'recent-transfers',
      'workload-table',
      'candidate-table',
      'pool-table',
      'proposal-table',
      'whatif-picker',
      'whatif-result',
      'survivability-panel',
      'event-table',
      'who',
      'notice',
      'detail-body',
    ])
      fill(byId(id));
  }

  private streamState(state: StreamState): void {
    const el = byId('live');
    el.dataset['state'] = state;
    fill(el, state === 'live' ? 'live' : state === 'reconnecting' ? 'reconnecting…' : 'offline');
    // Back after a drop: the stream replays what was missed, but a refetch of everything is cheap insurance.
    if (state === 'live' && this.wasLive) this.live.invalidate();
    if (state === 'live') this.wasLive = true;
  }

  private render(changed: ReadonlySet<Change>): void {
    const d = this.live.data;
    const canAct = this.session.role !== 'viewer';
    const pick = (blade: string): void => this.detail.show('blade', blade);
    const why = (id: string): void => this.detail.show('why', id);
    if (changed.has('status')) {
      renderHeadline(byId('headline'), d.status);
      renderBanner(byId('alarm-banner'), d.status?.alarms ?? [], canAct, (id) => void this.acknowledge(id));
    }
    if (changed.has('blades') || changed.has('workloads') || changed.has('transfers'))
      renderDataCenter(byId('enclosures'), d.blades, d.workloads, d.open, pick, d.recent);
    if (changed.has('transfers') || changed.has('status')) {
      renderOpenTransfers(byId('open-transfers'), d.open, why, d.status?.workloads.down ?? 0);
      renderRecentTransfers(byId('recent-transfers'), d.recent, why);
      fill(byId('open-count'), d.open.length > 0 ? String(d.open.length) : '');
    }
    if (changed.has('workloads'))
      renderWorkloads(byId('workload-table'), d.workloads, (id) => this.detail.show('workload', id));
    if (changed.has('candidates')) renderCandidates(byId('candidate-table'), d.candidates);
    if (changed.has('pool')) renderPool(byId('pool-table'), d.pool);
    if (changed.has('proposals'))
      renderProposals(byId('proposal-table'), d.proposals, canAct, (id, how) => void this.decide(id, how));
    if (changed.has('blades')) this.whatIf.setBlades(d.blades);
    // The controller recomputes survivability after every pool change; the settle refetch picks up its result.
    if (changed.has('blades') || changed.has('workloads') || changed.has('pool')) this.survivability.refresh();
    if (changed.has('events')) renderEvents(byId('event-table'), d.events, this.filter);
    if ([...changed].some((c) => c !== 'events')) void this.detail.refresh();
    fill(byId('summary'), summary(d.blades.map((b) => b.state)));
  }

  private async acknowledge(id: string): Promise<void> {
    try {
      await this.api.call('POST', `/api/v1/alarms/${encodeURIComponent(id)}/acknowledge`, {});
      this.notice(`Alarm ${id} acknowledged.`, false);
    } catch (error) {
      this.problem(error);
    }
    this.live.invalidate(['status']);
  }

  private async decide(id: number, how: 'approve' | 'reject'): Promise<void> {
    if (
      how === 'reject' &&
      !window.confirm(`Reject proposal #${id}? That move is not proposed again while the workload stays where it is.`)
    )
      return;
    try {
      await this.api.call('POST', `/api/v1/proposals/${id}/${how}`, how === 'reject' ? {} : undefined);
      this.notice(`Proposal #${id} ${how === 'approve' ? 'approved' : 'rejected'}.`, false);
    } catch (error) {
      this.problem(error);
    }
    this.live.invalidate(['proposals', 'transfers']);
  }

  private bindFilters(): void {
    const kind = byId<HTMLSelectElement>('event-kind');
    const text = byId<HTMLInputElement>('event-text');
    const checkpoints = byId<HTMLInputElement>('event-checkpoints');
    const update = (): void => {
      this.filter = { kind: kind.value, text: text.value, checkpoints: checkpoints.checked };
      renderEvents(byId('event-table'), this.live.data.events, this.filter);
    };
    const signal = this.listeners.signal;
    kind.addEventListener('change', update, { signal });
    text.addEventListener('input', update, { signal });
    checkpoints.addEventListener('change', update, { signal });
  }

  private problem(error: unknown): void {
    if (error instanceof ApiFailure && error.status === 401) return; // the login page takes over
    this.notice(error instanceof Error ? error.message : String(error), true);
  }

  private notice(text: string, error: boolean): void {
    const el = byId('notice');
    el.className = error ? 'error' : 'ok';
    fill(el, text);
  }
}

function summary(states: readonly string[]): HTMLElement {
  const count = (s: string): number => states.filter((x) => x === s).length;
  return h(
    'span',
    {},
    `${states.length} blades: ${count('active')} active, ${count('standby')} standby, ${count('failed')} failed, ${count('maintenance')} in maintenance`,
  );
}
