// Reads a scenario file (DESIGN section 9) into a Scenario, or into the first problem found, as a value with a path.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import YAML, { LineCounter } from 'yaml';
import { z } from 'zod';
import { parseFlowYaml } from './flow-yaml.js';
import { policyWith, type Policy } from '../core/model.js';
import type { Scenario, ScenarioBlade, ScenarioEvent, ScenarioWorkload } from './scenario.js';
import { quickBlade, quickIdEvent, quickWorkload } from './scenario-quick.js';
import { checkScenario, type IndexedEvent } from './scenario-checks.js';
import { formatPath, type ScenarioError } from './scenario-error.js';
import {
  bladeSchema,
  EVENT_KINDS,
  eventSchemas,
  scenarioSchema,
  type BladeInput,
  type EventKind,
  type PolicyInput,
  type WorkloadInput,
  workloadSchema,
} from './scenario-schema.js';

export { formatScenarioError, type ScenarioError } from './scenario-error.js';

export type ScenarioResult =
  | { readonly ok: true; readonly scenario: Scenario }
  | { readonly ok: false; readonly error: ScenarioError };

type Step<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ScenarioError };

const UNKNOWN_EVENT = `unknown event: expected exactly one of ${EVENT_KINDS.join(', ')}`;
const TOP_LEVEL = 'expected a mapping with name, policy, blades, workloads and events';

export async function loadScenario(path: string): Promise<ScenarioResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = err instanceof Error && 'code' in err ? String(err.code) : 'unreadable';
    return { ok: false, error: { path: '', message: `cannot read the file (${code})` } };
  }
  return parseScenario(text, path);
}

/** `origin` (usually the file's path) names the scenario when the file has no `name`. */
export function parseScenario(text: string, origin?: string): ScenarioResult {
  const document = readDocument(text);
  if (!document.ok) return document;
  const shaped = topSchema.safeParse(document.value, { reportInput: true });
  if (!shaped.success) return { ok: false, error: fromIssue(shaped.error.issues[0]) };
  const input = shaped.data;
  const bladeInputs = entries(input.blades, 'blades', quickBlade, bladeSchema);
  if (!bladeInputs.ok) return bladeInputs;
  const workloadInputs = entries(input.workloads, 'workloads', quickWorkload, workloadSchema);
  if (!workloadInputs.ok) return workloadInputs;

  const events: IndexedEvent[] = [];
  for (const [index, raw] of (input.events ?? []).entries()) {
    const event = readEvent(raw, index);
    if (!event.ok) return event;
    events.push({ index, event: event.value });
  }
  // Array.prototype.sort is stable, so events of one instant keep their file order.
  events.sort((a, b) => a.event.at - b.event.at);

  const blades = bladeInputs.value.map(toBlade);
  const workloads = workloadInputs.value.map(toWorkload);
  const problem = checkScenario(blades, workloads, events);
  if (problem !== null) return { ok: false, error: problem };

  return {
    ok: true,
    scenario: {
      name: input.name ?? nameFrom(origin),
      policy: toPolicy(input.policy ?? {}),
      blades,
      workloads,
      events: events.map(({ event }) => event),
      ...(input.detection ? { detection: input.detection } : {}),
    },
  };
}

/**
 * JSON when the file starts with `{`; then the flow-style subset that `cascade generate` writes, read without a
 * document tree; anything else (or anything that subset reader is unsure of) through the full YAML parser, whose
 * errors carry line numbers.
 */
function readDocument(text: string): Step<unknown> {
  const start = text.search(/\S/);
  if (start >= 0 && text[start] === '{') return readJson(text);
  const flow = parseFlowYaml(text);
  if (flow !== null) return topLevel(flow);
  return readYaml(text);
}

function readJson(text: string): Step<unknown> {
  try {
    return topLevel(JSON.parse(text) as unknown);
  } catch (err) {
    return { ok: false, error: { path: '', message: `bad JSON: ${err instanceof Error ? err.message : String(err)}` } };
  }
}

function readYaml(text: string): Step<unknown> {
  const lines = new LineCounter();
  const document = YAML.parseDocument(text, { prettyErrors: false, lineCounter: lines });
  const [first] = document.errors;
  if (first !== undefined) {
    const { line } = lines.linePos(first.pos[0]);
    return { ok: false, error: { path: '', message: `bad YAML at line ${line}: ${first.message}` } };
  }
  let value: unknown;
  try {
    value = document.toJS();
  } catch (err) {
    // toJS throws for aliases it cannot resolve; those are the file's fault, not a bug here.
    return { ok: false, error: { path: '', message: `bad YAML: ${err instanceof Error ? err.message : String(err)}` } };
  }
  return topLevel(value);
}

