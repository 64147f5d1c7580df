// The operator mix of a chaos run: what operators and scripts do through the API at random moments (maintenance on and
// off, repairs of any blade, withdrawals, submits of workloads the hypervisor does not know, approvals, policy changes
// within bounds, token revocation, bad bodies), each answer recorded with its status and latency for the invariants.
import { z } from 'zod';
import { createRandom } from '../sim/random.js';
import type { Schedule } from './schedule.js';
import type { Site } from './site.js';

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected an id');
const at = z.number().int().min(0).max(600_000);

export const operatorActionSchema = z.discriminatedUnion('kind', [
  z.object({ at, kind: z.literal('op-maintenance'), blade: id, on: z.boolean() }),
  z.object({ at, kind: z.literal('op-repair'), blade: id }),
  z.object({ at, kind: z.literal('op-withdraw'), workload: id }),
  z.object({ at, kind: z.literal('op-submit-unknown'), workload: id }),
  z.object({ at, kind: z.literal('op-approve'), proposal: z.number().int().min(1).max(1_000) }),
  z.object({
    at,
    kind: z.literal('op-policy'),
    minImprovement: z.number().min(0).max(1),
    maxConcurrentTransfers: z.number().int().min(1).max(8),
  }),
  z.object({ at, kind: z.literal('op-revoke-token') }),
  z.object({ at, kind: z.literal('op-bad-body'), variant: z.number().int().min(0).max(5) }),
]);

export type OperatorAction = z.infer<typeof operatorActionSchema>;
export type OperatorKind = OperatorAction['kind'];
export const OPERATOR_KINDS: readonly OperatorKind[] = operatorActionSchema.options.map((o) => o.shape.kind.value);

/** One API answer: what was asked, its status (null: never answered), how long it took, and how many BMCs hung. */
export interface OperatorAnswer {
  readonly kind: OperatorKind | 'submit' | 'finish' | 'repair';
  readonly request: string;
  readonly status: number | null;
  readonly ms: number;
  readonly hungBmcs: number;
}

/** The same schedule with an operator mix added: its own random stream, so the faults stay those of the seed. */
export function withOperatorMix(schedule: Schedule, count = 8, durationMs = 2_000): Schedule {
  const r = createRandom(schedule.seed * 7919 + 17);
  const blades = schedule.blades.map((b) => b.id);
  const workloads = [
    ...schedule.workloads.map((w) => w.id),
    ...schedule.actions.flatMap((a) => (a.kind === 'submit' ? [a.workload] : [])),
  ];
  const added: OperatorAction[] = [];
  for (let n = 0; n < count; n++) {
    const t = 200 + r.int(Math.max(1, durationMs - 200));
    const kind = r.weighted<OperatorKind>([
      ['op-maintenance', 3],
      ['op-repair', 2],
      ['op-withdraw', 1],
      ['op-submit-unknown', 1.5],
      ['op-approve', 0.5],
      ['op-policy', 1],
      ['op-revoke-token', 0.5],
      ['op-bad-body', 1.5],
    ]);
    switch (kind) {
      case 'op-maintenance':
        added.push({ at: t, kind, blade: r.pick(blades), on: r.next() < 0.6 });
        break;
      case 'op-repair':
        added.push({ at: t, kind, blade: r.pick(blades) });
        break;
      case 'op-withdraw':
        added.push({ at: t, kind, workload: r.pick(workloads) });
        break;
      case 'op-submit-unknown':
        added.push({ at: t, kind, workload: `ghost${n}` });
        break;
      case 'op-approve':
        added.push({ at: t, kind, proposal: 1 + r.int(20) });
        break;
      case 'op-policy':
        added.push({ at: t, kind, minImprovement: r.pick([0.05, 0.1, 0.2]), maxConcurrentTransfers: 2 + r.int(3) });
        break;
      case 'op-revoke-token':
        added.push({ at: t, kind });
        break;
      case 'op-bad-body':
        added.push({ at: t, kind, variant: r.int(6) });
        break;
    }
  }
  return { ...schedule, actions: [...schedule.actions, ...added].sort((a, b) => a.at - b.at) };
}

export function isOperatorAction(a: { readonly kind: string }): a is OperatorAction {
  return (OPERATOR_KINDS as readonly string[]).includes(a.kind);
}

const BAD_BODIES: readonly { path: string; method: string; body: string; type: string }[] = [
  { method: 'POST', path: '/api/v1/workloads', body: '{"id":', type: 'application/json' },
  { method: 'POST', path: '/api/v1/workloads', body: 'id=w1', type: 'text/plain' },
  {
    method: 'POST',
    path: '/api/v1/workloads',
    body: '{"__proto__":{"admin":true},"id":"x"}',
    type: 'application/json',
  },
  { method: 'PUT', path: '/api/v1/blades/b101/maintenance', body: '{"on":"yes"}', type: 'application/json' },
  {
    method: 'PATCH',
    path: '/api/v1/policy',
    body: '{"transferSeconds":511245,"cooldownSeconds":9.9e8}',
    type: 'application/json',
  },
  {
    method: 'PUT',
    path: '/api/v1/workloads/w01/requirements',
    body: '{"requirements":{"memoryGiB":-5}}',
    type: 'application/json',
  },
];

