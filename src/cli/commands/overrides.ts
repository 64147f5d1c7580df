// `cascade fence confirm BLADE --reason R` and `cascade blade clear ID --reason R`: the operator's overrides of the
// failure detector, each recorded with the operator's name (the token's) and the reason.
import type { Command } from 'commander';
import { call, printJson, remoteOf, remoteOptions, type RemoteFlags } from '../remote/client.js';

interface ReasonFlags extends RemoteFlags {
  readonly reason: string;
}

export function registerOverrides(cli: Command): void {
  const fence = cli
    .command('fence')
    .description('manual fencing: vouch that a failed blade is off so its failover proceeds');
  remoteOptions(
    fence
      .command('confirm')
      .description(
        'confirm that a failed blade is powered off (you checked it); a failover waiting on its fence proceeds',
      )
      .argument('<blade>', 'blade id')
      .requiredOption('--reason <text>', 'how you know it is off (recorded in the audit log)'),
  ).action(async (blade: string, o: ReasonFlags) => {
    const path = `/api/v1/blades/${encodeURIComponent(blade)}/fence-confirm`;
    const b = await call<{ id: string; state: string; transfers: string[] }>(remoteOf(o), 'POST', path, {
      reason: o.reason,
    });
    if (o.json) return printJson(b);
    const waiting =
      b.transfers.length > 0 ? `; failover ${b.transfers.join(', ')} proceeds` : '; no failover was waiting on it';
    process.stdout.write(`fence of ${b.id} confirmed${waiting}\n`);
  });
  const blade = cli.command('blade').description('one blade: overrides of the failure detector');
  remoteOptions(
    blade
      .command('clear')
      .description(
        'forget a stale verdict (suspect, degraded, credentials) after a check; the next observation decides',
      )
      .argument('<blade>', 'blade id')
      .requiredOption('--reason <text>', 'what you checked (recorded in the audit log)'),
  ).action(async (id: string, o: ReasonFlags) => {
    const b = await call<{ id: string; state: string; verdict?: string }>(
      remoteOf(o),
      'POST',
      `/api/v1/blades/${encodeURIComponent(id)}/clear`,
      { reason: o.reason },
    );
    if (o.json) return printJson(b);
    process.stdout.write(`${b.id} cleared: ${b.state}, its verdict is decided again by the next observation\n`);
  });
}
