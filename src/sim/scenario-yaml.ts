// Writes a Scenario as a scenario file that parseScenario reads back: one line per blade, workload and event.
import YAML, { isMap, isSeq } from 'yaml';
import { DEFAULT_POLICY, type Policy } from '../core/model.js';
import type { Scenario, ScenarioBlade, ScenarioEvent, ScenarioWorkload } from './scenario.js';

export interface ScenarioYamlOptions {
  /** Written at the top of the file as YAML comments, one per line. */
  readonly comment?: string;
}

/** The same scenario as one JSON document, which loads fastest of all (parseScenario reads it too). */
export function scenarioToJson(scenario: Scenario): string {
  const policy = policyOverrides(scenario.policy);
  const lines = (key: string, items: readonly Record<string, unknown>[]): string =>
    items.length === 0
      ? `  "${key}": []`
      : `  "${key}": [\n${items.map((item) => `    ${JSON.stringify(item)}`).join(',\n')}\n  ]`;
  return [
    `{\n  "name": ${JSON.stringify(scenario.name)},`,
    ...(Object.keys(policy).length > 0 ? [`  "policy": ${JSON.stringify(policy)},`] : []),
    `${lines('blades', scenario.blades.map(bladeEntry))},`,
    `${lines('workloads', scenario.workloads.map(workloadEntry))},`,
    `${lines('events', scenario.events.map(eventEntry))}\n}\n`,
  ].join('\n');
}

/**
 * One flow map per blade, workload and event. The entries are written directly when every scalar in them can be
 * written plain (generated files always can): building the `yaml` package's document for 100,000 blades takes
 * seconds and gigabytes. Anything else goes through that package, which knows every quoting rule.
 */
export function scenarioToYaml(scenario: Scenario, options: ScenarioYamlOptions = {}): string {
  const entries = {
    blades: scenario.blades.map(bladeEntry),
    workloads: scenario.workloads.map(workloadEntry),
    events: scenario.events.map(eventEntry),
  };
  const lists = Object.entries(entries).map(([key, items]) => flowList(key, items));
  if (lists.every((list) => list !== null)) {
    const head = documentYaml({ ...scenario, blades: [], workloads: [], events: [] }, options).replace(
      /^(blades|workloads|events): \[\]\n/gm,
      '',
    );
    return `${head}${lists.join('')}`;
  }
  return documentYaml(scenario, options);
}

function flowList(key: string, items: readonly Record<string, unknown>[]): string | null {
  if (items.length === 0) return `${key}: []\n`;
  const out: string[] = [`${key}:\n`];
  for (const item of items) {
    const text = flowValue(item);
    if (text === null) return null;
    out.push(`  - ${text}\n`);
  }
  return out.join('');
}

const PLAIN = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
const NOT_PLAIN = /^(?:true|false|null|True|TRUE|False|FALSE|Null|NULL)$/;

/** A flow value exactly as the `yaml` package writes it, or null for anything it might write otherwise. */
function flowValue(value: unknown): string | null {
  if (typeof value === 'string') return PLAIN.test(value) && !NOT_PLAIN.test(value) ? value : null;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0) ? String(value) : null;
  if (typeof value === 'boolean') return String(value);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const parts: string[] = [];
  for (const [key, inner] of Object.entries(value)) {
    const k = flowValue(key);
    const v = flowValue(inner);
    if (k === null || v === null) return null;
    parts.push(`${k}: ${v}`);
  }
  return parts.length === 0 ? '{}' : `{ ${parts.join(', ')} }`;
}

function documentYaml(scenario: Scenario, options: ScenarioYamlOptions): string {
  const policy = policyOverrides(scenario.policy);
  const document = new YAML.Document({
    name: scenario.name,
    ...(Object.keys(policy).length > 0 ? { policy } : {}),
    blades: scenario.blades.map(bladeEntry),
    workloads: scenario.workloads.map(workloadEntry),
    events: scenario.events.map(eventEntry),
  });
  // Flow maps keep a thousand blades at a thousand lines that still read like the examples in DESIGN.md.
  for (const key of ['policy', 'blades', 'workloads', 'events']) {
    const node = document.get(key, true);
    if (isMap(node)) node.flow = true;
    if (isSeq(node)) for (const item of node.items) if (isMap(item)) item.flow = true;
  }
  if (options.comment !== undefined)
    document.commentBefore = options.comment
      .split('\n')
      .map((line) => ` ${line}`)
      .join('\n');
  return document.toString({ lineWidth: 0 });
}

/** Only what differs from DEFAULT_POLICY, so a file states its choices and not the defaults. */
function policyOverrides(policy: Policy): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(DEFAULT_POLICY) as (keyof Policy)[]) {
    if (key === 'weights') {
      if (Object.keys(policy.weights).length > 0) out.weights = { ...policy.weights };
    } else if (policy[key] !== DEFAULT_POLICY[key]) {
      out[key] = policy[key];
    }
  }
  if (policy.hardKeys !== undefined && policy.hardKeys.length > 0) out.hardKeys = [...policy.hardKeys];
  if ((policy.repairBurnInSeconds ?? 0) > 0) out.repairBurnInSeconds = policy.repairBurnInSeconds;
  if (policy.cascadeWindows !== undefined && policy.cascadeWindows.length > 0)
    out.cascadeWindows = [...policy.cascadeWindows];
  return out;
}

function bladeEntry(blade: ScenarioBlade): Record<string, unknown> {
  const entry: Record<string, unknown> = { id: blade.id, resources: { ...blade.resources }, state: blade.state };
  if (blade.location !== undefined) {
    const { chassis, slot, labels } = blade.location;
    entry.location = { chassis, slot, ...labels };
  }
  return entry;
}

function workloadEntry(workload: ScenarioWorkload): Record<string, unknown> {
  const entry: Record<string, unknown> = { id: workload.id, requirements: { ...workload.requirements } };
  if (workload.blade !== null) entry.blade = workload.blade;
  entry.priority = workload.priority;
  if (workload.source !== 'declared') entry.source = workload.source;
  if (workload.minimum !== undefined) entry.minimum = { ...workload.minimum };
  if (workload.pinned !== undefined) entry.pinned = workload.pinned;
  return entry;
}

function eventEntry(event: ScenarioEvent): Record<string, unknown> {
  if ('add' in event) return { at: event.at, add: bladeEntry(event.add) };
  if ('submit' in event) return { at: event.at, submit: workloadEntry(event.submit) };
  return { ...event };
}
