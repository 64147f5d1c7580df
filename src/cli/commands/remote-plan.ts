// `cascade plan --fail ID` without a file: the what-if of a running controller, on its current state.
import type { Candidate, CascadeMove } from '../../core/cascade.js';
import type { Pending, Placement } from '../../core/decision.js';
import { CliError } from '../cli-error.js';
import type { Exclusions } from '../../core/exclusion-report.js';
import { printPlan } from '../plan-output.js';
import { call, printJson, remoteOf, type RemoteFlags } from '../remote/client.js';

interface PlanAnswer {
  readonly fail: string[];
  readonly placements: Placement[];
  readonly pending: Pending[];
  readonly rounds: CascadeMove[][];
  readonly truncated: boolean;
  readonly pool: string[];
  readonly placementsAfter: Record<string, string | null>;
  readonly excluded?: Exclusions;
}

export async function remotePlan(fail: readonly string[], flags: RemoteFlags & { all?: boolean }): Promise<void> {
  if (fail.length === 0)
    throw new CliError('plan: give a scenario file, or --fail ID ... to ask the running controller', 2);
  const remote = remoteOf(flags);
  const [plan, candidates] = await Promise.all([
    call<PlanAnswer>(remote, 'POST', '/api/v1/plan', { fail }),
    call<{ items: Candidate[] }>(remote, 'GET', '/api/v1/candidates'),
  ]);
  if (flags.json) return printJson(plan);
  process.stdout.write(
    printPlan(
      {
        scenario: remote.url,
        fail: plan.fail,
        candidates: candidates.items,
        placements: plan.placements,
        pending: plan.pending,
        rounds: plan.rounds,
        pool: plan.pool,
        placementsAfter: plan.placementsAfter,
        ...(plan.excluded ? { excluded: plan.excluded } : {}),
      },
      // --all as for a file: every decision, and each blade left out with why.
      { all: flags.all === true },
    ),
  );
}
