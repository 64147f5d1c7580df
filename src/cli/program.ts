// The `cascade` command line: simulate, plan (what-if) and generate scenario files.
import { writeFile } from 'node:fs/promises';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import type { Scenario } from '../sim/scenario.js';
import { CliError } from './cli-error.js';
import { COMMAND_MODULES, modulesFor } from './command-modules.js';
import { progressBar } from './progress.js';
import { VERSION } from './version.js';

/** Bad input (a malformed scenario, an unknown blade, a bad flag): exit 2, one line, no stack. */
class UsageError extends Error {}

// Every command loads what it needs when it runs: `cascade --version` must not pay for the server stack, and
// `plan` must not pay for fastify and pg (the imports alone took about half a second).
async function scenarioFrom(file: string): Promise<Scenario> {
  const { formatScenarioError, loadScenario } = await import('../sim/load-scenario.js');
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

/**
 * 300,000 blades took 650 MiB to generate (docs/performance.md), so a million fit Node's default heap here;
 * far beyond, the generator would run out of memory after minutes, so it refuses at once.
 */
export const MAX_GENERATED_BLADES = 1_000_000;

function bladeCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('--blades must be an integer >= 1');
  if (n > MAX_GENERATED_BLADES) {
    throw new InvalidArgumentError(
      `--blades ${value} is more than this command can generate (at most ${MAX_GENERATED_BLADES.toLocaleString('en-US')})`,
    );
  }
  return n;
}

function writeJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function rate(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 100)
    throw new InvalidArgumentError('must be a number between 0 and 100 (failures per blade-year)');
  return n;
}

/** The command line; with `argv`, only the command modules that argv can reach are loaded. */
export async function program(argv?: readonly string[]): Promise<Command> {
  const cli = new Command('cascade')
    .description(
      'Keeps blade-server workloads running: failover to the best-fitting standby blade, then cascades as better blades become free.',
    )
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();

  cli
    .command('simulate')
    .description('run a scenario file on a virtual clock through the planners and report every transfer')
    .argument('<file>', 'scenario file (YAML or JSON, see README)')
    .option('--json', 'print one JSON document (DESIGN section 9) instead of tables')
    .action(async (file: string, options: { json?: boolean }) => {
      const scenario = await scenarioFrom(file);
      const problem = (await import('./simulate-capacity.js')).capacityProblem(scenario);
      if (problem !== null) throw new UsageError(`${file}: ${problem}`);
      const { simulate } = await import('../sim/simulator.js');
      const report = simulate(scenario, { onProgress: progressBar(`simulating ${scenario.name}`) });
      if (options.json) writeJson(report);
      else process.stdout.write((await import('./simulate-output.js')).printSimulation(report));
    });

  cli
    .command('plan')
    .description(
      'what-if: the decisions, with their reasons, if these blades failed now (nothing runs, no time passes)',
    )
    .argument(
      '[file]',
      'scenario file (YAML or JSON); its blades and workloads as they stand before any event. Without it: ask the running controller (--url, --token)',
    )
    .option('--fail <id...>', 'blades that fail at once', [])
    .option(
      '--maintenance <target...>',
      'instead: drain these blades, chassis or label=value now; what is still survived?',
    )
    .option('--json', 'print JSON instead of text (always complete)')
    .option('--all', 'print every decision, runner-up and candidate, not only the summary')
    .option('--url <url>', "without a file: the controller's API (default: $CASCADE_URL, else http://127.0.0.1:8080)")
    .option('--token <token>', 'without a file: a bearer token (default: $CASCADE_TOKEN)')
    .action(
      async (
        file: string | undefined,
        options: {
          fail: string[];
          maintenance?: string[];
          json?: boolean;
          all?: boolean;
          url?: string;
          token?: string;
        },
      ) => {
        if (options.maintenance !== undefined)
          return (await import('./commands/survive.js')).maintenancePlan(file, options.maintenance, options);
        if (file === undefined) return (await import('./commands/remote-plan.js')).remotePlan(options.fail, options);
        const scenario = await scenarioFrom(file);
        const known = new Set(scenario.blades.map((b) => b.id));
        const unknown = options.fail.filter((id) => !known.has(id));
        if (unknown.length > 0)
          throw new UsageError(`--fail: unknown blade ${unknown.map((u) => `"${u}"`).join(', ')} in ${file}`);
        const { printPlan, whatIfFromScenario } = await import('./plan-output.js');
        const whatIf = whatIfFromScenario(scenario, options.fail);
        if (options.json) writeJson(whatIf);
        else process.stdout.write(printPlan(whatIf, { all: options.all === true }));
      },
    );

  cli
    .command('generate')
    .description(
      'write a realistic random data center scenario: chassis of mixed blades, workloads, a year of failures and repairs',
    )
    .requiredOption(
      '--blades <n>',
      `number of blades (at most ${MAX_GENERATED_BLADES.toLocaleString('en-US')})`,
      bladeCount,
    )
    .option('--seed <s>', 'random seed; the same seed gives the same file', integer('--seed', 0), 1)
    .option('--failure-rate <r>', 'hardware failures per blade-year (default 0.08)', rate)
    .option('--years <y>', 'years of events', integer('--years', 1), 1)
    .option('--json', 'write JSON instead of YAML (the same scenario; faster to read back at scale)')
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .action(
      async (options: {
        blades: number;
        seed: number;
        failureRate?: number;
        years: number;
        json?: boolean;
        out?: string;
      }) => {
        const [{ generateScenario }, { scenarioToJson, scenarioToYaml }] = await Promise.all([
          import('../sim/generate.js'),
          import('../sim/scenario-yaml.js'),
        ]);
        const scenario = generateScenario({
          blades: options.blades,
          seed: options.seed,
          years: options.years,
          ...(options.failureRate === undefined ? {} : { failureRate: options.failureRate }),
        });
        const comment = `cascade generate --blades ${options.blades} --seed ${options.seed}`;
        const text = options.json ? scenarioToJson(scenario) : scenarioToYaml(scenario, { comment });
        if (options.out) await writeFile(options.out, text);
        else process.stdout.write(text);
      },
    );

  // The live controller, the emulated data center, a running controller's API, tokens and the real drivers.
  for (const module of modulesFor(argv)) (await COMMAND_MODULES[module]())(cli);

  return cli;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    await (await program(argv)).parseAsync([...argv], { from: 'user' });
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
