// `cascade serve`: the controller with its store, drivers and (by default) an emulated data center, until Ctrl-C.
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { ConfigError, loadConfig, parseConfig, type ServeConfig } from '../../app/config.js';
import { createLogger } from '../../app/logging.js';
import { startServe, type ServeHandles } from '../../app/serve.js';
import { ownerOnlyFiles } from '../../app/private-files.js';
import { CliError } from '../cli-error.js';

interface ServeFlags {
  readonly config?: string;
  readonly data?: string;
  readonly port?: number;
  readonly emulatorPort?: number;
  readonly logFormat?: 'json' | 'text';
  // The store and HA mode.
  readonly db?: string;
  readonly ha?: boolean;
  readonly leaseTtlMs?: number;
  readonly holder?: string;
  readonly init?: boolean;
}

function holderName(value: string): string {
  if (value.trim() === '' || value.length > 200)
    throw new InvalidArgumentError('must be a name of 1 to 200 characters');
  return value;
}

function leaseMs(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1_000 || n > 600_000)
    throw new InvalidArgumentError('must be whole milliseconds from 1000 to 600000');
  return n;
}

function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new InvalidArgumentError('must be a port number (0 for any free port)');
  return n;
}

function logFormat(value: string): 'json' | 'text' {
  if (value !== 'json' && value !== 'text') throw new InvalidArgumentError('must be json or text');
  return value;
}

export function registerServe(cli: Command): void {
  cli
    .command('serve')
    .description(
      'run the controller: SQLite in ./data, and with no configuration an emulated data center (4 chassis x 14 blades) it manages over Redfish',
    )
    .option(
      '--config <file>',
      'YAML configuration (see README): Redfish endpoints or IPMI blades, emulator or libvirt hosts, timings, policy',
    )
    .option(
      '--data <dir>',
      "data directory: store, emulated world, serve.json (default: the config's data, else ./data)",
    )
    .option('--port <n>', 'port of the HTTP API (default 8080; 0 for any free port)', portNumber)
    .option('--emulator-port <n>', 'port of the emulator (default: any free port; printed at start)', portNumber)
    .option('--log-format <format>', 'json, or text (the default at a terminal)', logFormat)
    .option(
      '--db <url>',
      'the store: a SQLite file path, sqlite:PATH, or postgres://user@host/db (default: <data>/cascade.db; password: use PGPASSWORD)',
    )
    .option(
      '--ha',
      'one of several controllers on one store: leads while it holds the lease, else stands by (needs redfish + workloads.emulatorUrl)',
    )
    .option('--lease-ttl-ms <n>', 'HA lease time (default 15000)', leaseMs)
    .option('--holder <name>', 'HA holder name, unique per controller (default host:pid:random)', holderName)
    .option(
      '--init',
      'an empty store in front of hardware (or an emulated world) that already runs workloads: adopt what is ' +
        'observed, every blade health-checked first, and move nothing (without it such a start is refused)',
    )
    .action(async (flags: ServeFlags) => {
      ownerOnlyFiles();
      const config = await configFrom(flags);
      const logger = createLogger({
        level: config.log.level,
        format: flags.logFormat ?? config.log.format ?? (process.stdout.isTTY ? 'text' : 'json'),
      });
      let handles: ServeHandles;
      try {
        handles = await startServe({
          config,
          dataDir: resolve(config.data),
          logger,
          ...(flags.db !== undefined ? { dbField: '--db' } : {}),
          ...(flags.init === true ? { init: true } : {}),
        });
      } catch (error) {
        if (error instanceof ConfigError) throw new CliError(error.message);
        throw new CliError(`serve could not start: ${error instanceof Error ? error.message : String(error)}`, 1);
      }
      await new Promise<void>((done) => {
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
      });
      logger.info('stopping');
      await handles.close();
      logger.info('stopped');
      logger.flush();
      // The controller's timers are plain sleeps of up to checkpointMs: do not wait for them to run out.
      process.exit(0);
    });
}

async function configFrom(flags: ServeFlags): Promise<ServeConfig> {
  let config: ServeConfig;
  try {
    config = flags.config ? await loadConfig(flags.config) : parseConfig({}, 'defaults');
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
  return {
    ...config,
    ...(flags.data ? { data: flags.data } : {}),
    ...(flags.emulatorPort !== undefined ? { emulator: { ...config.emulator, port: flags.emulatorPort } } : {}),
    ...(flags.port !== undefined
      ? { listen: { ...config.listen, api: { ...config.listen.api, port: flags.port } } }
      : {}),
    ...(flags.db !== undefined ? { db: flags.db } : {}),
    ha: {
      ...config.ha,
      ...(flags.ha ? { enabled: true } : {}),
      ...(flags.leaseTtlMs !== undefined ? { leaseTtlMs: flags.leaseTtlMs } : {}),
      ...(flags.holder !== undefined ? { holder: flags.holder } : {}),
    },
  };
}