function topLevel(value: unknown): Step<unknown> {
  if (value === null || value === undefined)
    return { ok: false, error: { path: '', message: `empty scenario file; ${TOP_LEVEL}` } };
  if (typeof value !== 'object' || Array.isArray(value)) {
    const got = Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    return { ok: false, error: { path: '', message: `${TOP_LEVEL}, got ${got}` } };
  }
  return { ok: true, value };
}

/** Blades and workloads are checked one by one: plain checks pass nearly all, the schema names what they do not. */
const topSchema = scenarioSchema.extend({
  blades: listOf('expected a list of blades'),
  workloads: listOf('expected a list of workloads'),
  events: listOf('expected a list of events'),
});

/** A list left unread: z.array(z.unknown()) would still visit every one of 100,000 entries. */
function listOf(message: string) {
  return z
    .custom<unknown[] | null | undefined>((value) => value === null || value === undefined || Array.isArray(value), {
      error: message,
    })
    .optional();
}

function entries<T>(
  raw: readonly unknown[] | null | undefined,
  key: string,
  quick: (value: unknown) => value is T,
  schema: z.ZodType<T>,
): Step<T[]> {
  const out: T[] = [];
  for (const [index, value] of (raw ?? []).entries()) {
    if (quick(value)) {
      out.push(value);
      continue;
    }
    const parsed = schema.safeParse(value, { reportInput: true });
    if (!parsed.success) return { ok: false, error: fromIssue(parsed.error.issues[0], [key, index]) };
    out.push(parsed.data);
  }
  return { ok: true, value: out };
}

function readEvent(raw: unknown, index: number): Step<ScenarioEvent> {
  if (quickIdEvent(raw)) return { ok: true, value: raw as ScenarioEvent };
  const path = `events[${index}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, error: { path, message: 'expected a mapping like { at: 10, fail: A }' } };
  }
  const keys = Object.keys(raw);
  const kinds = keys.filter((key): key is EventKind => (EVENT_KINDS as readonly string[]).includes(key));
  const [kind] = kinds;
  if (kind === undefined || kinds.length > 1 || keys.some((key) => key !== 'at' && key !== kind)) {
    return { ok: false, error: { path, message: UNKNOWN_EVENT } };
  }
  const parsed = eventSchemas[kind].safeParse(raw, { reportInput: true });
  if (!parsed.success) return { ok: false, error: fromIssue(parsed.error.issues[0], ['events', index]) };
  const data = parsed.data;
  if ('add' in data) return { ok: true, value: { at: data.at, add: toBlade(data.add) } };
  if ('submit' in data) return { ok: true, value: { at: data.at, submit: toWorkload(data.submit) } };
  return { ok: true, value: data };
}

function fromIssue(issue: z.core.$ZodIssue | undefined, prefix: readonly PropertyKey[] = []): ScenarioError {
  if (issue === undefined) return { path: formatPath(prefix), message: 'invalid' };
  const path = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys')
    return { path: formatPath([...path, issue.keys[0] ?? '']), message: issue.message };
  // A key left out arrives as a type error on undefined; "required" says it plainly.
  if (issue.code === 'invalid_type' && issue.input === undefined)
    return { path: formatPath(path), message: 'required' };
  return { path: formatPath(path), message: issue.message };
}

function toBlade(input: BladeInput): ScenarioBlade {
  const blade = {
    id: input.id,
    resources: input.resources,
    state: input.state ?? 'standby',
    ...(input.fencing ? { fencing: input.fencing } : {}),
  };
  if (input.location === undefined) return blade;
  const { chassis, slot, ...labels } = input.location;
  return { ...blade, location: Object.keys(labels).length === 0 ? { chassis, slot } : { chassis, slot, labels } };
}

function toWorkload(input: WorkloadInput): ScenarioWorkload {
  return {
    id: input.id,
    requirements: input.requirements,
    blade: input.blade ?? null,
    priority: input.priority ?? 0,
    source: input.source ?? 'declared',
    ...(input.minimum === undefined ? {} : { minimum: input.minimum }),
    ...(input.pinned === undefined ? {} : { pinned: input.pinned }),
  };
}

/** zod leaves keys the file omits out of its output, so they cannot overwrite a default with undefined. */
function toPolicy(input: PolicyInput): Policy {
  return policyWith(input);
}

function nameFrom(origin: string | undefined): string {
  if (origin === undefined) return 'scenario';
  return basename(origin).replace(/\.(ya?ml|json)$/i, '') || 'scenario';
}
