// Writes a Scenario as a scenario file that parseScenario reads back: one line per blade, workload and event.
import YAML, { isMap, isSeq } from 'yaml';
import { DEFAULT_POLICY, type Policy } from '../core/model.js';
import type { Scenario, ScenarioBlade, ScenarioEvent, ScenarioWorkload } from './scenario.js';

export interface ScenarioYamlOptions {
  /** Written at the top of the file as YAML comments, one per line. */
  readonly comment?: string;
}

export function scenarioToYaml(scenario: Scenario, options: ScenarioYamlOptions = {}): string {
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
  if (options.comment !== undefined) document.commentBefore = options.comment.split('\n').map((line) => ` ${line}`).join('\n');
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
  return entry;
}

function eventEntry(event: ScenarioEvent): Record<string, unknown> {
  if ('add' in event) return { at: event.at, add: bladeEntry(event.add) };
  if ('submit' in event) return { at: event.at, submit: workloadEntry(event.submit) };
  return { ...event };
}
