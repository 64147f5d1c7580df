// Store records as the API shows them: fits computed, step timings merged, credentials out of endpoints.
import { fitOf, type Fit } from '../core/fit.js';
import { floorsOf } from '../core/floors.js';
import type { Policy } from '../core/model.js';
import type { BladeRecord, StepRecord, TransferRecord, WorkloadRecord } from '../ports/store.js';
import { parseStepOutput } from '../orchestrator/step-output.js';
import type { z } from 'zod';
import type { bladeView, stepView, transferView, workloadView } from './schemas.js';

export type BladeView = z.infer<typeof bladeView>;
/** The zod shapes with the core's readonly Fit, which the planner's results already are. */
export type WorkloadView = Omit<z.infer<typeof workloadView>, 'fit'> & { readonly fit: Fit | null };
export type TransferView = Omit<z.infer<typeof transferView>, 'before' | 'after'> & {
  readonly before: Fit | null;
  readonly after: Fit;
};
export type StepView = z.infer<typeof stepView>;

/**
 * "redfish:https://admin:secret@10.0.0.5" -> "redfish:https://10.0.0.5": a URL's user and password never
 * leave. Everything up to the last "@" goes, because a careless config may leave "/" or "@" unescaped
 * in the password; cutting at the first one would leak the rest of it.
 */
export function redactEndpoint(endpoint: string): string {
  return endpoint.replace(/([a-z][a-z0-9+.-]*:\/\/)\S*@/gi, '$1');
}

/** Which workload is on (or moving onto) each blade. */
export function occupants(
  workloads: readonly WorkloadRecord[],
  open: readonly TransferRecord[] = [],
): Map<string, string> {
  const on = new Map<string, string>();
  for (const w of workloads)
    if (w.blade !== null && (w.state === 'running' || w.state === 'transferring')) on.set(w.blade, w.id);
  for (const t of open) if (!on.has(t.to)) on.set(t.to, t.workload);
  return on;
}

export function toBladeView(b: BladeRecord, workload: string | null): BladeView {
  return {
    id: b.id,
    resources: b.resources,
    state: b.state,
    power: b.power,
    health: b.health,
    location: b.location
      ? { chassis: b.location.chassis, slot: b.location.slot, ...(b.location.label ? { label: b.location.label } : {}) }
      : null,
    ...(b.name ? { name: b.name } : {}),
    endpoint: redactEndpoint(b.endpoint),
    workload,
    ...(b.verdict ? { verdict: b.verdict, verdictReason: b.verdictReason ?? '' } : {}),
    ...(typeof b.burnInSince === 'number' ? { burnInSince: b.burnInSince } : {}),
  };
}

export function fitOn(w: WorkloadRecord, blades: ReadonlyMap<string, BladeRecord>, policy: Policy): Fit | null {
  if (w.blade === null || w.state === 'finished' || w.state === 'pending') return null;
  const blade = blades.get(w.blade);
  return blade ? fitOf(blade.resources, w.requirements, policy.weights, floorsOf(w, policy)) : null;
}

export function toWorkloadView(
  w: WorkloadRecord,
  blades: ReadonlyMap<string, BladeRecord>,
  policy: Policy,
): WorkloadView {
  return {
    id: w.id,
    requirements: w.requirements,
    source: w.source,
    priority: w.priority,
    blade: w.blade,
    state: w.state,
    movedAt: w.movedAt,
    pendingReason: w.pendingReason,
    ...(w.minimum === undefined ? {} : { minimum: w.minimum }),
    ...(w.pinned === true ? { pinned: true } : {}),
    fit: fitOn(w, blades, policy),
  };
}

/**
 * The store keeps a step's start and its end as two records (written before and after it ran);
 * people want one line per attempt with its duration. Of the step outputs only a fence's proof is shown.
 */
export function mergeSteps(steps: readonly StepRecord[]): StepView[] {
  const out: StepView[] = [];
  for (const s of steps) {
    const open =
      s.status === 'started'
        ? undefined
        : findLast(out, (v) => v.name === s.name && v.attempt === s.attempt && v.status === 'started');
    const endedAt = s.endedAt;
    if (open) {
      open.status = s.status;
      open.endedAt = endedAt;
      open.durationMs = endedAt === null ? null : endedAt - open.startedAt;
      open.error = s.error;
      const fence = s.name === 'fence' && s.status === 'succeeded' ? parseStepOutput(s.output).fence : undefined;
      if (fence) {
        const { attempts, ...proof } = fence;
        open.fence = { ...proof, ...(attempts ? { attempts: [...attempts] } : {}) };
      }
    } else {
      out.push({
        name: s.name,
        attempt: s.attempt,
        status: s.status,
        startedAt: s.startedAt,
        endedAt,
        durationMs: endedAt === null ? null : endedAt - s.startedAt,
        error: s.error,
      });
    }
  }
  return out;
}

export function toTransferView(t: TransferRecord, now: number): TransferView {
  const open = t.status === 'running' || t.status === 'waiting';
  return {
    id: t.id,
    kind: t.kind,
    workload: t.workload,
    from: t.from,
    to: t.to,
    before: t.before,
    after: t.after,
    status: t.status,
    reason: t.reason,
    drain: t.drain,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    durationMs: Math.max(0, (open ? now : t.updatedAt) - t.createdAt),
    step: t.steps.at(-1)?.name ?? null,
  };
}

export function brief(t: TransferRecord): Pick<TransferView, 'id' | 'kind' | 'from' | 'to' | 'status' | 'createdAt'> {
  return { id: t.id, kind: t.kind, from: t.from, to: t.to, status: t.status, createdAt: t.createdAt };
}

/** One page of a list sorted by `key`: items after the cursor, at most `limit`, and the next cursor. */
export function pageAfter<T>(
  items: readonly T[],
  key: (item: T) => string,
  after: string | undefined,
  limit: number,
): { items: T[]; next: string | null; total: number } {
  let start = 0;
  if (after !== undefined) {
    start = items.findIndex((item) => key(item) > after);
    if (start < 0) start = items.length;
  }
  const slice = items.slice(start, start + limit);
  const more = start + limit < items.length;
  return { items: slice, next: more && slice.length > 0 ? key(slice.at(-1)!) : null, total: items.length };
}

function findLast<T>(items: T[], test: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return items[i];
  return undefined;
}
