// The `cascade` command line: simulate, plan (what-if) and generate scenario files.
import { writeFile } from 'node:fs/promises';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { generateScenario } from '../sim/generate.js';
import { formatScenarioError, loadScenario } from '../sim/load-scenario.js';
import type { Scenario } from '../sim/scenario.js';
import { scenarioToYaml } from '../sim/scenario-yaml.js';
import { simulate } from '../sim/simulator.js';
import { CliError } from './cli-error.js';
import { registerDrivers } from './commands/drivers.js';
import { registerEmulatorCommands } from './commands/emulator-control.js';
import { registerServe } from './commands/serve.js';
import { maintenancePlan, registerSurvive } from './commands/survive.js';
import { registerEvents } from './commands/events.js';
import { registerInventory } from './commands/inventory.js';
import { registerMaintenance } from './commands/maintenance.js';
import { remotePlan } from './commands/remote-plan.js';
import { registerToken } from './commands/token.js';
import { registerReplay } from './commands/replay.js';
import { registerTransfers } from './commands/transfers.js';
import { printPlan, whatIfFromScenario } from './plan-output.js';
import { progressBar } from './progress.js';
import { printSimulation } from './simulate-output.js';

/** Bad input (a malformed scenario, an unknown blade, a bad flag): exit 2, one line, no stack. */
class UsageError extends Error {}

async function scenarioFrom(file: string): Promise<Scenario> {
  const result = await loadScenario(file);
  if (!result.ok) throw new UsageError(formatScenarioError(file, result.error));
  return result.scenario;
}

function integer(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return n;
  };
}

function rate(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError('must be a number between 0 and 100 (failures per blade-year)');
  return n;
}

export function program(): Command {
  const cli = new Command('cascade')
    .description('Keeps blade-server workloads running: failover to the best-fitting standby blade, then cascades as better blades become free.')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();

  cli
    .command('simulate')
    .description('run a scenario file on a virtual clock through the planners and report every transfer')
    .argument('<file>', 'scenario file (YAML, see README)')
    .option('--json', 'print one JSON document (DESIGN section 9) instead of tables')
    .action(async (file: string, options: { json?: boolean }) => {
      const scenario = await scenarioFrom(file);
      const report = simulate(scenario, { onProgress: progressBar(`simulating ${scenario.name}`) });
      if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else process.stdout.write(printSimulation(report));
    });

  cli
    .command('plan')
    .description('what-if: the decisions, with their reasons, if these blades failed now (nothing runs, no time passes)')
    .argument('[file]', 'scenario file; its blades and workloads as they stand before any event. Without it: ask the running controller (--url, --token)')
    .option('--fail <id...>', 'blades that fail at once', [])
    .option('--maintenance <target...>', 'instead: drain these blades, chassis or label=value now; what is still survived?')
    .option('--json', 'print JSON instead of text')
    // Without a file, the what-if runs on a running controller's current state.
    .option('--url <url>', 'without a file: the controller\'s API (default: $CASCADE_URL, else http://127.0.0.1:8080)')
    .option('--token <token>', 'without a file: a bearer token (default: $CASCADE_TOKEN)')
    .action(async (file: string | undefined, options: { fail: string[]; maintenance?: string[]; json?: boolean; url?: string; token?: string }) => {
      if (options.maintenance !== undefined) return maintenancePlan(file, options.maintenance, options);
      if (file === undefined) return remotePlan(options.fail, options);
      const scenario = await scenarioFrom(file);
      const known = new Set(scenario.blades.map((b) => b.id));
      const unknown = options.fail.filter((id) => !known.has(id));
      if (unknown.length > 0) throw new UsageError(`--fail: unknown blade ${unknown.map((u) => `"${u}"`).join(', ')} in ${file}`);
      const whatIf = whatIfFromScenario(scenario, options.fail);
      if (options.json) process.stdout.write(`${JSON.stringify(whatIf, null, 2)}\n`);
      else process.stdout.write(printPlan(whatIf));
    });

  cli
    .command('generate')
    .description('write a realistic random data center scenario: chassis of mixed blades, workloads, a year of failures and repairs')
    .requiredOption('--blades <n>', 'number of blades', integer('--blades', 1))
    .option('--seed <s>', 'random seed; the same seed gives the same file', integer('--seed', 0), 1)
    .option('--failure-rate <r>', 'hardware failures per blade-year (default 0.08)', rate)
    .option('--years <y>', 'years of events', integer('--years', 1), 1)
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .action(async (options: { blades: number; seed: number; failureRate?: number; years: number; out?: string }) => {
      const scenario = generateScenario({
        blades: options.blades,
        seed: options.seed,
        years: options.years,
        ...(options.failureRate === undefined ? {} : { failureRate: options.failureRate }),
      });
      const yaml = scenarioToYaml(scenario, { comment: `cascade generate --blades ${options.blades} --seed ${options.seed}` });
      if (options.out) await writeFile(options.out, yaml);
      else process.stdout.write(yaml);
    });

  // The live controller and the emulated data center it manages.
  registerServe(cli);
  registerEmulatorCommands(cli);

  // Commands that talk to a running controller's HTTP API, and API tokens.
  registerInventory(cli);
  registerTransfers(cli);
  registerReplay(cli);
  registerMaintenance(cli);
  registerEvents(cli);
  registerToken(cli);

  // Check a site's IPMI BMCs and libvirt hosts before serving with them.
  registerDrivers(cli);
  registerSurvive(cli);

  return cli;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    await program().parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    // Commands in ./commands report their errors as CliError (one line, their own exit code).
    if (error instanceof CliError) {
      process.stderr.write(`cascade: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`cascade: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
