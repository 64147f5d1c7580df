// `cascade plan`: the what-if decisions of a scenario's starting state, with their reasons.
import { findCandidates } from '../core/candidates.js';
import type { CascadeMove, Candidate } from '../core/cascade.js';
import type { Pending, Placement, RunnerUp } from '../core/decision.js';
import { describeFit, type Fit } from '../core/fit.js';
import type { Blade, Workload } from '../core/model.js';
import { planWhatIf } from '../core/what-if.js';
import type { Scenario } from '../sim/scenario.js';
import { exclusionLines, exclusionSummary, exclusionsOf, type Exclusions } from '../core/exclusion-report.js';
import { shortFit } from './table.js';

export interface WhatIfReport {
  readonly scenario: string;
  readonly fail: readonly string[];
  /** Table 3 before anything happens. */
  readonly candidates: readonly Candidate[];
  readonly placements: readonly Placement[];
  readonly pending: readonly Pending[];
  readonly rounds: readonly (readonly CascadeMove[])[];
  /** Table 4 at the end: the standby pool. */
  readonly pool: readonly string[];
  readonly placementsAfter: Readonly<Record<string, string | null>>;
  /** The policy's hard floors, burn-in, cascade windows and the pinned workloads, as lines people read. */
  readonly rules?: readonly string[];
  /** Workloads never cascaded, marked in the candidate list. */
  readonly pinned?: readonly string[];
  /** The blades left out as the failovers' targets, with the eligibility rule's reasons. */
  readonly excluded?: Exclusions;
}

export function whatIfFromScenario(scenario: Scenario, fail: readonly string[]): WhatIfReport {
  const blades: Blade[] = scenario.blades.map((b) => ({ ...b }));
  const workloads: Workload[] = scenario.workloads.map((w) => ({
    ...w,
    state: w.blade === null ? 'pending' : 'running',
  }));
  const candidates = findCandidates(blades, workloads, scenario.policy);
  const result = planWhatIf({ blades, workloads, policy: scenario.policy, fail });
  return {
    scenario: scenario.name,
    fail,
    candidates,
    placements: result.placements,
    pending: result.pending,
    rounds: result.rounds,
    pool: result.blades
      .filter((b) => b.state === 'standby')
      .map((b) => b.id)
      .sort(),
    placementsAfter: Object.fromEntries(
      result.workloads.filter((w) => w.state !== 'finished').map((w) => [w.id, w.blade]),
    ),
    rules: rulesOf(scenario),
    pinned: scenario.workloads.filter((w) => w.pinned === true).map((w) => w.id),
    excluded: exclusionsOf(result.excluded),
  };
}

/** Only the rules in force: a plain policy prints none. */
export function rulesOf(scenario: Pick<Scenario, 'policy' | 'workloads'>): string[] {
  const { policy } = scenario;
  const out: string[] = [];
  if ((policy.hardKeys ?? []).length > 0) {
    out.push(`hard floors: ${policy.hardKeys!.join(', ')} (a blade offering less is infeasible)`);
  }
  for (const w of scenario.workloads) {
    if (w.minimum === undefined) continue;
    out.push(
      `${w.id} minimum: ${Object.entries(w.minimum)
        .map(([k, v]) => `${k} >= ${v}`)
        .join(', ')}`,
    );
  }
  const pinned = scenario.workloads.filter((w) => w.pinned === true).map((w) => w.id);
  if (pinned.length > 0) out.push(`pinned (never cascaded, still failed over): ${pinned.join(', ')}`);
  const burnIn = policy.repairBurnInSeconds ?? 0;
  if (burnIn > 0) out.push(`burn-in: a repaired or added blade enters the pool after ${burnIn} s healthy`);
  if ((policy.cascadeWindows ?? []).length > 0) {
    out.push(
      `cascade windows (UTC): ${policy.cascadeWindows!.join('; ')}; outside them cascades are proposed, not run`,
    );
  }
  return out;
}

function rulesBlock(r: WhatIfReport): string[] {
  const rules = r.rules ?? [];
  return rules.length === 0 ? [] : ['Policy rules:', ...rules.map((line) => `  ${line}`), ''];
}

function candidateNote(c: Candidate, pinned: ReadonlySet<string>): string {
  if (!c.frozen) return '';
  return pinned.has(c.workload) ? ' (pinned)' : ' (cooling down)';
}

export interface PlanTextOptions {
  /** Every decision with its runners-up, every candidate and the whole pool, instead of the summary. */
  readonly all?: boolean;
}

/** Decisions shown in full in the summary; the rest are counted (`--all` or `--json` lists them). */
const SUMMARY_DECISIONS = 20;

export function printPlan(r: WhatIfReport, options: PlanTextOptions = {}): string {
  return options.all === true ? printAll(r) : printSummary(r);
}

/**
 * For people: the failovers with their runners-up and the cascade chain, each up to SUMMARY_DECISIONS lines, and
 * the candidates and the pool as counts (at 10,000 blades the full listing is thousands of lines).
 */
