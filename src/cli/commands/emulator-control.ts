// `cascade fail|repair|fault|add-blade`: drive the emulated data center of a running `cascade serve`, found through
// DATA/serve.json. A repair also tells the controller (the operator's word), recorded as operator:cli.
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { EmulatorClient, EmulatorError } from '../../adapters/emulated/index.js';
import { readServeState } from '../../app/serve-state.js';
import { CliError } from '../cli-error.js';

const DATA_HELP = 'data directory of the running cascade serve';

async function emulatorOf(data: string): Promise<EmulatorClient> {
  const found = await readServeState(resolve(data));
  if (!found.ok) throw new CliError(found.message, 1);
  if (!found.state.emulator)
    throw new CliError(`the cascade serve in ${data} runs no emulator: it manages real hardware`, 1);
  return new EmulatorClient({ url: found.state.emulator.url, token: found.state.emulator.token, timeoutMs: 15_000 });
}

async function send(data: string, method: 'POST', path: string, body: unknown): Promise<Record<string, unknown>> {
  const client = await emulatorOf(data);
  try {
    return (await client.call<Record<string, unknown>>(method, path, body)) ?? {};
  } catch (error) {
    if (error instanceof EmulatorError) {
      const stale =
        error.code === 'unreachable'
          ? ` (is cascade serve still running? ${resolve(data)}/serve.json may be stale)`
          : '';
      throw new CliError(`${error.message}${stale}`, error.status !== null && error.status < 500 ? 2 : 1);
    }
    throw error;
  }
}

function say(reply: Record<string, unknown>): void {
  if (typeof reply['done'] === 'string') process.stdout.write(`${reply['done']}\n`);
  if (typeof reply['controller'] === 'string') process.stdout.write(`controller: ${reply['controller']}\n`);
}

const number =
  (flag: string, min: number, integer = false) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n)))
      throw new InvalidArgumentError(`${flag} must be ${integer ? 'an integer' : 'a number'} >= ${min}`);
    return n;
  };

const FAULTS = [
  'fail',
  'power-loss',
  'memory-fault',
  'network-loss',
  'flap',
  'chassis-power-loss',
  'workload-crash',
] as const;
type FaultKind = (typeof FAULTS)[number];

export function registerEmulatorCommands(cli: Command): void {
  cli
    .command('fail')
    .description('emulator: the blade dies (power off, health critical); the controller fails its workload over')
    .argument('<blade>', 'blade id')
    .option('--data <dir>', DATA_HELP, './data')
    .action(async (blade: string, o: { data: string }) =>
      say(await send(o.data, 'POST', `/blades/${encodeURIComponent(blade)}/faults`, { kind: 'fail' })),
    );

  cli
    .command('repair')
    .description(
      'emulator: the blade is repaired, and the controller returns it to the standby pool (actor operator:cli)',
    )
    .argument('<blade>', 'blade id')
    .option('--data <dir>', DATA_HELP, './data')
    .action(async (blade: string, o: { data: string }) => {
      const reply = await send(o.data, 'POST', `/blades/${encodeURIComponent(blade)}/repair`, {
        actor: 'operator:cli',
      });
      if (reply['accepted'] !== false) return say(reply);
      // The hardware is fixed either way; a script must still learn that the blade did not rejoin the pool.
      if (typeof reply['done'] === 'string') process.stdout.write(`${reply['done']}\n`);
      throw new CliError(`the controller refused the repair: ${String(reply['controller'])}`, 1);
    });

  cli
    .command('fault')
    .description(`emulator: inject a fault: ${FAULTS.join(', ')} (chassis-power-loss takes a chassis id)`)
    .argument('<kind>', FAULTS.join(' | '))
    .argument('<target>', 'blade id, or chassis id for chassis-power-loss')
    .option('--hang', 'network-loss: hold connections open instead of dropping them')
    .option('--health <h>', 'flap: warning or critical', 'critical')
    .option('--times <n>', 'flap: how many times', number('--times', 1, true), 4)
    .option('--period-ms <n>', 'flap: ms between changes', number('--period-ms', 10, true), 1_000)
    .option('--data <dir>', DATA_HELP, './data')
    .action(
      async (
        kind: string,
        target: string,
        o: { hang?: boolean; health: string; times: number; periodMs: number; data: string },
      ) => {
        if (!(FAULTS as readonly string[]).includes(kind))
          throw new CliError(`fault: unknown kind "${kind}"; expected one of ${FAULTS.join(', ')}`);
        const k = kind as FaultKind;
        if (k === 'chassis-power-loss')
          return say(await send(o.data, 'POST', `/chassis/${encodeURIComponent(target)}/power-loss`, {}));
        const body =
          k === 'network-loss'
            ? { kind: k, hang: o.hang === true }
            : k === 'flap'
              ? { kind: k, health: o.health, times: o.times, periodMs: o.periodMs }
              : { kind: k };
        say(await send(o.data, 'POST', `/blades/${encodeURIComponent(target)}/faults`, body));
      },
    );

  cli
    .command('add-blade')
    .description('emulator: a new blade arrives (powered off); the controller adds it to the standby pool')
    .requiredOption('--id <id>', 'blade id')
    .requiredOption('--memory-gib <n>', 'memory in GiB', number('--memory-gib', 0))
    .option('--cpu-count <n>', 'CPU cores', number('--cpu-count', 0, true))
    .option('--storage-tb <n>', 'local storage in TB', number('--storage-tb', 0))
    .option('--cpu-arch <arch>', 'x86_64, aarch64 or ppc64le', 'x86_64')
    .option('--cpu-model <model>', 'CPU model name')
    .option('--chassis <id>', 'enclosure it sits in')
    .option('--slot <n>', 'slot in the enclosure', number('--slot', 1, true))
    .option('--data <dir>', DATA_HELP, './data')
    .action(
      async (o: {
        id: string;
        memoryGib: number;
        cpuCount?: number;
        storageTb?: number;
        cpuArch: string;
        cpuModel?: string;
        chassis?: string;
        slot?: number;
        data: string;
      }) => {
        if ((o.chassis === undefined) !== (o.slot === undefined))
          throw new CliError('add-blade: give --chassis and --slot together');
        const resources: Record<string, number | string> = { memoryGiB: o.memoryGib, cpuArch: o.cpuArch };
        if (o.cpuCount !== undefined) resources['cpuCount'] = o.cpuCount;
        if (o.storageTb !== undefined) resources['storageTB'] = o.storageTb;
        if (o.cpuModel !== undefined) resources['cpuModel'] = o.cpuModel;
        const location =
          o.chassis !== undefined && o.slot !== undefined ? { location: { chassis: o.chassis, slot: o.slot } } : {};
        const reply = await send(o.data, 'POST', '/blades', { id: o.id, resources, ...location });
        process.stdout.write(
          `blade ${String(reply['id'] ?? o.id)} added (powered off); the controller discovers it from the Redfish event\n`,
        );
      },
    );
}
