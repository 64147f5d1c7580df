// Admission control: would this operator action break the survivability level the policy protects?
// A failover is never refused: it is the reason the standby pool exists.
import { DEFAULT_ADMISSION, type AdmissionMode, type AdmissionPolicy, type Policy, type Workload } from './model.js';
import { failureDomains } from './survivability-domains.js';
import { situationOf } from './survivability-model.js';
import { combinationText, leftText } from './survivability-verdict.js';
import { drain, submitted, type DataCenterState } from './survivability-what-if.js';
import { checkSurvivability, replan, type LeftWorkload, type SurvivabilityReport } from './survivability.js';

export type OperatorAction =
  | { readonly kind: 'submit'; readonly workload: Workload }
  | { readonly kind: 'maintenance'; readonly blades: readonly string[] }
  | { readonly kind: 'policy'; readonly policy: Policy }
  | { readonly kind: 'failover'; readonly blades: readonly string[] };

/** A combination of failures survived before the action and not after it. */
export interface BrokenCombination {
  readonly kind: string;
  readonly domains: readonly string[];
  readonly left: readonly LeftWorkload[];
  /** "chassis c03 + blade b0107 (w0412 priority 3 has no cpuArch aarch64 standby left)" */
  readonly text: string;
}

export interface AdmissionVerdict {
  readonly outcome: 'accept' | 'warn' | 'refuse';
  readonly mode: AdmissionMode;
  readonly level: AdmissionPolicy;
  /** Combinations within the protected level that fail after the action and did not before. */
  readonly newlyFailing: number;
  /** The worst of them, named. */
  readonly broken: readonly BrokenCombination[];
  readonly message: string;
}

export function admit(state: DataCenterState, action: OperatorAction): AdmissionVerdict {
  const level = (action.kind === 'policy' ? action.policy : state.policy).admission ?? DEFAULT_ADMISSION;
  const accept = (message: string): AdmissionVerdict => ({
    outcome: 'accept',
    mode: level.mode,
    level,
    newlyFailing: 0,
    broken: [],
    message,
  });
  if (action.kind === 'failover') return accept('a failover is never refused');
  if (level.mode === 'off') return accept('admission control is off');

  const after = stateAfter(state, action);
  const check = (s: DataCenterState): SurvivabilityReport =>
    checkSurvivability({ ...s, k: level.k, kinds: level.domains, maxExamples: 50 });
  const before = check(state);
  const now = check(after);
  let newlyFailing = 0;
  for (const result of now.kinds) {
    const previous = before.kinds.find((r) => r.kind === result.kind);
    for (const l of result.levels) {
      const was = previous?.levels.find((p) => p.k === l.k)?.failed ?? 0;
      newlyFailing += Math.max(0, l.failed - was);
    }
  }
  if (newlyFailing === 0) return accept(`keeps ${describeLevel(level)}`);

  const situation = situationOf(state.blades, state.workloads, state.policy);
  const bladeById = new Map(state.blades.map((b) => [b.id, b]));
  const broken: BrokenCombination[] = [];
  for (const result of now.kinds) {
    const domains = new Map(failureDomains(state.blades, result.kind, state.labels).map((d) => [d.id, d.blades]));
    for (const weak of result.weakest) {
      const blades = weak.domains.flatMap((id) => domains.get(id) ?? []);
      if (replan(situation, blades, bladeById, state.policy).left.length > 0) continue;
      const text = `${combinationText(weak)}${leftText(weak)}`;
      broken.push({ kind: weak.kind, domains: weak.domains, left: weak.left, text });
    }
  }
  broken.sort((a, b) => a.domains.length - b.domains.length || b.left.length - a.left.length);
  const named = broken[0]?.text ?? `${newlyFailing} combination${newlyFailing === 1 ? '' : 's'} of failures`;
  const others = newlyFailing - 1;
  const more = others > 0 && broken.length > 0 ? ` (and ${others} more combination${others === 1 ? '' : 's'})` : '';
  return {
    outcome: level.mode === 'enforce' ? 'refuse' : 'warn',
    mode: level.mode,
    level,
    newlyFailing,
    broken: broken.slice(0, 10),
    message: `would no longer survive ${named}${more}, below the protected ${describeLevel(level)}`,
  };
}

/** The state the action leads to, as the planner would make it. */
export function stateAfter(
  state: DataCenterState,
  action: Exclude<OperatorAction, { kind: 'failover' }>,
): DataCenterState {
  if (action.kind === 'submit') return submitted(state, action.workload);
  if (action.kind === 'maintenance') return drain(state, action.blades).after;
  return { ...state, policy: action.policy };
}

function describeLevel(level: AdmissionPolicy): string {
  return `level: any ${level.k} failure${level.k === 1 ? '' : 's'} of ${level.domains.join(', ')}`;
}
