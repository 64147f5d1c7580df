// The command modules beyond simulate, plan and generate, loaded only when the command line can reach them:
// `serve` pulls in fastify, pg and the whole controller, which no other command needs.
import type { Command } from 'commander';

type Register = (cli: Command) => void;

export const COMMAND_MODULES = {
  serve: async () => (await import('./commands/serve.js')).registerServe,
  emulator: async () => (await import('./commands/emulator-control.js')).registerEmulatorCommands,
  inventory: async () => (await import('./commands/inventory.js')).registerInventory,
  transfers: async () => (await import('./commands/transfers.js')).registerTransfers,
  maintenance: async () => (await import('./commands/maintenance.js')).registerMaintenance,
  overrides: async () => (await import('./commands/overrides.js')).registerOverrides,
  events: async () => (await import('./commands/events.js')).registerEvents,
  workloadActions: async () => (await import('./commands/workload-actions.js')).registerWorkloadActions,
  token: async () => (await import('./commands/token.js')).registerToken,
  drivers: async () => (await import('./commands/drivers.js')).registerDrivers,
  replay: async () => (await import('./commands/replay.js')).registerReplay,
  survive: async () => (await import('./commands/survive.js')).registerSurvive,
  status: async () => (await import('./commands/status.js')).registerStatus,
} satisfies Record<string, () => Promise<Register>>;

export type CommandModule = keyof typeof COMMAND_MODULES;

/** The top-level commands each module registers (command-modules.test.ts holds this to what they register). */
export const COMMANDS_OF: Readonly<Record<CommandModule, readonly string[]>> = {
  serve: ['serve'],
  emulator: ['fail', 'repair', 'fault', 'add-blade'],
  inventory: ['blades', 'pool', 'workloads', 'candidates'],
  transfers: ['transfers', 'transfer', 'proposals', 'approve', 'reject'],
  maintenance: ['maintenance'],
  overrides: ['fence', 'blade'],
  events: ['events'],
  workloadActions: ['finish', 'withdraw'],
  token: ['token'],
  drivers: ['drivers'],
  replay: ['replay'],
  survive: ['survive'],
  status: ['status', 'alarms'],
};

const BUILT_IN = new Set(['simulate', 'plan', 'generate']);

/**
 * The modules to load for `argv`: none for a built-in command or a bare --version, the one that owns the command,
 * and all of them for help, no command or an unknown one (so help lists everything and a typo gets suggestions).
 */
export function modulesFor(argv: readonly string[] | undefined): CommandModule[] {
  const all = Object.keys(COMMAND_MODULES) as CommandModule[];
  if (argv === undefined) return all;
  const name = argv.find((arg) => !arg.startsWith('-'));
  if (name === undefined) return argv.length > 0 && argv.every((arg) => arg === '--version' || arg === '-V') ? [] : all;
  if (BUILT_IN.has(name)) return [];
  const owner = all.find((module) => COMMANDS_OF[module].includes(name));
  return owner === undefined ? all : [owner];
}
