// `cascade status [--watch]` (the operator's view; exit 3 while a workload is down) and `cascade alarms [ack ID]`.
import { InvalidArgumentError, type Command } from 'commander';
import type { OperatorStatus } from '../../api/operator-status.js';
import { CliError } from '../cli-error.js';
import { call, printJson, remoteOf, remoteOptions, type RemoteFlags } from '../remote/client.js';
import { printAlarms, printStatus } from '../status-output.js';

interface StatusFlags extends RemoteFlags {
  readonly watch?: boolean;
  readonly interval: number;
  readonly times?: number;
}

function positive(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${flag} must be a number > 0`);
    return n;
  };
}

export function registerStatus(cli: Command): void {
  remoteOptions(
    cli
      .command('status')
      .description(
        'what runs, what is DOWN (and why, for how long), impaired or unprotected; the pool, open alarms, transfers in progress. Exit 3 while any workload is down',
      )
      .option('-w, --watch', 'refresh until Ctrl-C')
      .option('--interval <seconds>', 'with --watch: seconds between refreshes (default 2)', positive('--interval'), 2)
      .option('--times <n>', 'with --watch: stop after this many refreshes', positive('--times')),
  ).action(async (o: StatusFlags) => {
    const remote = remoteOf(o);
    let last: OperatorStatus | null = null;
    for (let i = 1; ; i++) {
      last = await call<OperatorStatus>(remote, 'GET', '/api/v1/status');
      if (o.json) printJson(last);
      else process.stdout.write(`${o.watch && process.stdout.isTTY ? '\x1b[H\x1b[2J' : ''}${printStatus(last)}`);
      if (!o.watch || (o.times !== undefined && i >= o.times)) break;
      await new Promise((resolve) => setTimeout(resolve, o.interval * 1000));
    }
    if (last.workloads.down > 0) throw new CliError(`${last.workloads.down} workload(s) down`, 3);
  });

  const alarms = remoteOptions(
    cli
      .command('alarms')
      .description(
        'open alarms, critical first (--all: the cleared ones too); `cascade alarms ack ID` acknowledges one',
      )
      .option('--all', 'the cleared alarms too'),
  ).action(async (o: RemoteFlags & { all?: boolean }) => {
    const remote = remoteOf(o);
    const { items } = await call<{ items: OperatorStatus['alarms'] }>(
      remote,
      'GET',
      `/api/v1/alarms?state=${o.all ? 'all' : 'open'}`,
    );
    if (o.json) printJson(items);
    else process.stdout.write(printAlarms(items));
  });
  // --url, --token and --json are the parent's (`cascade alarms ack ID --token T` reaches them through it).
  alarms
    .command('ack')
    .description('acknowledge an open alarm (operator): someone is on it; it stays open until its condition clears')
    .argument('<id>', 'the alarm id, kind/subject as `cascade alarms` prints it (e.g. pool.empty/pool)')
    .option('--note <text>', 'what is being done about it')
    .action(async (id: string, _o: unknown, command: Command) => {
      const o = command.optsWithGlobals<RemoteFlags & { note?: string }>();
      const remote = remoteOf(o);
      const alarm = await call<OperatorStatus['alarms'][number]>(
        remote,
        'POST',
        `/api/v1/alarms/${encodeURIComponent(id)}/acknowledge`,
        o.note === undefined ? {} : { note: o.note },
      );
      if (o.json) printJson(alarm);
      else process.stdout.write(`acknowledged ${alarm.id} as ${alarm.acknowledgedBy ?? '?'}\n`);
    });
}