/** The longest an operator call waits in all, the controller's restarts included. */
const RESTART_WAIT_MS = 120_000;

/** Answers the operator mix asked for in one run. */
export class OperatorDesk {
  readonly answers: OperatorAnswer[] = [];

  constructor(
    private readonly site: Site,
    private readonly apiUrl: () => string | null,
  ) {}

  async apply(a: OperatorAction): Promise<boolean> {
    const { world } = this.site;
    switch (a.kind) {
      case 'op-maintenance':
        return (await this.call(a.kind, 'PUT', `/api/v1/blades/${a.blade}/maintenance`, { on: a.on })) !== null;
      case 'op-repair':
        return (await this.call(a.kind, 'POST', `/api/v1/blades/${a.blade}/repair`)) !== null;
      case 'op-withdraw': {
        const status = await this.call(a.kind, 'DELETE', `/api/v1/workloads/${a.workload}`);
        // Withdrawn while its failed blade still ran it (not fenced yet): the job is over there too.
        if (status === 200 && world.workload(a.workload)?.state === 'running') world.stopRun(a.workload, 'power-off');
        return status !== null;
      }
      case 'op-submit-unknown':
        return (
          (await this.call(a.kind, 'POST', '/api/v1/workloads', {
            id: a.workload,
            requirements: { memoryGiB: 32 },
          })) !== null
        );
      case 'op-approve':
        return (await this.call(a.kind, 'POST', `/api/v1/proposals/${a.proposal}/approve`)) !== null;
      case 'op-policy': {
        const body = { minImprovement: a.minImprovement, maxConcurrentTransfers: a.maxConcurrentTransfers };
        return (await this.call(a.kind, 'PATCH', '/api/v1/policy', body, this.site.adminToken)) !== null;
      }
      case 'op-revoke-token': {
        const made = await this.exchange(
          a.kind,
          'POST',
          '/api/v1/tokens',
          JSON.stringify({ role: 'viewer', name: `chaos-${a.at}` }),
          this.site.adminToken,
        );
        const tokenId = (made?.body as { token?: { id?: string } } | undefined)?.token?.id;
        if (typeof tokenId !== 'string') return made !== null;
        return (
          (await this.call(a.kind, 'DELETE', `/api/v1/tokens/${tokenId}`, undefined, this.site.adminToken)) !== null
        );
      }
      case 'op-bad-body': {
        const bad = BAD_BODIES[a.variant % BAD_BODIES.length]!;
        const token = bad.path === '/api/v1/policy' ? this.site.adminToken : this.site.token;
        return (await this.exchange(a.kind, bad.method, bad.path, bad.body, token, bad.type)) !== null;
      }
    }
  }

  /** After the schedule: every blade still in maintenance back in service (an undrained one keeps its workload). */
  async clearMaintenance(): Promise<void> {
    const listed = await this.exchange('op-maintenance', 'GET', '/api/v1/blades?state=maintenance&limit=1000');
    const items = ((listed?.body as { items?: { id: string }[] } | undefined)?.items ?? []).map((b) => b.id);
    for (const blade of items)
      await this.call('op-maintenance', 'PUT', `/api/v1/blades/${blade}/maintenance`, { on: false });
  }

  call(
    kind: OperatorAnswer['kind'],
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<number | null> {
    return this.exchange(kind, method, path, body === undefined ? undefined : JSON.stringify(body), token).then(
      (r) => r?.status ?? null,
    );
  }

  /** One request, retried while the controller is down (killed by the schedule); the answer that came is recorded. */
  async exchange(
    kind: OperatorAnswer['kind'],
    method: string,
    path: string,
    body?: string,
    token = this.site.token,
    type = 'application/json',
  ): Promise<{ status: number; body: unknown } | null> {
    // 30 s of a running controller to answer: the time it is down (killed by the schedule, starting again on a loaded
    // machine) is no time it could answer in, so it moves the deadline, up to RESTART_WAIT_MS in all.
    let deadline = Date.now() + 30_000;
    const patience = Date.now() + RESTART_WAIT_MS;
    while (Date.now() < deadline) {
      const url = this.apiUrl();
      if (url === null) {
        const down = Date.now();
        await sleep(50);
        deadline = Math.min(patience, deadline + Date.now() - down);
        continue;
      }
      const hungBmcs = this.site.world.bladeIds().filter((b) => this.site.world.blade(b)?.reachable === 'hang').length;
      const started = performance.now();
      try {
        const response = await fetch(`${url}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': type }) },
          ...(body === undefined ? {} : { body }),
          signal: AbortSignal.timeout(10_000),
        });
        const text = await response.text();
        this.answers.push({
          kind,
          request: `${method} ${path}`,
          status: response.status,
          ms: Math.round(performance.now() - started),
          hungBmcs,
        });
        let parsed: unknown = null;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = text;
        }
        return { status: response.status, body: parsed };
      } catch {
        // Killed under the call (connection reset): asked again once it is back.
        await sleep(50);
      }
    }
    this.answers.push({ kind, request: `${method} ${path}`, status: null, ms: 0, hungBmcs: 0 });
    return null;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
