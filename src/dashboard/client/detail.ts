// The detail dialog: one blade with the actions the token's role allows, one workload's history, or one
// transfer's "Why this blade?". It refreshes itself while open, as the data changes.
import { ApiFailure, type ApiClient } from './api.js';
import type { Blade, BladeDetail, Session, TransferBrief, WorkloadDetail } from './api-types.js';
import { button, fill, h, table } from './dom.js';
import { clock, fitClass, fitText, resourcesText } from './format.js';
import { whyView } from './view-why.js';

type Subject = { readonly kind: 'blade' | 'workload' | 'why'; readonly id: string };

export interface DetailHooks {
  /** An action changed something: refetch. */
  readonly acted: () => void;
  readonly addToWhatIf: (blade: string) => void;
}

export class Detail {
  private subject: Subject | null = null;
  private note: { text: string; error: boolean } | null = null;
  private busy = false;

  constructor(
    private readonly dialog: HTMLDialogElement,
    private readonly body: HTMLElement,
    private readonly api: ApiClient,
    private readonly session: Session,
    signal: AbortSignal,
    private readonly hooks: DetailHooks,
  ) {
    dialog.addEventListener(
      'close',
      () => {
        this.subject = null;
      },
      { signal },
    );
  }

  /** Signed out: whatever is still loading is not shown. */
  stop(): void {
    this.subject = null;
  }

  get canAct(): boolean {
    return this.session.role !== 'viewer';
  }

  show(kind: Subject['kind'], id: string): void {
    this.subject = { kind, id };
    this.note = null;
    void this.refresh();
    if (!this.dialog.open) this.dialog.showModal();
  }

  /** Re-reads what the dialog shows, if it is open. */
  async refresh(): Promise<void> {
    const s = this.subject;
    if (!s) return;
    try {
      const content =
        s.kind === 'blade'
          ? await this.blade(s.id)
          : s.kind === 'workload'
            ? await this.workload(s.id)
            : await whyView(this.api, s.id);
      if (this.subject !== s) return; // another subject was opened meanwhile
      fill(
        this.body,
        content,
        this.note
          ? h('p', { class: this.note.error ? 'error' : 'ok', role: 'status', id: 'action-note' }, this.note.text)
          : null,
      );
    } catch (error) {
      if (this.subject === s)
        fill(this.body, h('p', { class: 'error' }, error instanceof Error ? error.message : String(error)));
    }
  }

  private async blade(id: string): Promise<HTMLElement> {
    const b = await this.api.get<BladeDetail>(`/api/v1/blades/${encodeURIComponent(id)}`);
    return h(
      'div',
      { 'data-detail-blade': b.id },
      h('h2', {}, `Blade ${b.id}`, b.name ? h('span', { class: 'muted', 'data-field': 'name' }, ` ${b.name}`) : null),
      h(
        'dl',
        {},
        ...pair('state', h('span', { class: `status status-${b.state}`, 'data-field': 'state' }, b.state)),
        ...pair('health, power', `${b.health}, ${b.power}`),
        ...pair(
          'slot',
          b.location ? `chassis ${b.location.chassis}, ${b.location.label ?? `slot ${b.location.slot}`}` : '—',
        ),
        ...pair('resources', resourcesText(b.resources)),
        ...pair('workload', b.workload ? `${b.workload}: ${fitText(b.fit)}` : '—'),
        ...pair('driver', driverText(b.endpoint)),
      ),
      // A standby blade the planner would not take now: the eligibility rule's reason, as "Why?" names it.
      b.state === 'standby' && b.notTarget
        ? h(
            'p',
            { class: 'not-target', 'data-not-target': b.notTarget.reason },
            `Not a failover target: ${b.notTarget.text}`,
          )
        : null,
      h('div', { class: 'actions' }, ...this.bladeActions(b)),
      h('h3', {}, 'Transfers'),
      transfersTable(b.transfers, (t) => this.show('why', t)),
    );
  }

