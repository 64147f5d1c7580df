// `cascade survive [FILE]`: which failures the data center survives (N+K per failure domain), on a scenario
// file or on a running controller; and the maintenance what-if behind `cascade plan --maintenance`.
import { InvalidArgumentError, type Command } from 'commander';
import type { Workload } from '../../core/model.js';
import { maintenanceTargets, maintenanceWhatIf } from '../../core/survivability-what-if.js';
import type { DataCenterState, MaintenanceWhatIf } from '../../core/survivability-what-if.js';
import { checkSurvivability, type SurvivabilityReport } from '../../core/survivability.js';
import { formatScenarioError, loadScenario } from '../../sim/load-scenario.js';
import type { Scenario } from '../../sim/scenario.js';
import { CliError } from '../cli-error.js';
import { call, printJson, query, remoteOf, type RemoteFlags } from '../remote/client.js';
import { printMaintenance, printSurvivability } from '../survive-output.js';

interface SurviveFlags extends RemoteFlags {
  readonly k?: number;
  readonly domain?: string[];
}

function failures(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 4) throw new InvalidArgumentError('must be an integer from 0 to 4');
  return n;
}

export function registerSurvive(cli: Command): void {
  cli
    .command('survive')
    .description('N+K: which failures of blades, chassis or labelled domains the data center survives, checked exactly')
    .argument('[file]', 'scenario file (its blades and workloads before any event); without it, the running controller')
    .option('--k <n>', 'check up to n failures of each domain kind (default: policy.survivability.k, 2)', failures)
    .option('--domain <kind...>', "blade, chassis or a location label such as powerFeed (default: the policy's)")
    .option('--json', 'print JSON instead of text')
    .option('--url <url>', "without a file: the controller's API (default: $CASCADE_URL, else http://127.0.0.1:8080)")
    .option('--token <token>', 'without a file: a bearer token (default: $CASCADE_TOKEN)')
    .action(async (file: string | undefined, options: SurviveFlags) => {
      if (file === undefined) return remoteSurvive(options);
      const scenario = await scenarioFrom(file);
      const started = performance.now();
      const level = {
        ...(options.k === undefined ? {} : { k: options.k }),
        ...(options.domain ? { kinds: options.domain } : {}),
      };
      const report = checkSurvivability({ ...stateOf(scenario), ...level });
      const seconds = (performance.now() - started) / 1000;
      if (options.json) printJson(report);
      else process.stdout.write(printSurvivability(scenario.name, report, seconds));
    });
}

/** `cascade plan FILE --maintenance c03`: if these blades, chassis or labels were drained now, what still survives? */
export async function maintenancePlan(
  file: string | undefined,
  targets: readonly string[],
  flags: RemoteFlags,
): Promise<void> {
  if (file === undefined) {
    const remote = remoteOf(flags);
    const path = `/api/v1/survivability${query({ maintenance: targets.join(',') })}`;
    const answer = await call<MaintenanceWhatIf>(remote, 'GET', path);
    if (flags.json) return printJson(answer);
    process.stdout.write(printMaintenance(remote.url, answer));
    return;
  }
  const scenario = await scenarioFrom(file);
  const state = stateOf(scenario);
  const { blades, unknown } = maintenanceTargets(state, targets);
  if (unknown.length > 0) {
    const named = unknown.map((u) => `"${u}"`).join(', ');
    throw new CliError(`--maintenance: no blade, chassis or label matches ${named} in ${file}`, 2);
  }
  const whatIf = maintenanceWhatIf(state, blades);
  if (flags.json) printJson(whatIf);
  else process.stdout.write(printMaintenance(scenario.name, whatIf));
}

async function remoteSurvive(options: SurviveFlags): Promise<void> {
  const remote = remoteOf(options);
  const params = query({
    ...(options.k === undefined ? {} : { k: String(options.k) }),
    ...(options.domain ? { domain: options.domain.join(',') } : {}),
  });
  const answer = await call<{ report: SurvivabilityReport }>(remote, 'GET', `/api/v1/survivability${params}`);
  if (options.json) return printJson(answer);
  process.stdout.write(printSurvivability(remote.url, answer.report));
}

async function scenarioFrom(file: string): Promise<Scenario> {
  const result = await loadScenario(file);
  if (!result.ok) throw new CliError(formatScenarioError(file, result.error), 2);
  return result.scenario;
}

/** The scenario as it stands before any event: a workload with a blade runs there, one without is pending. */
export function stateOf(scenario: Scenario): DataCenterState {
  const workloads: Workload[] = scenario.workloads.map((w) => ({
    ...w,
    state: w.blade === null ? 'pending' : 'running',
  }));
  return { blades: scenario.blades, workloads, policy: scenario.policy };
}