function printSummary(r: WhatIfReport): string {
  const out: string[] = [title(r), '', ...rulesBlock(r)];
  const moves = r.rounds.reduce((n, round) => n + round.length, 0);
  out.push(
    `Failovers and placements: ${r.placements.length}${r.pending.length > 0 ? `, ${r.pending.length} pending` : ''}`,
  );
  for (const p of r.placements.slice(0, SUMMARY_DECISIONS)) out.push(...decision(p));
  more(out, r.placements.length);
  for (const p of r.pending.slice(0, SUMMARY_DECISIONS)) {
    out.push(`  ${p.workload}  pending${p.from ? ` (from ${p.from})` : ''}: ${p.reason}: ${p.detail}`);
  }
  more(out, r.pending.length);
  out.push(
    '',
    `Cascade chain: ${moves === 0 ? 'no worthwhile move' : `${moves} move${moves === 1 ? '' : 's'} in ${r.rounds.length} round${r.rounds.length === 1 ? '' : 's'}`}`,
  );
  let shown = 0;
  r.rounds.forEach((round, i) => {
    for (const m of round) {
      if (shown++ < SUMMARY_DECISIONS) out.push(`${oneLine(m)}  round ${i + 1}, saving ${round3(m.saving)}`);
    }
  });
  more(out, moves);
  const frozen = r.candidates.filter((c) => c.frozen).length;
  out.push(
    '',
    `Candidates before (active blades that do not fit exactly): ${r.candidates.length}${frozen > 0 ? ` (${frozen} cooling down or pinned)` : ''}`,
    `Standby pool after: ${r.pool.length} blade${r.pool.length === 1 ? '' : 's'}`,
    ...(r.excluded ? [exclusionSummary(r.excluded)] : []),
    '',
    '(--all lists every decision with its runners-up, every candidate, the pool and each blade left out; --json gives all of it)',
    '',
  );
  return out.join('\n');
}

function more(out: string[], total: number): void {
  if (total > SUMMARY_DECISIONS) out.push(`  ... and ${total - SUMMARY_DECISIONS} more`);
}

function oneLine(p: Placement): string {
  const route = p.from === null ? `-> ${p.to}` : `${p.from} -> ${p.to}`;
  return `  ${p.workload}  ${p.kind}  ${route}  (${p.before === null ? '' : `${shortFit(p.before)} -> `}${shortFit(p.after)})`;
}

function title(r: WhatIfReport): string {
  return r.fail.length > 0
    ? `${r.scenario}: what if ${r.fail.join(', ')} fail${r.fail.length === 1 ? 's' : ''}?`
    : `${r.scenario}: the plan as it stands`;
}

function printAll(r: WhatIfReport): string {
  const out: string[] = [];
  out.push(title(r), '', ...rulesBlock(r));
  out.push('Failovers and placements:');
  if (r.placements.length === 0) out.push('  none');
  for (const p of r.placements) out.push(...decision(p));
  if (r.pending.length > 0) {
    out.push('', 'Pending:');
    for (const p of r.pending)
      out.push(`  ${p.workload}${p.from ? ` (from ${p.from})` : ''}: ${p.reason}: ${p.detail}`);
  }
  out.push('', 'Cascades, round by round (a blade freed in one round may be taken in the next):');
  if (r.rounds.length === 0) out.push('  none: no worthwhile move');
  r.rounds.forEach((round, i) => {
    out.push(`  round ${i + 1}:`);
    for (const m of round) out.push(...decision(m, `saving ${round3(m.saving)}`).map((l) => `  ${l}`));
  });
  out.push('', `Candidates before (active blades that do not fit exactly): ${r.candidates.length === 0 ? 'none' : ''}`);
  const pinned = new Set(r.pinned ?? []);
  for (const c of r.candidates) out.push(`  ${c.workload} on ${c.blade}: ${fitText(c.fit)}${candidateNote(c, pinned)}`);
  out.push('', `Standby pool after: ${r.pool.length === 0 ? 'empty' : r.pool.join(', ')}`);
  if (r.excluded) out.push('', ...exclusionLines(r.excluded));
  out.push('');
  return out.join('\n');
}

function decision(p: Placement, extra?: string): string[] {
  const route = p.from === null ? `-> ${p.to}` : `${p.from} -> ${p.to}`;
  const change = p.before === null ? describeFit(p.after) : `${describeFit(p.before)} -> ${describeFit(p.after)}`;
  const lines = [`  ${p.workload}  ${p.kind}  ${route}  (${change}${extra ? `; ${extra}` : ''})`];
  if (p.runnersUp.length > 0) lines.push(`      runners-up: ${p.runnersUp.map(runnerUp).join('; ')}`);
  return lines;
}

function runnerUp(r: RunnerUp): string {
  const why: Record<RunnerUp['lost'], string> = {
    infeasible: 'infeasible',
    'worse-fit': 'worse fit',
    'tie-break': 'equal fit, lost the tie-break',
    taken: `better alone, but the joint optimum gives it to ${r.takenBy ?? 'another workload'}`,
    'not-worthwhile': 'not worth a move',
  };
  return `${r.blade} ${fitText(r.fit)} (${why[r.lost]})`;
}

function fitText(fit: Fit): string {
  return fit.feasible ? shortFit(fit) : describeFit(fit);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