  private bladeActions(b: Blade): (HTMLElement | null)[] {
    const out: (HTMLElement | null)[] = [
      button('Add to what-if', { class: 'secondary', 'data-whatif-pick': b.id }, () => {
        this.hooks.addToWhatIf(b.id);
        this.dialog.close();
      }),
    ];
    if (!this.canAct) return out; // a viewer sees no action it could not take
    const path = `/api/v1/blades/${encodeURIComponent(b.id)}`;
    const emulator = this.session.emulator;
    const drains = b.workload ? `: ${b.workload} moves to another blade first` : ': it leaves the standby pool';
    if (b.state === 'active' || b.state === 'standby')
      out.push(
        button(
          'Maintenance on',
          { 'data-action': 'maintenance-on' },
          () =>
            void this.act(
              'PUT',
              `${path}/maintenance`,
              { on: true },
              `${b.id}: maintenance on`,
              `Put ${b.id} into maintenance${drains}?`,
            ),
        ),
      );
    if (b.state === 'maintenance')
      out.push(
        button(
          'Maintenance off',
          { 'data-action': 'maintenance-off' },
          () => void this.act('PUT', `${path}/maintenance`, { on: false }, `${b.id}: maintenance off`),
        ),
      );
    const broken = b.state === 'failed' || b.state === 'maintenance' || b.health !== 'ok';
    if (emulator?.repair && broken) {
      // In the emulated data center the hardware is fixed too, or the controller would see it fail again.
      out.push(
        button(
          'Repair',
          { 'data-action': 'repair' },
          () =>
            void this.act(
              'POST',
              `/api/v1/emulator/blades/${encodeURIComponent(b.id)}/repair`,
              undefined,
              `${b.id}: repaired`,
            ),
        ),
      );
    } else if (b.state === 'failed' || b.state === 'maintenance') {
      out.push(
        button(
          'Repair',
          { 'data-action': 'repair' },
          () => void this.act('POST', `${path}/repair`, undefined, `${b.id}: back to the standby pool`),
        ),
      );
    }
    if (emulator && emulator.faults.length > 0 && b.state !== 'failed') {
      const kind = h(
        'select',
        { id: 'fault-kind', 'aria-label': 'fault' },
        ...emulator.faults.map((f) => h('option', { value: f }, f)),
      );
      out.push(
        h(
          'span',
          { class: 'fault' },
          kind,
          button(
            'Inject failure',
            { 'data-action': 'fault', class: 'danger' },
            () =>
              void this.act(
                'POST',
                `/api/v1/emulator/blades/${encodeURIComponent(b.id)}/faults`,
                { kind: kind.value },
                `${b.id}: ${kind.value} injected`,
                `Inject "${kind.value}" into ${b.id}${b.workload ? `? ${b.workload} will fail over` : '?'}`,
              ),
          ),
        ),
      );
    }
    return out;
  }

  /** Runs an action; one that takes something down (`confirm` given) asks first. */
  private async act(method: string, path: string, body: unknown, done: string, confirm?: string): Promise<void> {
    if (this.busy) return;
    if (confirm !== undefined && !window.confirm(confirm)) return;
    this.busy = true;
    try {
      const reply = await this.api.call<Record<string, unknown>>(method, path, body);
      const said = [reply['done'], reply['controller']].filter((x): x is string => typeof x === 'string');
      this.note = { text: said.length > 0 ? said.join(' · ') : done, error: false };
    } catch (error) {
      this.note = {
        text: error instanceof ApiFailure ? `${error.message} (${error.code})` : String(error),
        error: true,
      };
    } finally {
      this.busy = false;
    }
    this.hooks.acted();
    await this.refresh();
  }

  private async workload(id: string): Promise<HTMLElement> {
    const w = await this.api.get<WorkloadDetail>(`/api/v1/workloads/${encodeURIComponent(id)}`);
    return h(
      'div',
      { 'data-detail-workload': w.id },
      h('h2', {}, `Workload ${w.id}`),
      h(
        'dl',
        {},
        ...pair('state', w.state),
        ...pair('blade', w.blade ?? '—'),
        ...pair('fit', h('span', { class: w.fit ? `fit-text fit-${fitClass(w.fit)}` : '' }, fitText(w.fit))),
        ...pair('requirements', `${resourcesText(w.requirements)} (${w.source})`),
        ...pair('priority', String(w.priority)),
        ...pair(
          'checkpoint',
          w.checkpoint ? `#${w.checkpoint.sequence} on ${w.checkpoint.blade} at ${clock(w.checkpoint.takenAt)}` : '—',
        ),
        ...(w.pendingReason ? pair('pending', w.pendingReason) : []),
      ),
      h('h3', {}, 'History'),
      transfersTable(w.transfers.slice().reverse(), (t) => this.show('why', t)),
    );
  }
}

/** "redfish:https://10.0.0.5" -> "Redfish · 10.0.0.5"; a bare name ("emulator") as it is. */
export function driverText(endpoint: string): string {
  const at = endpoint.indexOf(':');
  if (at <= 0) return endpoint;
  const kind = endpoint.slice(0, at);
  const rest = endpoint.slice(at + 1);
  let name = rest;
  try {
    name = new URL(rest).host || rest;
  } catch {
    /* not a URL: the name itself */
  }
  const label: Readonly<Record<string, string>> = {
    redfish: 'Redfish',
    ipmi: 'IPMI',
    emulator: 'emulator',
    libvirt: 'libvirt',
  };
  return `${label[kind] ?? kind} · ${name}`;
}

function pair(term: string, value: string | HTMLElement): HTMLElement[] {
  return [h('dt', {}, term), h('dd', {}, value)];
}

function transfersTable(transfers: readonly TransferBrief[], onWhy: (id: string) => void): HTMLElement {
  const rows = transfers.map((t) =>
    h(
      'tr',
      { 'data-transfer': t.id },
      h('td', {}, clock(t.createdAt)),
      h('td', {}, t.kind),
      h('td', {}, `${t.from ?? '—'} → ${t.to}`),
      h('td', {}, t.status),
      h(
        'td',
        {},
        button('Why?', { class: 'link', 'data-why': t.id }, () => onWhy(t.id)),
      ),
    ),
  );
  return table(['started', 'kind', 'from → to', 'status', ''], rows, 'None.');
}
