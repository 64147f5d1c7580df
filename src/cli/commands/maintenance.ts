// `cascade maintenance ID on|off`: take a blade out of the pool (an active one is drained first), or put it back.
import { InvalidArgumentError, type Command } from 'commander';
import { call, printJson, remoteOf, remoteOptions, type RemoteFlags } from '../remote/client.js';

function onOff(value: string): boolean {
  if (value !== 'on' && value !== 'off') throw new InvalidArgumentError('must be on or off');
  return value === 'on';
}

export function registerMaintenance(cli: Command): void {
  remoteOptions(
    cli
      .command('maintenance')
      .description(
        'put a blade into maintenance (on; an active blade is drained to the best standby blade first) or take it out (off)',
      )
      .argument('<blade>', 'blade id')
      .argument('<on|off>', 'on or off', onOff),
  ).action(async (blade: string, on: boolean, o: RemoteFlags) => {
    const b = await call<{ id: string; state: string; workload: string | null }>(
      remoteOf(o),
      'PUT',
      `/api/v1/blades/${encodeURIComponent(blade)}/maintenance`,
      { on },
    );
    if (o.json) return printJson(b);
    const drain = on && b.workload !== null ? `; draining ${b.workload} to a standby blade` : '';
    process.stdout.write(`${b.id} is ${b.state}${drain}\n`);
  });
}
