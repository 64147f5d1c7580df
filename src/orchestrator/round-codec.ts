// A round's snapshot stored compact and content-addressed: the encoding, its hash, and the validated decoding.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { READY_STATES, type RoundBlade } from '../core/eligibility.js';
import type { Policy, Resources } from '../core/model.js';
import type { RoundSnapshot, RoundWorkload } from '../core/round.js';
import { VERDICTS } from '../core/verdict.js';
import type { RoundRecord } from '../ports/store.js';
import { policyRecordSchema } from '../wire/policy-record.js';
import { proposalSchema } from '../wire/proposal.js';
import { BLADE_STATES, HEALTHS, POWER_STATES, WORKLOAD_STATES } from '../wire/states.js';

/**
 * Compact: resources and requirements are listed once each in `shapes` (a data center has few shapes) and
 * blades and workloads are tuples. No time in the body, so identical states give identical bodies and hashes.
 */
export function encodeRound(snapshot: RoundSnapshot, policy: Policy): string {
  const shapes: Resources[] = [];
  const shapeOf = new Map<string, number>();
  const shape = (r: Resources): number => {
    const key = JSON.stringify(r);
    let i = shapeOf.get(key);
    if (i === undefined) {
      i = shapes.push(r) - 1;
      shapeOf.set(key, i);
    }
    return i;
  };
  // Power and verdict only when known, so a round without them hashes as it always did.
  const blades = snapshot.blades.map((b) => {
    const base = [b.id, shape(b.resources), b.state, b.health ?? null];
    return b.power === undefined && b.verdict === undefined ? base : [...base, b.power ?? null, b.verdict ?? null];
  });
  const workloads = snapshot.workloads.map((w) => [
    w.id,
    shape(w.requirements),
    w.priority,
    w.blade,
    w.state,
    w.movedAt,
    w.source,
  ]);
  const transfers = snapshot.transfers.map((t) => [t.workload, t.from, t.to]);
  // Policy rules per record, written only when some record has one, so older rounds keep their bodies and hashes.
  const rules: Record<string, unknown> = {};
  const burnIn = Object.fromEntries(
    snapshot.blades.flatMap((b) => (typeof b.burnInSince === 'number' ? [[b.id, b.burnInSince]] : [])),
  );
  const minimum = Object.fromEntries(
    snapshot.workloads.flatMap((w) => (w.minimum === undefined ? [] : [[w.id, w.minimum]])),
  );
  const pinned = snapshot.workloads.filter((w) => w.pinned === true).map((w) => w.id);
  if (Object.keys(burnIn).length > 0) rules.burnInSince = burnIn;
  if (Object.keys(minimum).length > 0) rules.minimum = minimum;
  if (pinned.length > 0) rules.pinned = pinned;
  // Only the Status.State and enclosure power that keep a blade out of the pool change a decision: those are kept.
  const unready = snapshot.blades.flatMap((b) => (b.systemState && !READY_STATES.has(b.systemState) ? [b] : []));
  if (unready.length > 0) rules.systemState = Object.fromEntries(unready.map((b) => [b.id, b.systemState]));
  const dark = snapshot.blades.filter((b) => b.chassisPower === 'off').map((b) => b.id);
  if (dark.length > 0) rules.chassisOff = dark;
  const extra = Object.keys(rules).length > 0 ? { rules } : {};
  return JSON.stringify({
    v: 1,
    policy,
    shapes,
    blades,
    workloads,
    transfers,
    proposals: snapshot.proposals,
    rejected: snapshot.rejected,
    ...extra,
  });
}

export function roundRecord(snapshot: RoundSnapshot, policy: Policy, at: number): RoundRecord {
  const body = encodeRound(snapshot, policy);
  return { hash: createHash('sha256').update(body).digest('hex'), at, body };
}

const bladeTuple = z.tuple([z.string(), z.number().int(), z.enum(BLADE_STATES), z.enum(HEALTHS).nullable()]);
const resources = z.record(z.string(), z.union([z.number(), z.string()]));
const body = z.object({
  v: z.literal(1),
  // A round's decision reads neither survivability nor admission, so the decoded policy leaves them out.
  policy: policyRecordSchema.omit({ survivability: true, admission: true }),
  shapes: z.array(resources),
  blades: z.array(z.union([bladeTuple, bladeTuple.rest(z.string().nullable())])),
  workloads: z.array(
    z.tuple([
      z.string(),
      z.number().int(),
      z.number(),
      z.string().nullable(),
      z.enum(WORKLOAD_STATES),
      z.number().nullable(),
      z.enum(['declared', 'vm-metadata', 'measured', 'host']),
    ]),
  ),
  transfers: z.array(z.tuple([z.string(), z.string().nullable(), z.string()])),
  proposals: z.array(proposalSchema),
  rejected: z.array(z.object({ workload: z.string(), from: z.string(), to: z.string() })),
  rules: z
    .object({
      burnInSince: z.record(z.string(), z.number()).optional(),
      minimum: z.record(z.string(), z.record(z.string(), z.number())).optional(),
      pinned: z.array(z.string()).optional(),
      systemState: z.record(z.string(), z.string()).optional(),
      chassisOff: z.array(z.string()).optional(),
    })
    .optional(),
});

export function decodeRound(text: string): { readonly snapshot: RoundSnapshot; readonly policy: Policy } {
  const d = body.parse(JSON.parse(text));
  const shape = (i: number): Resources => {
    const r = d.shapes[i];
    if (r === undefined) throw new Error(`round snapshot: no shape ${i}`);
    return r;
  };
  const burnIn = d.rules?.burnInSince ?? {};
  const minimum = d.rules?.minimum ?? {};
  const pinned = new Set(d.rules?.pinned ?? []);
  const states = d.rules?.systemState ?? {};
  const dark = new Set(d.rules?.chassisOff ?? []);
  const blades: RoundBlade[] = d.blades.map(([id, s, state, health, power, verdict]) => ({
    id,
    resources: shape(s),
    state,
    ...(health === null ? {} : { health }),
    ...(power === undefined || power === null ? {} : { power: z.enum(POWER_STATES).parse(power) }),
    ...(verdict === undefined || verdict === null ? {} : { verdict: z.enum(VERDICTS).parse(verdict) }),
    ...(burnIn[id] === undefined ? {} : { burnInSince: burnIn[id] }),
    ...(states[id] === undefined ? {} : { systemState: states[id] }),
    ...(dark.has(id) ? { chassisPower: 'off' as const } : {}),
  }));
  const workloads: RoundWorkload[] = d.workloads.map(([id, s, priority, blade, state, movedAt, source]) => ({
    id,
    requirements: shape(s),
    priority,
    blade,
    state,
    movedAt,
    source,
    ...(minimum[id] === undefined ? {} : { minimum: minimum[id] }),
    ...(pinned.has(id) ? { pinned: true } : {}),
  }));
  const transfers = d.transfers.map(([workload, from, to]) => ({ workload, from, to }));
  return { snapshot: { blades, workloads, transfers, proposals: d.proposals, rejected: d.rejected }, policy: d.policy };
}
